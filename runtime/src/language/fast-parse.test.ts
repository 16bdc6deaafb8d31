import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, type Scalar, stringify } from 'yaml';
import { generateWorkflow } from '../../../bench/lib/generate-workflow.js';
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

/** When the fast path takes the text: the same value, nodes, ranges and line starts as yaml's whole parse. */
function expectSameAsYaml(text: string): boolean {
  const fast = parseFast(text);
  if (!fast) return false;
  const whole = parseWhole(text);
  expect(
    whole.diagnostics.filter((d) => d.severity === 'error'),
    text,
  ).toEqual([]);
  expect(fast.read?.value, text).toEqual(whole.document.toJS() ?? null);
  expect(shape(fast.document.contents), text).toEqual(shape(whole.document.contents));
  expect(fast.lineCounter.lineStarts).toEqual(whole.lineCounter.lineStarts);
  return true;
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

describe('fast path (js-yaml + node reconstruction) gives exactly what yaml gives', () => {
  it('the samples and a 1,000-step workflow: taken, same nodes and ranges, same check result', () => {
    for (const text of [...SAMPLES, generateWorkflow(1_000)]) {
      expect(expectSameAsYaml(text)).toBe(true);
      expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
    }
  });

  it(
    'random workflows (comments, blank lines, block scalars, flow steps, CRLF): taken and identical',
    () => {
      fc.assert(
        fc.property(workflowText, (text) => {
          // Comments not indented like the next line are left to yaml (see hasHangingComments).
          expect(expectSameAsYaml(text)).toBe(!hasHangingComments(text));
          expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'mutated workflows: the same diagnostics whichever path is taken',
    () => {
      fc.assert(
        fc.property(workflowText, fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, mutations) => {
          const mutated = mutations.reduce(apply, text);
          expect(checkWorkflow(mutated)).toEqual(checkWorkflowWhole(mutated));
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
      let taken = 0;
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
          if (expectSameAsYaml(text)) taken++;
          expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
        }),
        RUNS,
      );
      expect(taken).toBeGreaterThan(0);
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
      expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
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
      expect(checkWorkflow(text)).toEqual(checkWorkflowWhole(text));
    }
  });

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
