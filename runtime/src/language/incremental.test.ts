import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateWorkflow } from '../../../bench/lib/generate-workflow.js';
import { checkWorkflowChunked as checkWorkflow, checkWorkflowWhole } from './check.js';
import { clearChunkCache, parseWorkflowChunked } from './incremental.js';
import { parseWhole } from './parse.js';
import { apply, mutation, nodeRanges, RUNS, TIMEOUT, workflowText } from './parse-arbitraries.js';

describe('incremental (chunked, cached) parse gives exactly the whole-document result', () => {
  it(
    'valid workflows: chunked path taken, same nodes, same diagnostics',
    () => {
      fc.assert(
        fc.property(workflowText, (text) => {
          const chunked = parseWorkflowChunked(text);
          expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
          expect(chunked).toBeDefined();
          const whole = parseWhole(text);
          expect(chunked!.document.toJS()).toEqual(whole.document.toJS());
          expect(nodeRanges(chunked!.document.contents)).toEqual(nodeRanges(whole.document.contents));
          expect(chunked!.lineCounter.lineStarts).toEqual(whole.lineCounter.lineStarts);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'mutated workflows: same diagnostics (the chunk cache is warm and shared between runs)',
    () => {
      fc.assert(
        fc.property(workflowText, fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
          const mutated = mutations.reduce(apply, text);
          expect(checkWorkflow(mutated)).toEqual(checkWorkflowWhole(mutated));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it('falls back to the whole document when the split is not clearly safe', () => {
    for (const text of [
      'name: t\nsteps: [a,\n]\n',
      'name: t\nsteps:\n  - &x { id: a }\n  - *x\n',
      'name: t\nsteps:\n  - !!map { id: a }\n',
      '---\nname: t\n---\nname: u\n',
      'name: t\nsteps:\n\t- id: a\n',
      'name: t\nsteps:\n  - id: a\n - id: b\n',
      '{ name: t }\n',
      'name: "t\nx: y"\n',
    ]) {
      expect(parseWorkflowChunked(text), text).toBeUndefined();
      expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
    }
  });

  it('identical steps in one file (a chunk text used twice) keep their own ranges', () => {
    const step = '  - { id: a, kind: llm, model: fast, prompt: x }\n';
    const text = `name: t\nmodels:\n  fast: { provider: mock, model: m }\nsteps:\n${step}${step}${step}`;
    const result = checkWorkflow(text);
    expect(result).toEqual(checkWorkflowWhole(text));
    expect(result.diagnostics.filter((d) => d.code === 'duplicate-id').map((d) => d.range.line)).toEqual([
      6, 7,
    ]);
  });

  it('1,000 steps: re-checking after one-line edits equals checking fresh', () => {
    const text = generateWorkflow(1_000);
    clearChunkCache();
    const original = checkWorkflow(text);
    expect(original.diagnostics).toEqual([]);
    const edits = [
      text.replace('prompt: "Step 7:', 'prompt: "Step 7 (edited):'),
      // Longer: every later chunk moves; and a new diagnostic.
      text.replace('  - id: s12\n', '  - id: s12\n    needs: [s999, nope]\n'),
      text.replace('  - id: s500\n', '  - id: s5OO\n'),
    ];
    for (const edited of edits) {
      // Fresh: a whole-document parse, no cache involved.
      expect(checkWorkflow(edited)).toEqual(checkWorkflowWhole(edited));
    }
    // Back to the original text: the cached chunks move back.
    expect(checkWorkflow(text)).toEqual(original);
  }, 60_000);
});
