import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isSeq, type Node } from 'yaml';
import { generateWorkflow } from '../../../bench/check.js';
import { checkWorkflow, checkWorkflowWhole } from './check.js';
import { clearChunkCache, parseWorkflowChunked } from './incremental.js';
import { parseWhole } from './parse.js';

/**
 * [start, value end] of every node, depth first. (The third offset, the end including trailing comments, may
 * differ for a comment after a list item's last line; nothing reads it.)
 */
function nodeRanges(node: unknown, out: Array<[number, number]> = []): Array<[number, number]> {
  if (isPair(node)) {
    nodeRanges(node.key, out);
    nodeRanges(node.value, out);
  } else if (node && typeof node === 'object') {
    const range = (node as Node).range;
    out.push(range ? [range[0], range[1]] : [-1, -1]);
    if (isMap(node) || isSeq(node)) for (const item of node.items) nodeRanges(item, out);
  }
  return out;
}

/** Random valid-looking workflows in the layouts the chunked parse accepts (and some it refuses). */
const stepText = fc
  .record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'a1'),
    kind: fc.constantFrom('llm', 'tool', 'decision', 'parallel', 'map', 'debate', 'agent', 'nope'),
    ref: fc.constantFrom('a', 'b', 'c', 'zz'),
    flow: fc.boolean(),
    comment: fc.constantFrom(
      '',
      '    # note\n',
      '\n',
      '# col0\n',
      '  # between\n',
      ' # one deeper\n',
      '%# at the item indentation\n',
      '    # a\n\n      # b\n',
      '  # deep\n%# mixed\n',
    ),
    block: fc.boolean(),
  })
  .map(({ id, kind, ref, flow, comment, block }) => {
    if (flow)
      return `- { id: ${id}, kind: ${kind}, model: fast, prompt: "\${{ steps.${ref}.output.text }}" }\n`;
    const body = [`- id: ${id}`, `  kind: ${kind}`];
    if (kind === 'llm' || kind === 'agent')
      body.push('  model: fast', `  prompt: "\${{ steps.${ref}.output.x }}"`);
    if (kind === 'tool') body.push('  tool: search', `  args: { q: "\${{ inputs.message }}" }`);
    if (kind === 'decision')
      body.push('  branches:', `    - when: steps.${ref}.output.text == "x"`, `      then: [${ref}]`);
    if (kind === 'parallel') body.push('  steps:', `    - { id: ${id}p, kind: llm, model: fast, prompt: x }`);
    if (kind === 'map')
      body.push(
        '  items: inputs.list',
        `  step: { id: ${id}m, kind: llm, model: slow, prompt: "\${{ item }}" }`,
      );
    if (block) body.push('  if: >-', `    steps.${ref}.output.text ==`, '    "y"');
    return `${body.join('\n')}\n${comment}`;
  });

const workflowText = fc
  .record({
    steps: fc.array(stepText, { minLength: 0, maxLength: 8 }),
    indent: fc.constantFrom(0, 2, 4),
    order: fc.constantFrom(0, 1, 2),
    crlf: fc.boolean(),
    lead: fc.constantFrom('', '# workflow\n\n', '\n'),
  })
  .map(({ steps, indent, order, crlf, lead }) => {
    const pad = ' '.repeat(indent);
    const items = steps.map((s) =>
      s
        .split('\n')
        .map((line) =>
          line.startsWith('%') ? pad + line.slice(1) : line && !line.startsWith('#') ? pad + line : line,
        )
        .join('\n'),
    );
    const head = [
      'name: t\n',
      'inputs:\n  message: { type: string }\n  list: { type: array }\n',
      'models:\n  fast: { provider: mock, model: m }\n',
      'tools:\n  search:\n    kind: http\n    url: "http://x/${{ args.q }}"\n',
    ];
    const stepsBlock = `steps:\n${items.join('')}`;
    const parts =
      order === 0
        ? [...head, stepsBlock]
        : order === 1
          ? [stepsBlock, ...head]
          : [head[0]!, stepsBlock, ...head.slice(1)];
    const text = lead + parts.join('');
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  });

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 20 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '${{',
      '}}',
      ':',
      '- ',
      '\n',
      '\n  ',
      '\n- x\n',
      '[',
      '{',
      '&a ',
      '*a',
      '!!str ',
      '"',
      '#',
      'x',
      '---\n',
    ),
  }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
);

function apply(text: string, m: Mutation): string {
  if (m.kind === 'delete') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + m.length);
  }
  if (m.kind === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  const lines = text.split('\n');
  const a = m.a % lines.length;
  const b = m.b % lines.length;
  [lines[a], lines[b]] = [lines[b]!, lines[a]!];
  return lines.join('\n');
}
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

// WEFT_FUZZ_RUNS / WEFT_FUZZ_MS: a longer search, e.g. before touching incremental.ts.
const RUNS = {
  numRuns: Number(process.env.WEFT_FUZZ_RUNS) || 300,
  interruptAfterTimeLimit: Number(process.env.WEFT_FUZZ_MS) || 4_000,
  markInterruptAsFailure: false,
};
const TIMEOUT = RUNS.interruptAfterTimeLimit + 30_000;

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
