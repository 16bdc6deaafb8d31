import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeExpression,
  evaluateCondition,
  evaluateExpression,
  expressionReferences,
  findTemplateExpressions,
  findUnterminatedTemplate,
  parseExpression,
  renderTemplate,
} from './expressions.js';

const scope = {
  inputs: { message: 'hello', count: 3 },
  steps: { classify: { output: { category: 'sales', confidence: 0.9 } } },
};

describe('expressions', () => {
  it('evaluates conditions over inputs and step outputs', () => {
    expect(evaluateCondition('steps.classify.output.category == "sales" && inputs.count > 2', scope)).toBe(
      true,
    );
    expect(evaluateExpression('inputs.count + 1', scope)).toBe(4);
    expect(evaluateExpression('steps.classify.output.confidence * 2.0', scope)).toBeCloseTo(1.8);
  });

  it('reports a non-boolean condition and a missing field clearly', () => {
    expect(() => evaluateCondition('inputs.count', scope)).toThrow(/must be true or false/);
    expect(() => evaluateExpression('steps.classify.output.missing', scope)).toThrow(/No such key: missing/);
  });

  it('gives the offset of a syntax error', () => {
    const result = parseExpression('inputs.count > ');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.start).toBe(15);
  });

  it('lists free references with segment offsets, ignoring macro variables', () => {
    const refs = expressionReferences('inputs.items.map(t, t.name + steps.a.output.x)');
    expect(refs.map((r) => r.path.join('.'))).toEqual(['inputs.items', 'steps.a.output.x']);
    const [, stepRef] = refs;
    expect(stepRef!.segments[1]).toEqual({ start: 35, end: 36 });
  });

  it('renders templates, keeping the type of a lone expression', () => {
    expect(renderTemplate('Hi ${{ inputs.message }} x${{inputs.count}}', scope)).toBe('Hi hello x3');
    expect(renderTemplate('${{ steps.classify.output }}', scope)).toEqual({
      category: 'sales',
      confidence: 0.9,
    });
    expect(renderTemplate({ a: ['${{ inputs.count }}'] }, scope)).toEqual({ a: [3] });
  });

  it('finds template expressions and unterminated ones', () => {
    expect(findTemplateExpressions('a ${{ x.y }} b')).toEqual([{ expression: 'x.y', start: 6, end: 9 }]);
    expect(findUnterminatedTemplate('ok ${{ a }} then ${{ b')).toBe(17);
    expect(findUnterminatedTemplate('ok ${{ a }}')).toBeUndefined();
  });
});

// ---- analyzeExpression against the CEL parser ----
// analyzeExpression reads plain member chains and plain comparisons by hand, without the CEL parser; it must give
// exactly what the parser-based path (parseExpression + expressionReferences) gives: the same verdict, message and
// offsets, the same references in the same order. The arbitraries below make those shapes and near misses of them
// (reserved words, non-ASCII names, odd indexes and spacing, unknown operators, odd number and string literals,
// one character inserted, removed or replaced), about a third of them taken by the fast path.

/** What analyzeExpression must return: the verdict of the CEL parser and, when it parses, the CEL-found references. */
function celAnalysis(expression: string): unknown {
  const parsed = parseExpression(expression);
  return parsed.ok ? { ok: true, references: expressionReferences(expression) } : parsed;
}

function expectSameAnalysis(expression: string): void {
  const fast = JSON.stringify(analyzeExpression(expression));
  const cel = JSON.stringify(celAnalysis(expression));
  if (fast !== cel) expect(JSON.parse(fast), expression).toEqual(JSON.parse(cel));
}

// WEFT_FUZZ_RUNS raises the run count (e.g. 100000 before touching the fast path); WEFT_FUZZ_SEED replays a failure.
const EXPRESSION_RUNS = {
  numRuns: Number(process.env.WEFT_FUZZ_RUNS) || 4_000,
  ...(process.env.WEFT_FUZZ_SEED ? { seed: Number(process.env.WEFT_FUZZ_SEED) } : {}),
};

const plainNames = fc.constantFrom(
  ...[
    'steps',
    'inputs',
    's1',
    'output',
    'text',
    'category',
    'item',
    'index',
    'x',
    'b',
    'r',
    'u',
    '_',
    '_a',
    'A9',
  ],
  ...['a9_', 'Z', 'size', 'int', 'dyn', 'type', 'map', 'has', 'filter', 'exists', 'string', 'double', 'e'],
);
const names = fc.oneof(
  { weight: 12, arbitrary: plainNames },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      // reserved words and names the parser refuses or reads otherwise
      ...['true', 'false', 'null', 'in', 'as', 'if', 'else', 'for', 'while', 'let', 'var', 'return', 'void'],
      ...['__proto__', 'prototype', 'constructor', 'package', 'namespace', 'import', 'function', 'loop'],
      // not ASCII identifiers
      ...['9a', '0', '1e3', 'é', 'ñame', '变量', 'a\u0301', '$a', 'a-b', 'ß', 'İ', '\u00a0a'],
    ),
  },
);
const indexes = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('[0]', '[1]', '[12]', '[123456789]', '[0][1]') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...['[1234567890]', '[99999999999]', '[01]', '[00]', '[-1]', '[ 0]', '[0 ]', '[0u]', '[0x1]', '[1.0]'],
      ...['[1e3]', '["k"]', "['k']", '["a b"]', '[a]', '[steps.x]', '[]', '[', ']', '[0', '[[0]]', '[0]]'],
    ),
  },
);
const links = fc.oneof(
  { weight: 30, arbitrary: fc.constant('.') },
  { weight: 6, arbitrary: indexes.map((index) => `${index}.`) },
  { weight: 1, arbitrary: indexes },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '..',
      ' .',
      '. ',
      '.?',
      '?.',
      '',
      ' ',
      '(',
      ')',
      '-',
      "'",
      '"',
      '\t',
      '.\n',
      ',',
    ),
  },
);
/** A member chain, mostly plain (`steps.s1.output[0].text`), with now and then a near miss in it. */
const chain = fc
  .tuple(names, fc.array(fc.tuple(links, names), { maxLength: 6 }), fc.option(indexes, { freq: 6 }))
  .map(([head, rest, tail]) => head + rest.map(([link, name]) => link + name).join('') + (tail ?? ''));
const literals = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0',
      '1',
      '42',
      '0.5',
      '1.25',
      '123456789',
      '1.123456789',
      '"sales"',
      '"a.b-c_9"',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('""', 'true', 'false', 'null', '0.0', '10.01', '"_"', '"-"', '"."'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...[
        '1234567890',
        '1.1234567890',
        '00',
        '01',
        '00.5',
        '1.',
        '.5',
        '-0',
        '-1',
        '1e3',
        '1E3',
        '1e-3',
        '0x1F',
      ],
      ...[
        '1u',
        '1.0e2',
        'NaN',
        'Infinity',
        '"a b"',
        '"a\\"b"',
        '"a\\nb"',
        '"\\u00e9"',
        '"é"',
        '"unterminated',
      ],
      ...['"a\'b"', "'x'", "''", '"""x"""', "'''x'''", 'b"x"', 'r"x"', 'R"x"', '"x', "'x", '"{x}"', '"${x}"'],
      ...[
        '"a\\\\"',
        'True',
        'NULL',
        '[]',
        '{}',
        '[1,2]',
        '{"a":1}',
        'dyn(1)',
        'size(x)',
        '"a"b"',
        '"\\t"',
        '"\t"',
        '"\\q"',
        '"a\\"',
        '"\\x41"',
        '"\\101"',
      ],
    ),
  },
);
const operands = fc.oneof({ weight: 3, arbitrary: chain }, { weight: 2, arbitrary: literals });
const relations = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('==', '!=', '<', '<=', '>', '>=') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('=', '===', '!==', '<>', '=>', '=<', '!', 'in', '+', '-', '*', '/', '%', '?'),
  },
);
const logic = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('&&', '||') },
  { weight: 1, arbitrary: fc.constantFrom('&', '|', 'and', 'or', '&&&', '||&&', '??', ',', ':') },
);
const spaces = fc.oneof(
  { weight: 20, arbitrary: fc.constant(' ') },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', '\t', '\n', '\r\n', '\u00a0', ' \u200b') },
);
/** `operand relation operand (logic operand relation operand)*`, mostly single-spaced, now and then not. */
const comparisons = fc
  .array(fc.tuple(operands, spaces, relations, spaces, operands, spaces, logic, spaces), {
    minLength: 1,
    maxLength: 5,
  })
  .map((terms) =>
    terms
      .map(([left, s1, relation, s2, right, s3, join, s4], i) => {
        const term = left + s1 + relation + s2 + right;
        return i === terms.length - 1 ? term : term + s3 + join + s4;
      })
      .join(''),
  );
/** Exactly the shapes the fast path takes: plain chains, simple literals, single spaces, known operators. */
const cleanChain = fc
  .tuple(
    plainNames,
    fc.array(
      fc.tuple(fc.constantFrom('.', '.', '.', '[0].', '[12].', '[0][1].', '[123456789].'), plainNames),
      { maxLength: 6 },
    ),
    fc.constantFrom('', '', '', '[0]', '[7][3]'),
  )
  .map(([head, rest, tail]) => head + rest.map(([link, name]) => link + name).join('') + tail);
const cleanLiterals = fc.constantFrom(
  ...['0', '1', '42', '0.5', '1.25', '123456789', '1.123456789', '0.0', '10.01', '999999999.999999999'],
  ...['"sales"', '"a.b-c_9"', '""', '"_"', '"-"', '"."', '"ABC"', 'true', 'false', 'null'],
);
const cleanOperands = fc.oneof({ weight: 3, arbitrary: cleanChain }, { weight: 2, arbitrary: cleanLiterals });
const cleanTerm = fc
  .tuple(cleanOperands, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), cleanOperands)
  .map((term) => term.join(' '));
/** Clean comparisons, then (most of the time) one token or one space swapped for a near miss. */
const nearComparisons = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('&&', '||'), cleanTerm), { maxLength: 17 }),
    cleanTerm,
    fc.nat(),
    fc.constantFrom('none', 'token', 'token', 'space'),
    fc.oneof(operands, literals, chain, names),
    fc.constantFrom(
      '=',
      '===',
      '!==',
      '<>',
      '=>',
      '=<',
      '!',
      'in',
      '+',
      '-',
      '*',
      '/',
      '%',
      '?',
      '&&',
      '||',
      '==',
    ),
    fc.constantFrom('&', '|', 'and', 'or', '&&&', '||&&', '??', ',', ':', '==', '<', 'in', '+', '!', '&|'),
    spaces,
  )
  .map(([rest, first, at, how, operand, relation, join, space]) => {
    const tokens = [first, ...rest.flat()].join(' ').split(' ');
    const i = at % tokens.length;
    if (how === 'token') tokens[i] = [operand, relation, operand, join][i % 4]!;
    if (how !== 'space') return tokens.join(' ');
    return tokens.slice(0, i + 1).join(' ') + space + tokens.slice(i + 1).join(' ');
  });
/** Any of those framed oddly: leading or trailing spaces, parentheses, a negation, a trailing dot or operator. */
const framed = fc
  .tuple(
    fc.oneof(chain, comparisons, cleanChain, nearComparisons),
    fc.constantFrom('', '', '', '', ' ', '(', '!', '-', '.', '\n', '${{ '),
    fc.constantFrom('', '', '', '', ' ', ')', '.', ' &&', ' ==', '[0]', '.size()', ' ? 1 : 2', '}}', '\n'),
  )
  .map(([core, before, after]) => before + core + after);
/** And with one character inserted, removed or replaced. */
const mutated = fc
  .tuple(
    framed,
    fc.nat(),
    fc.constantFrom('insert', 'remove', 'replace'),
    fc.constantFrom(...' .[]0159"\'\\()_aZ=<>!&|-+eé\t\n?,'),
  )
  .map(([text, at, how, char]) => {
    const i = text.length === 0 ? 0 : at % (text.length + (how === 'insert' ? 1 : 0));
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i) + (how === 'replace' ? char : '') + text.slice(i + 1);
  });

describe('analyzeExpression', () => {
  it('gives exactly the verdict and references of the CEL parser on edge cases', () => {
    const cases = [
      ...['a', 'a.b', 'a.', '.a', 'a..b', '', ' ', 'a.b.c.d', 'a.1', 'a.b1.c_', 'a[0]', 'a[0][1]', 'a[0].b'],
      ...['a[', 'a[0', 'a[]', '[0]', 'a.b[0]', 'a == 1', 'a == b', 'a == "x" && b > 0.5', 'a == "x" ||'],
      ...['steps.s1.output[0].text == "sales" || inputs.x <= 123456789 && true != null'],
      'a'.repeat(10_001),
      Array(300).fill('a').join('.'),
      Array(63).fill('a').join('.'),
      Array(64).fill('a').join('.'),
      Array(65).fill('a').join('.'),
      Array(66).fill('a').join('.'),
      Array(70).fill('a').join('[0].'),
      Array(32).fill('a[0]').join('.'),
      Array(33).fill('a[0]').join('.'),
      Array(40).fill('a[0]').join('.'),
      Array(200).fill('a[0]').join('.'),
      `a${'[0]'.repeat(62)}`,
      `a${'[0]'.repeat(63)}`,
      `a${'[0]'.repeat(64)}`,
      Array(16).fill('a == 1').join(' && '),
      Array(17).fill('a == 1').join(' && '),
      Array(40).fill('a.b == "x"').join(' || '),
      Array(16).fill(Array(60).fill('a').join('.')).join(' == '),
    ];
    for (const expression of cases) expectSameAnalysis(expression);
  });

  it(
    'gives exactly the verdict and references of the CEL parser (property)',
    () => {
      const expressions = fc.oneof(
        { weight: 2, arbitrary: chain },
        { weight: 1, arbitrary: cleanChain },
        { weight: 2, arbitrary: comparisons },
        { weight: 4, arbitrary: nearComparisons },
        { weight: 2, arbitrary: framed },
        { weight: 3, arbitrary: mutated },
      );
      fc.assert(
        fc.property(expressions, (expression) => {
          expectSameAnalysis(expression);
        }),
        EXPRESSION_RUNS,
      );
    },
    30_000 + EXPRESSION_RUNS.numRuns,
  );
});
