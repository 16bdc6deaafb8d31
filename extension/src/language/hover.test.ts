import { describe, expect, it } from 'vitest';
import { at, fixture } from './fixture.test-helper.js';
import { hover } from './hover.js';
import { checkWorkflow } from './runtime.js';

describe('hover', () => {
  it('shows a field type and description for steps.x.output.field', () => {
    const h = hover(fixture, at(fixture, 'output.category ==', 9));
    expect(h?.markdown).toContain('steps.classify.output.category: "sales" | "support" | "other"');
    expect(h?.markdown).toContain('What the message is about.');
  });
  it('shows the output schema of a referenced step', () => {
    const h = hover(fixture, at(fixture, 'needs: [classify', 9));
    expect(h?.markdown).toContain('step `classify`');
    expect(h?.markdown).toContain('confidence: number');
  });
  it('shows schema descriptions for keys', () => {
    const h = hover(fixture, at(fixture, 'output_schema:', 2));
    expect(h?.markdown).toMatch(/\*\*output_schema\*\*/);
    expect(h?.markdown).toContain('JSON Schema');
  });
  it("shows the runtime checker's worst case on a step and on the budget key", () => {
    const text = `${fixture}\nbudget:\n  max_tokens: 50000\n`;
    const { definition } = checkWorkflow(text);
    const step = hover(text, at(text, 'needs: [classify', 9), { definition });
    expect(step?.markdown).toMatch(/worst case: \d+ model calls?, [\d,]+ tokens/);
    const budget = hover(text, at(text, 'budget:', 2), { definition });
    expect(budget?.markdown).toMatch(/worst case [\d,]+ tokens.*\(budget 50,000 tokens\)/);
  });
});
