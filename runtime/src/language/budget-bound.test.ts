import { describe, expect, it } from 'vitest';
import { budgetBound, describeBound } from './budget-bound.js';
import { checkWorkflow } from './check.js';
import { estimateInputTokens } from './token-estimate.js';

const base = (budget: string, steps: string, inputs = '') => `name: bound
${inputs}models:
  m:
    provider: mock
    model: m
    parameters: { max_output_tokens: 100 }
    pricing: { input_per_million: 1000, output_per_million: 2000 }
${budget}
steps:
${steps}`;

describe('worst-case budget bound', () => {
  it('multiplies max output tokens by asks, attempts and a literal map fan-out', () => {
    const text = base(
      'budget: { max_tokens: 100000 }',
      `  - id: each
    kind: map
    items: '[1, 2, 3]'
    step:
      id: one
      kind: llm
      model: m
      prompt: "x \${{ item }}"
      retry: { attempts: 2 }
      output_schema: { type: object }
`,
    );
    const { definition, diagnostics } = checkWorkflow(text);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bound = budgetBound(definition!);
    // schema-bound reply: asks = retry.attempts (2), times 2 attempts, times 3 items
    const perCall =
      estimateInputTokens({ messages: [{ content: 'x ' }], outputSchema: { type: 'object' } }) + 100;
    expect(bound.steps).toEqual([
      expect.objectContaining({ id: 'each', calls: 12, tokens: 12 * perCall, fanOut: 3 }),
    ]);
    expect(bound.tokens).toBe(12 * perCall);
    expect(bound.costUsd).toBeGreaterThan(0);
    expect(bound.unboundedMaps).toEqual([]);
  });

  it('takes a map fan-out from the input maxItems, and says when the file does not bound it', () => {
    const step = `  - id: each
    kind: map
    items: inputs.topics
    step: { id: one, kind: llm, model: m, prompt: "\${{ item }}" }
`;
    const bounded = checkWorkflow(
      base('', step, 'inputs:\n  topics: { type: array, items: { type: string }, maxItems: 5 }\n'),
    ).definition!;
    expect(budgetBound(bounded).steps[0]).toMatchObject({ calls: 5, fanOut: 5 });
    const open = checkWorkflow(
      base('', step, 'inputs:\n  topics: { type: array, items: { type: string } }\n'),
    ).definition!;
    const bound = budgetBound(open);
    expect(bound.steps[0]).toMatchObject({ calls: 1, fanOut: 'unknown' });
    expect(describeBound(bound, open)).toContain('counting one item of map each');
  });

  it('warns at the budget key when the worst case exceeds the budget, and not when it fits', () => {
    const steps = `  - { id: a, kind: llm, model: m, prompt: hi }
  - { id: b, kind: llm, model: m, prompt: there, needs: [a] }
`;
    const over = checkWorkflow(base('budget: { max_tokens: 150 }', steps)).diagnostics;
    const warning = over.find((d) => d.code === 'budget-worst-case');
    expect(warning?.severity).toBe('warning');
    expect(warning?.range.line).toBe(8);
    expect(warning?.message).toMatch(
      /^the worst case exceeds the budget: worst case \d+ tokens, \$[\d.]+ \(budget 150 tokens\)/,
    );
    expect(warning?.message).toContain('The run may stop with budget_exceeded');
    expect(checkWorkflow(base('budget: { max_tokens: 1000 }', steps)).diagnostics).toEqual([]);
    // no declared budget: no warning (the default budget is shown on hover and by validate)
    expect(checkWorkflow(base('', steps.repeat(1).replace('hi', 'hi'.repeat(200)))).diagnostics).toEqual([]);
    // the cost budget too
    const costly = checkWorkflow(base('budget: { max_tokens: 1000, max_cost_usd: 0.01 }', steps)).diagnostics;
    expect(costly.map((d) => d.code)).toEqual(['budget-worst-case']);
  });
});
