import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './runtime.js';
import { warmUpWorkflow } from './warm-up.js';

describe('warmUpWorkflow', () => {
  it('checks without errors, every step kind included', () => {
    const text = warmUpWorkflow(3);
    const result = checkWorkflow(text);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.definition?.steps.length).toBe(21);
    for (const kind of ['llm', 'tool', 'decision', 'parallel', 'map', 'debate'])
      expect(text).toContain(`kind: ${kind}`);
  });
});
