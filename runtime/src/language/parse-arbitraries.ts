// Property-test material shared by the parser tests: random workflow texts, mutations, node ranges.
import fc from 'fast-check';
import { isMap, isPair, isSeq, type Node } from 'yaml';

/**
 * [start, value end] of every node, depth first. (The third offset, the end including trailing comments, may
 * differ for a comment after a list item's last line; nothing reads it.)
 */
export function nodeRanges(node: unknown, out: Array<[number, number]> = []): Array<[number, number]> {
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

export const workflowText = fc
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

export const mutation = fc.oneof(
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

/** An edit of a text: what the mutation arbitraries of the parser tests generate. */
export type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'swap-lines'; a: number; b: number };

export function apply(text: string, m: Mutation): string {
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

// WEFT_FUZZ_RUNS / WEFT_FUZZ_MS: a longer search, e.g. before touching the parsers; WEFT_FUZZ_SEED replays a failure.
export const RUNS = {
  numRuns: Number(process.env.WEFT_FUZZ_RUNS) || 300,
  ...(process.env.WEFT_FUZZ_SEED ? { seed: Number(process.env.WEFT_FUZZ_SEED) } : {}),
  interruptAfterTimeLimit: Number(process.env.WEFT_FUZZ_MS) || 4_000,
  markInterruptAsFailure: false,
};
export const TIMEOUT = RUNS.interruptAfterTimeLimit + 30_000;
