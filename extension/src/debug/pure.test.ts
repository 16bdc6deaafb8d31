// The debugger's pure parts: where steps are in a file, breakpoint hit counts, instance keys.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hitMatches, interpolate } from './breakpoints.js';
import { expressionAt } from './hover-expression.js';
import { levelsOf, stepIdOfKey } from './keys.js';
import { checkWorkflow } from './runtime.js';
import { bindLine, stepMapOf } from './step-map.js';
import { keyDepth, parentKey } from './stepper.js';

const research = readFileSync(new URL('../../../samples/research/workflow.yaml', import.meta.url), 'utf8');
const lineOf = (needle: string) => research.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('step map', () => {
  const map = stepMapOf(research);

  it('binds any line of a step block to the innermost step, at its first line', () => {
    expect(bindLine(map, lineOf('Summarize in two sentences'))).toMatchObject({
      step: { id: 'summarize_topic', line: lineOf('id: summarize_topic') },
    });
    expect(bindLine(map, lineOf('concurrency: 2'))).toMatchObject({
      step: { id: 'summarize', line: lineOf('- id: summarize') },
    });
    expect(bindLine(map, lineOf('List the risks'))).toMatchObject({
      step: { id: 'risks', parent: 'perspectives', depth: 1 },
    });
    expect(bindLine(map, lineOf('Merge into one report'))).toMatchObject({ step: { id: 'merge' } });
  });

  it('gives a reason for lines outside every step', () => {
    expect(bindLine(map, lineOf('provider: mock'))).toEqual({
      reason: expect.stringMatching(/not inside a step/),
    });
    expect(bindLine(stepMapOf('name: x\n'), 1)).toEqual({ reason: 'this file has no steps' });
    expect(map.workflowLine).toBe(lineOf('name: research'));
  });
});

describe('breakpoint conditions', () => {
  it('reads hit conditions as VS Code writes them', () => {
    expect([1, 2, 3].map((n) => hitMatches('2', n))).toEqual([false, true, false]);
    expect([1, 2, 3].map((n) => hitMatches('>= 2', n))).toEqual([false, true, true]);
    expect([1, 2, 3, 4].map((n) => hitMatches('%2', n))).toEqual([false, true, false, true]);
  });

  it('interpolates log messages with Weft expressions and shows errors in place', () => {
    expect(interpolate('n={size(inputs.xs)} first={inputs.xs[0]}', { inputs: { xs: ['a', 'b'] } })).toBe(
      'n=2 first=a',
    );
    expect(interpolate('{steps.nope.output}', { inputs: {}, steps: {} })).toMatch(/^<.+>$/);
  });
});

describe('instance keys', () => {
  const definition = checkWorkflow(research).definition!;

  it('names the levels of map items and parallel branches', () => {
    expect(levelsOf(definition, 'summarize[2]').map((l) => [l.key, l.spec.id, l.index])).toEqual([
      ['summarize', 'summarize', undefined],
      ['summarize[2]', 'summarize_topic', 2],
    ]);
    expect(stepIdOfKey(definition, 'perspectives.risks')).toBe('risks');
    expect([keyDepth('merge'), keyDepth('perspectives.risks'), keyDepth('a[1].b')]).toEqual([0, 1, 2]);
    expect([parentKey('merge'), parentKey('perspectives.risks'), parentKey('summarize[2]')]).toEqual([
      undefined,
      'perspectives',
      'summarize',
    ]);
  });
});

describe('hover expressions', () => {
  const line = '    prompt: "Expand ${{ steps.first.output.text }} for ${{ inputs.topics[0] }}"';
  it('takes the Weft path under the mouse, up to the hovered segment', () => {
    expect(expressionAt(line, line.indexOf('text'))?.text).toBe('steps.first.output.text');
    expect(expressionAt(line, line.indexOf('output'))?.text).toBe('steps.first.output');
    expect(expressionAt(line, line.indexOf('topics') + 2)?.text).toBe('inputs.topics');
    expect(expressionAt(line, line.indexOf('Expand'))).toBeUndefined();
  });
});
