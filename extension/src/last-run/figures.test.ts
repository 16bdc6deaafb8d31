// The figures of real runs: the samples on the runtime's embedded engine (offline mock models), their
// trace converted as the HTTP server converts it.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedEngine } from '../../../runtime/src/engines/embedded/index.js';
import { toTraceSpan } from '../../../runtime/src/store/from-engine.js';
import { checkWorkflow } from '../language/runtime.js';
import type { RunRecord } from '../runtime-client/client.js';
import { formatFigures, formatTokens, stepFigures, stepIdOfKey } from './figures.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'weft-figures-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function run(sample: string, inputs: Record<string, string> = {}): Promise<RunRecord> {
  const text = readFileSync(
    fileURLToPath(new URL(`../../../samples/${sample}/workflow.yaml`, import.meta.url)),
    'utf8',
  );
  const { definition } = checkWorkflow(text);
  const record = await new EmbeddedEngine({ dataDir, env: {} }).start(definition!, inputs).result;
  return { ...record, trace: record.trace.map((s, i) => toTraceSpan(s, i)) } as unknown as RunRecord;
}

describe('stepFigures', () => {
  it('names steps by their id: parallel children by the last key segment, map items by the template', () => {
    const templates = new Map([['summarize', 'summarize_topic']]);
    expect(stepIdOfKey('merge', templates)).toBe('merge');
    expect(stepIdOfKey('perspectives.benefits', templates)).toBe('benefits');
    expect(stepIdOfKey('summarize[2]', templates)).toBe('summarize_topic');
  });

  it('sums the model calls of each step of a real run, and counts the map items', async () => {
    const record = await run('research');
    expect(record.status).toBe('succeeded');
    const figures = stepFigures(record, new Map([['summarize', 'summarize_topic']]));
    expect([...figures.keys()].sort()).toEqual(
      ['benefits', 'merge', 'perspectives', 'risks', 'summarize', 'summarize_topic'].sort(),
    );
    const calls = record.trace!.filter((s) => s.kind === 'model_call');
    const total = calls.reduce(
      (n, s) =>
        n +
        Number(s.attributes['gen_ai.usage.input_tokens']) +
        Number(s.attributes['gen_ai.usage.output_tokens']),
      0,
    );
    const summed = [...figures.values()].reduce((n, f) => n + f.tokens, 0);
    expect(summed).toBe(total);
    expect(summed).toBe(record.usage!.totalTokens);
    const topic = figures.get('summarize_topic')!;
    expect(topic).toMatchObject({ status: 'succeeded', runs: 3 });
    expect(topic.tokens).toBeGreaterThan(0);
    expect(figures.get('summarize')!.items).toBe(3);
    expect(figures.get('merge')!.durationMs).toBeGreaterThanOrEqual(0);
    expect(formatFigures(figures.get('summarize')!)).toMatch(/^✓ \d+ ms · 3 items/);
    expect(formatFigures(figures.get('merge')!)).toMatch(/^✓ \d+ ms · \d+ tokens · \$0\.0000$/);
  });

  it('marks the branch not taken as skipped', async () => {
    const record = await run('sales-inquiry', {
      message: 'We would like to buy 40 seats for our sales team.',
    });
    const figures = stepFigures(record);
    const skipped = [...figures].filter(([, f]) => f.status === 'skipped').map(([id]) => id);
    expect(skipped).toHaveLength(1);
    expect(formatFigures(figures.get(skipped[0]!)!)).toBe('↷ skipped');
  });

  it('shows a failure with its error code', () => {
    const figures = stepFigures({
      status: 'failed',
      error: { code: 'timeout', message: 'step took longer than 5s', step: 'fetch' },
      trace: [
        {
          spanId: 'a',
          name: 'step fetch',
          kind: 'step',
          startedAt: '2026-01-01T00:00:00.000Z',
          endedAt: '2026-01-01T00:00:01.200Z',
          status: 'error',
          attributes: { 'weft.step.key': 'fetch', 'weft.step.attempt': 1, 'weft.error.code': 'timeout' },
        },
      ],
    });
    expect(formatFigures(figures.get('fetch')!)).toBe('✗ 1.20 s · timeout: step took longer than 5s');
    expect(formatTokens(1234)).toBe('1.2k');
    expect(formatTokens(999)).toBe('999');
  });
});
