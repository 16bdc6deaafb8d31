import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixture } from './fixture.test-helper.js';
import { hover } from './hover.js';
import { checkWorkflow, fileWorkflowResolver } from './runtime.js';

const SAMPLE = '../../../samples/sub-workflow/';

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
  it("on a workflow: path, the child's inputs and outputs (from a check that resolved it)", () => {
    const child = readFileSync(
      fileURLToPath(new URL(`${SAMPLE}summarize.workflow.yaml`, import.meta.url)),
      'utf8',
    );
    const file = fileURLToPath(new URL(`${SAMPLE}workflow.yaml`, import.meta.url));
    const text = readFileSync(file, 'utf8');
    const { definition } = checkWorkflow(text, { file, resolve: fileWorkflowResolver });
    const h = hover(text, at(text, './summarize.workflow.yaml', 4), { definition });
    expect(child).toContain('name: summarize');
    expect(h?.markdown).toContain('**summarize** (sub-workflow)');
    expect(h?.markdown).toContain('text?: string;');
    expect(h?.markdown).toContain('sentences?: integer;');
    expect(h?.markdown).toContain('summary: string;');
    // unresolved (no resolver): the schema's documentation of the key instead
    expect(
      hover(text, at(text, './summarize.workflow.yaml', 4), { definition: checkWorkflow(text).definition })
        ?.markdown ?? '',
    ).not.toContain('(sub-workflow)');
  });
});
