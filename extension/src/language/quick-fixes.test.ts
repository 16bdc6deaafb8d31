import { describe, expect, it } from 'vitest';
import { type QuickFix, quickFixes } from './quick-fixes.js';
import { checkWorkflow } from './runtime.js';

const text = [
  'name: t',
  'inputs: { x: { type: string } }',
  'models:',
  '  fast: { provider: mock, model: mock-1 }',
  'steps:',
  '  - id: classify',
  '    kind: llm',
  '    model: fsat',
  '    prompt: "hi ${{ inputz.x }}"',
  '    needs: [b]',
  '  - id: b',
  '    kind: llm',
  '    model: fast',
  '    promt: hello',
  '    needs: [classify]',
  '  - id: c',
  '    kind: llm',
  '    model: fast',
  '    prompt: "${{ steps.clasify.output.text }} ${{ steps.classify.output.txt }}"',
  '',
].join('\n');

function apply(source: string, fix: QuickFix): string {
  if (fix.kind === 'replace') return source.slice(0, fix.start) + fix.text + source.slice(fix.end);
  if (fix.kind === 'snippet')
    return (
      source.slice(0, fix.at) +
      fix.snippet.replace(/\$\{\d+:([^}]*)\}|\$\d+/g, (_, d) => d ?? 'x') +
      source.slice(fix.at)
    );
  return source;
}

describe('quickFixes', () => {
  const { diagnostics } = checkWorkflow(text);
  const fixesFor = (code: string, match: RegExp) => {
    const d = diagnostics.find((x) => x.code === code && match.test(x.message));
    if (!d)
      throw new Error(
        `no ${code} diagnostic matching ${match}: ${diagnostics.map((x) => x.message).join('\n')}`,
      );
    return quickFixes(text, { code: d.code, message: d.message, start: d.range.start, end: d.range.end });
  };

  it('replaces a misspelled model, step, variable, output field and key with the suggestion', () => {
    const cases: Array<[string, RegExp, string]> = [
      ['unknown-model', /fsat/, 'Change `fsat` to `fast`'],
      ['unknown-step', /clasify/, 'Change `clasify` to `classify`'],
      ['unknown-variable', /inputz/, 'Change `inputz` to `inputs`'],
      ['unknown-field', /txt/, 'Change `txt` to `text`'],
      ['schema', /promt/, 'Change `promt` to `prompt`'],
    ];
    let fixed = text;
    for (const [code, match, title] of cases) {
      const [fix] = fixesFor(code, match);
      expect(fix?.title).toBe(title);
      if (fix?.kind === 'replace') expect(fix.preferred).toBe(true);
    }
    // applied from the last to the first, the fixes leave only the cycle
    const all = cases
      .map(([code, match]) => fixesFor(code, match)[0]!)
      .sort((a, b) => (b.kind === 'replace' ? b.start : 0) - (a.kind === 'replace' ? a.start : 0));
    for (const fix of all) fixed = apply(fixed, fix);
    const left = checkWorkflow(fixed).diagnostics;
    expect(
      [...new Set(left.map((d) => d.code))],
      `${fixed}\n${left.map((d) => d.message).join('\n')}`,
    ).toEqual(['cycle']);
  });

  it('inserts a missing required key as a snippet at the indentation of the map', () => {
    const source = text.replace('    promt: hello\n', '');
    const { diagnostics: found } = checkWorkflow(source);
    const d = found.find((x) => /missing the required key `prompt`/.test(x.message))!;
    const [fix] = quickFixes(source, {
      code: d.code,
      message: d.message,
      start: d.range.start,
      end: d.range.end,
    });
    expect(fix).toMatchObject({ kind: 'snippet', title: 'Add the required key `prompt`' });
    const after = apply(source, fix!);
    expect(after).toContain('  - id: b\n    prompt: "what to ask"\n    kind: llm');
    expect(checkWorkflow(after).diagnostics.filter((x) => /missing/.test(x.message))).toEqual([]);
  });

  it('offers to open both ends of a cycle', () => {
    const fixes = fixesFor('cycle', /cycle/);
    expect(fixes.map((f) => f.title)).toEqual([
      'Open `classify` (in the cycle)',
      'Open `b` (this end of the cycle)',
    ]);
  });
});
