import { describe, expect, it } from 'vitest';
import { checkWorkflow } from './check.js';
import { HEADER, only, rangesOf } from './test-support.js';

const llm = (id: string, prompt: string, extra = '') =>
  `  - id: ${id}\n    kind: llm\n    model: fast\n    prompt: ${prompt}\n${extra}`;
// HEADER is 6 lines, so the first step starts on line 7.

describe('diagnostics: each code at its exact range', () => {
  it('yaml-syntax at the YAML error', () => {
    expect(rangesOf('name: t\nsteps: [a\n', 'yaml-syntax')[0]).toEqual([3, 1, 3, 1]);
    expect(rangesOf('name: t\n  bad: indent\n', 'yaml-syntax')).toEqual([
      [1, 7, 1, 8],
      [1, 7, 2, 6],
    ]);
  });

  it('file-too-large on the first line, without parsing', () => {
    const text = `name: big\n${'# padding padding padding\n'.repeat(45_000)}`;
    const result = checkWorkflow(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(rangesOf(text, 'file-too-large')).toEqual([[1, 1, 1, 10]]);
    expect(result.diagnostics[0]!.message).toMatch(/1\.1 MB.*1\.0 MB limit.*split it/);
    expect(checkWorkflow('é'.repeat(600_000)).diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(checkWorkflow(`name: x\n#${'é'.repeat(300_000)}\n`).diagnostics.map((d) => d.code)).not.toContain(
      'file-too-large',
    );
  });

  it('yaml-syntax warning on a duplicate key, at the second key', () => {
    const d = only(`${HEADER}${llm('a', 'x')}name: u\n`, 'yaml-syntax');
    expect(d.severity).toBe('warning');
    expect([d.range.line, d.range.column, d.range.endLine, d.range.endColumn]).toEqual([11, 1, 11, 5]);
  });

  it('schema: unknown key at the key, missing key at the parent key, bad value at the value', () => {
    const text = `${HEADER}${llm('a', 'x', '    promt: y\n    timeout: 10 s\n')}budget: { max_tokens: -1 }\n`;
    expect(rangesOf(text, 'schema')).toEqual([
      [11, 5, 11, 10],
      [12, 14, 12, 18],
      [13, 23, 13, 25],
    ]);
    expect(rangesOf('name: t\nmodels:\n  fast: { model: m }\nsteps: []\n', 'schema')).toEqual([
      [3, 3, 3, 7],
      [4, 8, 4, 10],
    ]);
  });

  it('schema: a step missing a key points at its first line', () => {
    expect(rangesOf(`${HEADER}  - id: a\n    kind: llm\n    model: fast\n`, 'schema')).toEqual([
      [7, 5, 7, 7],
    ]);
  });

  it('schema: non-mapping root and empty file', () => {
    expect(rangesOf('just a string\n', 'schema')).toEqual([[1, 1, 1, 14]]);
    expect(rangesOf('', 'schema')).toEqual([[1, 1, 1, 1]]);
  });

  it('duplicate-id at the second id', () => {
    expect(rangesOf(`${HEADER}${llm('a', 'x')}${llm('a', 'y')}`, 'duplicate-id')).toEqual([[11, 9, 11, 10]]);
  });

  it('unknown-step in needs, then/otherwise and expressions', () => {
    const text = `${HEADER}${llm('a', '"${{ steps.nope.output.text }}"', '    needs: [zz]\n')}  - id: d\n    kind: decision\n    branches: [{ when: "true", then: [q] }]\n    otherwise: [r]\n`;
    expect(rangesOf(text, 'unknown-step')).toEqual([
      [10, 24, 10, 28],
      [11, 13, 11, 15],
      [14, 39, 14, 40],
      [15, 17, 15, 18],
    ]);
  });

  it('unknown-model / unknown-agent / unknown-tool at the name', () => {
    const text = `${HEADER}  - { id: a, kind: llm, model: slow, prompt: x }\n  - { id: b, kind: agent, agent: bob, prompt: x }\n  - { id: c, kind: tool, tool: hammer }\n`;
    expect(rangesOf(text, 'unknown-model')).toEqual([[7, 32, 7, 36]]);
    expect(rangesOf(text, 'unknown-agent')).toEqual([[8, 34, 8, 37]]);
    expect(rangesOf(text, 'unknown-tool')).toEqual([[9, 32, 9, 38]]);
  });

  it('cycle names the path and points at the forward reference', () => {
    const text = `${HEADER}${llm('a', '"${{ steps.b.output.text }}"')}${llm('b', 'x', '    needs: [a]\n')}`;
    const d = only(text, 'cycle');
    expect(d.message).toContain('a -> b -> a');
    expect([d.range.line, d.range.column, d.range.endLine, d.range.endColumn]).toEqual([10, 24, 10, 25]);
  });

  it('cycle on a step that needs itself', () => {
    expect(rangesOf(`${HEADER}${llm('a', 'x', '    needs: [a]\n')}`, 'cycle')).toEqual([[11, 13, 11, 14]]);
  });

  it('unreachable-step: chosen by two decisions, and its dependents', () => {
    const decision = (id: string) =>
      `  - { id: ${id}, kind: decision, branches: [{ when: "true", then: [c] }] }\n`;
    const text = `${HEADER}${decision('d1')}${decision('d2')}${llm('c', 'x')}${llm('e', '"${{ steps.c.output.text }}"')}`;
    const d = checkWorkflow(text).diagnostics.filter((x) => x.code === 'unreachable-step');
    expect(
      d.map((x) => [x.severity, x.range.line, x.range.column, x.range.endLine, x.range.endColumn]),
    ).toEqual([
      ['error', 9, 9, 9, 10],
      ['warning', 13, 9, 13, 10],
    ]);
  });

  it('expression-syntax inside the expression, in plain, quoted and block scalars', () => {
    expect(rangesOf(`${HEADER}${llm('a', '"${{ inputs.message + }}"')}`, 'expression-syntax')).toEqual([
      [10, 33, 10, 34],
    ]);
    expect(rangesOf(`${HEADER}${llm('a', 'x', '    if: inputs.message ==\n')}`, 'expression-syntax')).toEqual(
      [[11, 25, 11, 26]],
    );
    const block = `${HEADER}${llm('a', 'x', '    if: >-\n      inputs.message == "a" &&\n      inputs.message === "b"\n')}`;
    expect(rangesOf(block, 'expression-syntax')).toEqual([[13, 24, 13, 25]]);
    expect(rangesOf(`${HEADER}${llm('a', '"${{ inputs.message"')}`, 'expression-syntax')).toEqual([
      [10, 14, 10, 17],
    ]);
  });

  it('unknown-variable at the variable', () => {
    expect(rangesOf(`${HEADER}${llm('a', "'Hi ${{ user.name }}'")}`, 'unknown-variable')).toEqual([
      [10, 21, 10, 25],
    ]);
  });

  it('unknown-field through step outputs and inputs', () => {
    const schema = '    output_schema: { type: object, properties: { cat: { type: string } } }\n';
    const text = `${HEADER}${llm('a', 'x', schema)}${llm('b', '"${{ steps.a.output.dog }} ${{ inputs.mesage }} ${{ steps.a.output.cat.x }}"')}`;
    expect(rangesOf(text, 'unknown-field')).toEqual([
      [15, 33, 15, 36],
      [15, 51, 15, 57],
    ]);
  });
});
