import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkWorkflow, findStep, parseWorkflowText, stepOutputSchema } from './index.js';
import type { WorkflowDefinition } from './types.js';

const example = (name: string) =>
  readFileSync(new URL(`../../../schemas/examples/${name}.workflow.yaml`, import.meta.url), 'utf8');

function definitionOf(text: string): WorkflowDefinition {
  const result = checkWorkflow(text);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.definition!;
}

describe('definition', () => {
  const research = definitionOf(example('research-debate'));
  const sales = definitionOf(example('sales-inquiry'));

  it('converts snake_case to camelCase, durations to ms, and applies defaults', () => {
    expect(research.tools.search).toMatchObject({
      method: 'GET',
      timeoutMs: 10_000,
      argsSchema: { type: 'object' },
    });
    expect(research.agents.researcher).toEqual({
      model: 'fast',
      instructions: 'You research companies.',
      tools: ['search'],
      maxIterations: 4,
    });
    expect(research.models.fast).toMatchObject({
      provider: 'openai',
      apiKeyEnv: 'OPENAI_API_KEY',
      parameters: {},
    });
    expect(research.budget).toEqual({ maxTokens: 50_000 });
    expect(sales.budget).toEqual({ maxTokens: 100_000, maxCostUsd: 0.5 });
    expect(research.inputs.documents).toMatchObject({ required: false, default: [] });
    expect(research.inputs.company?.required).toBe(true);
    expect(findStep(research, 'lookup')).toMatchObject({ retry: { attempts: 3, backoffMs: 500, factor: 2 } });
    expect(findStep(research, 'offer_debate')).toMatchObject({ rounds: 2, kFactor: 32, timeoutMs: 300_000 });
    expect(findStep(research, 'summaries')).toMatchObject({ concurrency: 2, items: 'inputs.documents' });
    const defaults = definitionOf(
      'name: d\nmodels: { m: { provider: mock, model: x } }\ntools: { t: { kind: http, url: "http://x" } }\nagents: { a: { model: m, instructions: i } }\nsteps:\n  - { id: s, kind: map, items: "[1]", step: { id: c, kind: tool, tool: t, retry: { attempts: 2 } } }\n  - { id: d, kind: debate, topic: t, participants: [{ name: a, model: m }, { name: b, model: m }], judge: { model: m } }\n',
    );
    expect(defaults.budget.maxTokens).toBe(100_000);
    expect(defaults.tools.t?.timeoutMs).toBe(30_000);
    expect(defaults.agents.a?.maxIterations).toBe(5);
    expect(findStep(defaults, 's')).toMatchObject({ concurrency: 4 });
    expect(findStep(defaults, 'c')).toMatchObject({ retry: { attempts: 2, backoffMs: 1000, factor: 2 } });
    expect(findStep(defaults, 'd')).toMatchObject({ rounds: 2, kFactor: 32 });
  });

  it('adds implied needs from expressions and decisions, nested steps lifted to their container', () => {
    expect(findStep(research, 'research')?.needs).toEqual(['lookup']);
    expect(findStep(research, 'gather')?.needs).toEqual(['research']);
    expect(findStep(research, 'offer_debate')?.needs).toEqual(['summaries', 'gather']);
    expect(findStep(sales, 'route')?.needs).toEqual(['classify']);
    expect(findStep(sales, 'sales_reply')?.needs).toEqual(['route']);
    expect(findStep(sales, 'reply')?.needs).toEqual(['sales_reply', 'fallback_reply']);
  });

  it('lists each need once, explicit ones first, in the order written and found', () => {
    const text = `name: t
models:
  fast: { provider: mock, model: m }
steps:
  - { id: a, kind: llm, model: fast, prompt: x }
  - { id: b, kind: llm, model: fast, prompt: x }
  - id: c
    kind: llm
    model: fast
    needs: [b, a, b]
    prompt: "\${{ steps.a.output.text }} \${{ steps.b.output.text }} \${{ steps.p.output.q.text }}"
  - id: p
    kind: parallel
    steps:
      - { id: q, kind: llm, model: fast, prompt: x }
      - { id: a, kind: llm, model: fast, prompt: x }
`;
    const definition = checkWorkflow(text).definition!;
    expect(findStep(definition, 'c')?.needs).toEqual(['b', 'a', 'p']);
    expect(definition.steps.map((s) => s.needs)).toEqual([[], [], ['b', 'a', 'p'], []]);
  });

  it('types a reference by the first step of that id that has a spec', () => {
    const text = `name: t
models:
  fast: { provider: mock, model: m }
steps:
  - { id: a, kind: nope }
  - { id: a, kind: llm, model: fast, prompt: x }
  - { id: b, kind: llm, model: fast, prompt: "\${{ steps.a.output.text }} \${{ steps.a.output.nope }}" }
`;
    const unknown = checkWorkflow(text).diagnostics.filter((d) => d.code === 'unknown-field');
    expect(unknown.map((d) => d.message)).toEqual([
      '`steps.a.output.nope` does not exist: the output of `a` has `text`',
    ]);
  });

  it('gives each step its range and finds nested steps', () => {
    expect(findStep(research, 'risks')?.range).toMatchObject({ line: 44, column: 15 });
    expect(findStep(research, 'summarize')?.kind).toBe('llm');
    expect(findStep(research, 'nope')).toBeUndefined();
  });

  it('describes step outputs as JSON Schema', () => {
    expect(stepOutputSchema(sales, 'classify')).toMatchObject({
      properties: { category: { type: 'string' } },
    });
    expect(stepOutputSchema(sales, 'reply')).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
    });
    expect(stepOutputSchema(research, 'lookup')).toMatchObject({
      properties: { status: { type: 'integer' }, body: { properties: { results: { type: 'array' } } } },
    });
    expect(stepOutputSchema(sales, 'route')).toMatchObject({ properties: { branch: { type: 'string' } } });
    expect(stepOutputSchema(research, 'gather')).toMatchObject({
      properties: { strengths: { properties: { text: {} } } },
    });
    expect(stepOutputSchema(research, 'summaries')).toMatchObject({
      type: 'array',
      items: { properties: { text: {} } },
    });
    expect(Object.keys((stepOutputSchema(research, 'offer_debate')?.properties as object) ?? {})).toEqual([
      'winner',
      'scores',
      'ratings',
      'transcript',
    ]);
    expect(stepOutputSchema(research, 'nope')).toBeUndefined();
  });

  it('parseWorkflowText keeps positions', () => {
    const parsed = parseWorkflowText('name: x\nsteps: []\n');
    expect(parsed.toRange(8, 13)).toEqual({
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 6,
      start: 8,
      end: 13,
    });
    expect(parsed.document.get('name')).toBe('x');
  });
});
