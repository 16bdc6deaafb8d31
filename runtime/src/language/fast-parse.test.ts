import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, type Scalar, stringify } from 'yaml';
import { generateWorkflow } from '../../../bench/lib/generate-workflow.js';
import { scanBlock } from './block-scan.js';
import { checkWorkflow, checkWorkflowWhole } from './check.js';
import { hasHangingComments, parseFast } from './fast-parse.js';
import { parseWhole } from './parse.js';
import { apply, mutation, RUNS, TIMEOUT, workflowText } from './parse-arbitraries.js';

/** Every node depth first: kind, scalar value and style, [start, value end] (and a scalar's node end). */
function shape(node: unknown, out: unknown[] = []): unknown[] {
  if (isPair(node)) {
    shape(node.key, out);
    shape(node.value, out);
  } else if (isScalar(node)) {
    out.push(['scalar', node.value, node.type, node.range]);
  } else if (isMap(node) || isSeq(node)) {
    out.push([isMap(node) ? 'map' : 'seq', Boolean(node.flow), node.range?.slice(0, 2)]);
    for (const item of node.items) shape(item, out);
  } else out.push(['other', String(node)]);
  return out;
}

/** How many texts each fast path took (the line scanner, js-yaml), for tests to show both were exercised. */
const taken = { scan: 0, jsYaml: 0 };

/**
 * For each fast path that takes the text (the line scanner, js-yaml alone): the same value, nodes, ranges and line
 * starts as yaml's whole parse. True when either took it.
 */
function expectSameAsYaml(text: string): boolean {
  const scanned = scanBlock(text) ? parseFast(text) : undefined;
  const viaJsYaml = parseFast(text, 'js-yaml');
  if (!scanned && !viaJsYaml) return false;
  const whole = parseWhole(text);
  expect(
    whole.diagnostics.filter((d) => d.severity === 'error'),
    text,
  ).toEqual([]);
  for (const fast of [scanned, viaJsYaml]) {
    if (!fast) continue;
    expect(fast.read?.value, text).toEqual(whole.document.toJS() ?? null);
    expect(shape(fast.document.contents), text).toEqual(shape(whole.document.contents));
    expect(fast.lineCounter.lineStarts).toEqual(whole.lineCounter.lineStarts);
  }
  if (scanned) taken.scan++;
  if (viaJsYaml) taken.jsYaml++;
  return true;
}

/** The check result is the same whichever parse path checkWorkflow takes as through yaml's whole parse. */
function expectSameCheck(text: string): void {
  expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
}

/** Runs `body` and returns how many texts each fast path took during it. */
function counting(body: () => void): { scan: number; jsYaml: number } {
  const before = { ...taken };
  body();
  return { scan: taken.scan - before.scan, jsYaml: taken.jsYaml - before.jsYaml };
}

const SAMPLES = ['sales-inquiry', 'research', 'debate', 'http-tool'].map((name) =>
  readFileSync(new URL(`../../../samples/${name}/workflow.yaml`, import.meta.url), 'utf8'),
);

/** Plain JSON-like values, written out by yaml in block and flow styles (what a YAML file can hold). */
const jsonValue = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const yamlOptions = fc.record({
  flow: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  seqIndent: fc.boolean(),
  quotes: fc.constantFrom('"', "'", undefined),
  blockQuote: fc.constantFrom<boolean | 'literal' | 'folded'>(true, 'literal', 'folded', false),
});

describe('fast paths (line scanner; js-yaml + node reconstruction) give exactly what yaml gives', () => {
  it('a block scalar followed by a last line of spaces with no line break ends where yaml ends it', () => {
    // found by the mutation property below (CRLF, a folded scalar, then "\r\n " at the end of the text)
    for (const text of [
      'steps:\r\n  - id: a\r\n    if: >-\r\n      steps.a.output.text ==\r\n      "y"\r\n ',
      'a: >-\n  x\n ',
      'a: |\n  x\n  ',
      'b:\n  c: |-\n    x\n   ',
    ]) {
      expect(expectSameAsYaml(text), text).toBe(true);
    }
  });

  it('the samples and a 1,000-step workflow: taken by both, same nodes and ranges, same check result', () => {
    for (const text of [...SAMPLES, generateWorkflow(1_000)]) {
      const count = counting(() => expect(expectSameAsYaml(text)).toBe(true));
      expect(count).toEqual({ scan: 1, jsYaml: 1 });
      expectSameCheck(text);
    }
  });

  it(
    'random workflows (comments, blank lines, block scalars, flow steps, CRLF): taken and identical',
    () => {
      const count = counting(() =>
        fc.assert(
          fc.property(workflowText, (text) => {
            // Comments not indented like the next line are left to yaml (see hasHangingComments); the line
            // scanner also takes `#` lines that are a block scalar's text.
            const tookIt = expectSameAsYaml(text);
            if (!hasHangingComments(text)) expect(tookIt).toBe(true);
            expectSameCheck(text);
          }),
          RUNS,
        ),
      );
      // The scanner leaves CRLF texts and multi-line flow collections and scalars to js-yaml.
      expect(count.scan).toBeGreaterThan(0);
      expect(count.jsYaml).toBeGreaterThan(count.scan);
    },
    TIMEOUT,
  );

  it(
    'mutated workflows: the same diagnostics whichever path is taken',
    () => {
      fc.assert(
        fc.property(workflowText, fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
          const mutated = mutations.reduce(apply, text);
          expectSameCheck(mutated);
          expectSameAsYaml(mutated);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'any JSON value written as YAML in any style: when taken, identical to yaml',
    () => {
      let tookIt = 0;
      const count = counting(() =>
        fc.assert(
          fc.property(jsonValue, yamlOptions, (value, options) => {
            const { flow, indent, seqIndent, quotes, blockQuote } = options;
            const text = stringify(value, {
              collectionStyle: flow ? 'flow' : 'any',
              indent,
              indentSeq: seqIndent,
              defaultStringType: (quotes === '"'
                ? 'QUOTE_DOUBLE'
                : quotes === "'"
                  ? 'QUOTE_SINGLE'
                  : 'PLAIN') as Scalar.Type,
              blockQuote,
            });
            if (expectSameAsYaml(text)) tookIt++;
            expectSameCheck(text);
          }),
          RUNS,
        ),
      );
      expect(tookIt).toBeGreaterThan(0);
      expect(count.scan).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it('leaves to yaml what it does not reconstruct (and the check result stays the same)', () => {
    for (const text of [
      'name: t\nsteps:\n  - &x { id: a }\n  - *x\n',
      'name: t\nsteps:\n  - !!map { id: a }\n',
      'a: &anchor 1\nb: *anchor\n',
      '---\nname: t\n---\nname: u\n',
      '%YAML 1.2\n---\nname: t\n',
      'name: t\nsteps:\n\t- id: a\n',
      '? name\n: t\n',
      'name: t\nname: u\n',
      'name: t\nsteps: [a,\n',
      'steps:\n  - a\n  -\n  - b\n',
      'x: { a, b: 1 }\n',
      'x: [a: 1]\n',
    ]) {
      expect(parseFast(text), text).toBeUndefined();
      expectSameCheck(text);
    }
  });

  it('layouts fuzzing found (comments, empty values, block scalars, flow items, no final line break)', () => {
    for (const text of [
      'a: 1   # c\nb:\n  - x\n  - "y"  \nc: { d: 1 }\ne: |\n  text\n  more\n\nf: >-\n  folded\ng:\nh: [1, 2]\ni:\n  j: 1\n  # comment\n\n  k: \'q\'\n  # trailing\nl: 2\nm: [ a,\n  b ]\no:\n  p:\n    q: 1\n  # two\n# zero\nr: |+\n  keep\n\ns: >\n  fold\n   more\nt:\n  - a: 1\n    b: 2\n  # c\n  - [x]\n  - { y: 1 }\n  - "z"\n  - \'w\'\n  - 1.5\nu: "multi\n  line"\nv: plain\n  multi line\nw:\n  x:\n    - 1\n    # a\n\n    # b\n  y: 2\nz: |-\n  strip\n\n   \nzz: 1 # end\n# last\n',
      'a:\n  b: 1\nc: "x"\n',
      'name: t\nsteps:\n- id: a\n  prompt: "x"\n  # deep\n# mixed\n',
      'steps:\n- id: a\n  branches:\n    - when: x\n      then: [a]\n    # a\n\n      # b\n',
      'name: t\nsteps:\n- { id: a, kind: agent, model: fast, prompt: "${{ steps.a.output.text }}" }\ninputs:\n  message: { type: string }\n  list: { type: array }\nmodels:\n  fast: { provider: mock, model: m }\ntools:\n  search:\n    kind: http\n    url: "http://x/${{ args.q }}"\n',
      'a: |\n  x\n  y',
      'a: |\n  x\n   ',
      'name : t\nb: { k : v, k2 :  v2 , "q" : 1 }\nc: [ a , b ]\n"d" : 1\n',
      'a: >-\n  x\n\n',
      'a: |+\n  x\n  ',
      '{\n  "":\n    {\n      "":\n        [\n          null,\n          null,\n          -1.12347516804506e-310,\n          false,\n          5.106344777861588e+173,\n          false\n        ],\n      "$K ": __\n    },\n  r_ n9AD:\n    {\n      \'"b+!C\': 8.659307810011959e-136,\n      dzgBH\'9\\: of,\n      "ZC[i (tc": "*+\'0",\n      2I|*: 4.059022941493362e+265,\n      m_b: null,\n      "]": true,\n      "z\']t": true,\n      T=Irtk: true,\n      u\\*53m: false,\n      "!]4=\\\\J": false\n    }\n}\n',
      'steps:\n- id: a\n  if: >-\n    x ==\n    "y"\n\n',
      'a: >-\n  x\n\nb: |\n  y\n\n\n',
      '${{name: t\nb: 1\n',
      'a: |\n  x\n\n   \n  \n\nb: 1\nc: >-\n    y\n   \n',
      'steps:\n- id: a\n  prompt: "x"\n    # a\n\n      # b\n',
      'steps:\n  - id: a\n    steps:\n      - { id: ap }\n      # a\n\n        # b\n  - id: a\n',
    ]) {
      expectSameAsYaml(text);
      expectSameCheck(text);
    }
  });

  it('the line scanner: layouts it reads (block scalars, quotes, flow, comments) are identical to yaml', () => {
    for (const text of [
      'a: |\n  x\n\n  y\nb: |-\n  x\nc: |+\n  x\n\nd: >\n  x\n  y\n\n\n  z\ne: >-\n\n  x\nf: 1\n',
      'steps: # v1\n  - id: s0 # v1\n    # above\n    kind: llm\n\n  - id: s1\n    prompt: |\n      one\n\n    model: m\n',
      "a: \"q \\\" \\\\ \\/ \\n \\t x\"\nb: 'it''s'\n\"c d\": 1\n'e': [ \"x\", 'y', z w , 1.5, true, ~ ]\n",
      'a: { b: { c: [1, [2, {d: e}]] }, f: "g" }  # c\nh:\n- 1\n- x: y\n  z: [ ]\n- { }\n',
      "url: http://x:8080/a?b=c#d\ntext: It's a #1 deal, isn't it\nk: -1\nl: -x\nm: a:b\n",
      '# head\nname: t\n\n\nsteps:\n  - id: a\n    kind: llm\n  # between\n  - id: b\n# tail\n',
      'é: ü😀\nx: "😀"\n',
      ...SAMPLES.map((sample) => sample.replaceAll('\n', '\r\n')),
    ]) {
      expect(scanBlock(text), text).toBeDefined();
      expect(expectSameAsYaml(text)).toBe(true);
      expectSameCheck(text);
    }
  });

  it("the line scanner leaves to js-yaml what it does not read (and the result stays yaml's)", () => {
    for (const text of [
      'a: 1\rb: 2\n',
      'a: [1,\n  2]\n',
      'a: "x\n  y"\n',
      'a: x\n  y\n',
      'a: "\\u00e9"\n',
      'a: |2\n   x\n',
      'a:\nb: 1\n',
      '1: x\n',
      'a: { b: c: d }\n',
      'a: [x, ]\n',
      'a: b: c\n',
      '- - x\n',
      'a: > \n  x\n   y\n',
      'a: |\n  x\n     \n',
      'a: |\n  x',
      '__proto__: 1\n',
      '<<: 1\n',
      'a: 1\n  b: 2\n',
      'x\n',
    ]) {
      expect(scanBlock(text), JSON.stringify(text)).toBeUndefined();
      expectSameAsYaml(text);
      expectSameCheck(text);
    }
  });

  it(
    "the line scanner: one-character edits anywhere in the samples (when it reads the result, it is yaml's)",
    () => {
      // A long run: WEFT_FUZZ_RUNS=100000 (every offset of every sample, many times over).
      const inserts = [
        ' ',
        ':',
        '\n',
        '#',
        '-',
        '"',
        "'",
        '|',
        '>',
        '[',
        '{',
        ']',
        '}',
        ',',
        '\\',
        'x',
        '\n  ',
        '&',
      ];
      const edit = fc
        .record({
          sample: fc.constantFrom(...SAMPLES),
          at: fc.nat(),
          insert: fc.option(fc.constantFrom(...inserts), { nil: undefined }),
        })
        .map(({ sample, at, insert }) => {
          const i = at % sample.length;
          return sample.slice(0, i) + (insert ?? '') + sample.slice(insert === undefined ? i + 1 : i);
        });
      let scanned = 0;
      fc.assert(
        fc.property(edit, (text) => {
          if (scanBlock(text) && expectSameAsYaml(text)) scanned++;
        }),
        { ...RUNS, numRuns: RUNS.numRuns * 3 },
      );
      expect(scanned).toBeGreaterThan(RUNS.numRuns / 2);
    },
    TIMEOUT,
  );

  it('core schema scalars resolve as yaml resolves them (not as js-yaml would)', () => {
    const text = [
      'a: 0o17',
      'b: 0x1F',
      'c: 0b101',
      'd: 1_000',
      'e: .inf',
      'f: -.Inf',
      'g: .nan',
      'h: 1e3',
      'i: yes',
      'j: ~',
      'k: 2024-01-01',
      'l: +12',
      'm: .5',
      'n: True',
      'o: NULL',
      'p: 012',
      'q: "1"',
      '',
    ].join('\n');
    expect(expectSameAsYaml(text)).toBe(true);
    const value = parseFast(text)!.read!.value as Record<string, unknown>;
    expect(value).toMatchObject({ a: 15, b: 31, c: '0b101', d: '1_000', i: 'yes', j: null, k: '2024-01-01' });
    expect(value.g).toBeNaN();
  });

  it('a node a check reports on has the same range on both paths (unknown model inside a flow step)', () => {
    const text = 'name: t\nsteps:\n  - { id: a, kind: llm, model: nope, prompt: x }\n';
    const fast = checkWorkflow(text);
    expect(fast).toEqual(checkWorkflowWhole(text));
    expect(fast.diagnostics.find((d) => d.code === 'unknown-model')?.range).toMatchObject({
      line: 3,
      column: 32,
    });
  });
});
