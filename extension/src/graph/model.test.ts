import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateWorkflow } from '../../../bench/lib/generate-workflow.js';
import { checkWorkflow } from '../language/runtime.js';
import { type GraphModel, graphModel, stepAt, stepExtents } from './model.js';

const sample = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../samples/${name}/workflow.yaml`, import.meta.url)), 'utf8');

function modelOf(text: string): GraphModel {
  const { definition, diagnostics } = checkWorkflow(text);
  if (!definition) throw new Error('no definition');
  return graphModel(definition, diagnostics, stepExtents(text, definition));
}

const edgesOf = (m: GraphModel) =>
  m.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}${e.label ? ` [${e.label}]` : ''}`);

describe('graphModel', () => {
  it('draws a decision with its labelled branch and its otherwise', () => {
    const m = modelOf(sample('sales-inquiry'));
    expect(m.workflow).toBe('sales-inquiry');
    expect(m.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual([
      'classify:llm',
      'route:decision',
      'sales_reply:llm',
      'general_reply:llm',
    ]);
    expect(edgesOf(m)).toEqual([
      'classify -needs-> route',
      'route -branch-> sales_reply [steps.classify.output.category == "sales" && st…]',
      'route -otherwise-> general_reply [otherwise]',
    ]);
    expect(m.nodes[1]!.detail).toBe('1 branch + otherwise');
  });

  it('draws a sub-workflow step as a node naming its child file', () => {
    const m = modelOf(sample('sub-workflow'));
    expect(m.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual(['draft:llm', 'summarize:workflow', 'write:llm']);
    expect(m.nodes[1]!.detail).toBe('workflow ./summarize.workflow.yaml');
    expect(edgesOf(m)).toEqual(['draft -needs-> summarize', 'summarize -needs-> write']);
  });

  it('fans a parallel step out and joins it; a map runs its template for each item, then collects', () => {
    const m = modelOf(sample('research'));
    expect(m.nodes.map((n) => `${n.id}:${n.kind}${n.parent ? ` in ${n.parent}` : ''}`)).toEqual([
      'summarize:map',
      'summarize_topic:llm in summarize',
      'summarize#join:join',
      'perspectives:parallel',
      'benefits:llm in perspectives',
      'risks:llm in perspectives',
      'perspectives#join:join',
      'merge:llm',
    ]);
    expect(edgesOf(m)).toEqual([
      'summarize -each-> summarize_topic [each item]',
      'summarize_topic -join-> summarize#join',
      'summarize#join -needs-> perspectives',
      'perspectives -fanout-> benefits',
      'benefits -join-> perspectives#join',
      'perspectives -fanout-> risks',
      'risks -join-> perspectives#join',
      'perspectives#join -needs-> merge',
    ]);
    const map = m.nodes[0]!;
    expect(map.items).toBe('inputs.topics');
    expect(map.detail).toBe('each of inputs.topics · 2 at a time');
    expect(map.range?.line).toBe(28);
  });

  it('gives every sample a connected graph whose edges name existing nodes', () => {
    for (const name of ['debate', 'http-tool', 'research', 'sales-inquiry']) {
      const m = modelOf(sample(name));
      const ids = new Set(m.nodes.map((n) => n.id));
      expect(ids.size).toBe(m.nodes.length);
      for (const e of m.edges) {
        expect(ids.has(e.from), `${name}: ${e.from}`).toBe(true);
        expect(ids.has(e.to), `${name}: ${e.to}`).toBe(true);
      }
    }
  });

  it('marks the step that holds a diagnostic, and maps offsets to the innermost step', () => {
    const text = sample('research').replace(
      'model: fast\n      prompt: "Summarize',
      'model: fsat\n      prompt: "Summarize',
    );
    const { definition, diagnostics } = checkWorkflow(text);
    const extents = stepExtents(text, definition!);
    const m = graphModel(definition!, diagnostics, extents);
    const marked = m.nodes.filter((n) => n.problems);
    expect(marked.map((n) => n.id)).toEqual(['summarize_topic']);
    expect(marked[0]!.problems).toMatchObject({ errors: 1, warnings: 0 });
    expect(marked[0]!.problems!.first).toMatch(/fsat/);

    expect(stepAt(extents, text.indexOf('concurrency: 2'))).toBe('summarize');
    expect(stepAt(extents, text.indexOf('output_schema'))).toBe('summarize_topic');
    expect(stepAt(extents, text.indexOf('List the risks'))).toBe('risks');
    expect(stepAt(extents, text.indexOf('Merge into one report'))).toBe('merge');
    expect(stepAt(extents, text.indexOf('models:'))).toBeUndefined();
    expect(stepAt(extents, text.indexOf('outputs:'))).toBeUndefined();
  });

  it('finds the item a step starts at when `id` is not its first key', () => {
    const text = [
      'name: t',
      'models: { m: { provider: mock, model: mock-1 } }',
      'steps:',
      '  - kind: llm',
      '    model: m',
      '    id: a',
      '    prompt: hi',
      '  - { id: b, kind: llm, model: m, prompt: "${{ steps.a.output.text }}" }',
      '',
    ].join('\n');
    const { definition } = checkWorkflow(text);
    const extents = stepExtents(text, definition!);
    expect(stepAt(extents, text.indexOf('kind: llm'))).toBe('a');
    expect(stepAt(extents, text.indexOf('prompt: hi'))).toBe('a');
    expect(stepAt(extents, text.indexOf('{ id: b'))).toBe('b');
    expect(edgesOf(graphModel(definition!))).toEqual(['a -needs-> b']);
  });

  it('models a 1,000-step workflow: one node per step plus the joins', () => {
    const m = modelOf(generateWorkflow(1000));
    const steps = m.nodes.filter((n) => n.kind !== 'join');
    expect(steps.filter((n) => !n.parent)).toHaveLength(1000);
    expect(m.nodes.filter((n) => n.kind === 'join').length).toBeGreaterThan(250);
    expect(m.nodes.some((n) => n.problems)).toBe(false);
  });
});
