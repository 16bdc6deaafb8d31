import { describe, expect, it } from 'vitest';
import { formatStackLogLine } from './log-lines.js';

describe('formatStackLogLine', () => {
  it('turns pino JSON after the service prefix into a readable line', () => {
    expect(
      formatStackLogLine(
        'weft     | {"level":30,"time":1,"pid":2,"hostname":"vm","reqId":"r-3","msg":"incoming request"}',
      ),
    ).toBe('weft     | incoming request {"reqId":"r-3"}');
    expect(formatStackLogLine('worker   | {"level":50,"time":1,"msg":"activity failed"}')).toBe(
      'worker   | ERROR activity failed',
    );
  });

  it('leaves other lines as they are', () => {
    expect(formatStackLogLine('redis    | 1:M * Ready to accept connections')).toBe(
      'redis    | 1:M * Ready to accept connections',
    );
    expect(formatStackLogLine('weft     | {not json}')).toBe('weft     | {not json}');
    expect(formatStackLogLine('plain')).toBe('plain');
  });
});
