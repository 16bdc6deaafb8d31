import { describe, expect, it } from 'vitest';
import { analyze, findReferences, outline, rename, symbolAt } from './analysis.js';
import { at, fixture } from './fixture.test-helper.js';

describe('analyze', () => {
  const index = analyze(fixture);

  it('finds step, model and input declarations', () => {
    const names = index.definitions.map((d) => `${d.kind}:${d.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'input:message',
        'model:fast',
        'step:classify',
        'step:route',
        'step:sales_reply',
        'step:other_reply',
      ]),
    );
  });

  it('finds step references in needs, then, otherwise and expressions', () => {
    const spans = findReferences(index, 'step', 'classify', true);
    const texts = spans.map((s) => fixture.slice(s.start, s.end));
    expect(texts.every((t) => t === 'classify')).toBe(true);
    // declaration, needs, 2x in `when`, 1x in a prompt template
    expect(spans).toHaveLength(5);
  });

  it('resolves the symbol under the cursor inside an expression', () => {
    const offset = at(fixture, 'steps.classify.output.category ==', 8);
    expect(symbolAt(index, offset)).toMatchObject({ kind: 'step', name: 'classify' });
  });

  it('renames a step id everywhere, expressions included', () => {
    const result = rename(index, at(fixture, 'id: classify', 5), 'triage');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    let text = fixture;
    for (const e of [...result.edits].sort((a, b) => b.start - a.start)) {
      text = text.slice(0, e.start) + e.newText + text.slice(e.end);
    }
    expect(text).not.toContain('classify');
    expect(text).toContain('needs: [triage]');
    expect(text).toContain('steps.triage.output.category == "sales"');
  });

  it('refuses invalid or clashing names', () => {
    expect(rename(index, at(fixture, 'id: classify', 5), 'Bad-Name')).toMatchObject({ ok: false });
    expect(rename(index, at(fixture, 'id: classify', 5), 'route')).toMatchObject({ ok: false });
  });

  it('outlines steps under their section', () => {
    const symbols = outline(index);
    const steps = symbols.find((s) => s.name === 'steps');
    expect(steps?.children.map((c) => `${c.name}:${c.detail}`)).toEqual([
      'classify:llm',
      'route:decision',
      'sales_reply:llm',
      'other_reply:llm',
    ]);
    expect(symbols.map((s) => s.name)).toEqual(['inputs', 'outputs', 'models', 'steps']);
  });

  it('survives broken YAML', () => {
    const broken = analyze('steps:\n  - id: a\n    needs: [\n');
    expect(broken.definitions.map((d) => d.name)).toContain('a');
  });
});
