import { describe, expect, it } from 'vitest';
import { formatDuration, spanTree, waterfall } from './trace-model.js';

const spans = [
  {
    spanId: 'run',
    name: 'run triage',
    kind: 'run',
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    attributes: {},
  },
  {
    spanId: 's2',
    parentSpanId: 'run',
    name: 'step b',
    kind: 'step',
    stepId: 'b',
    startedAt: '2025-01-01T00:00:00.500Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    attributes: {},
  },
  {
    spanId: 's1',
    parentSpanId: 'run',
    name: 'step a',
    kind: 'step',
    stepId: 'a',
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:00.500Z',
    attributes: {
      'gen_ai.request.model': 'mock-1',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
    },
  },
];

describe('trace model', () => {
  it('nests spans under their parents in start order', () => {
    const [root] = spanTree(spans);
    expect(root?.children.map((c) => c.span.stepId)).toEqual(['a', 'b']);
    expect(root?.durationMs).toBe(1000);
  });
  it('lays out a waterfall in percent of the run', () => {
    const { rows, totalMs } = waterfall(spans);
    expect(totalMs).toBe(1000);
    expect(rows.map((r) => [r.label, r.depth, r.offset, r.width])).toEqual([
      ['run triage', 0, 0, 100],
      ['a', 1, 0, 50],
      ['b', 1, 50, 50],
    ]);
    expect(rows[1]?.detail).toBe('mock-1, 10 in / 5 out tokens');
  });
  it('formats durations', () => {
    expect([
      formatDuration(undefined),
      formatDuration(12.4),
      formatDuration(1500),
      formatDuration(75_000),
    ]).toEqual(['running', '12 ms', '1.50 s', '1m 15s']);
  });
});
