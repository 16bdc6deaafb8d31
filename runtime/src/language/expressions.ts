// CEL expressions and `${{ }}` templates: parsing, static references, evaluation. Pure.

import { parse } from '@marcbachmann/cel-js';
import { BoundedMemo } from './memo.js';
import { wholeCharacterEnd, wholeCharacters } from './text.js';
import type { JsonValue } from './types.js';

interface CelNode {
  op: string;
  args: unknown;
  start: number;
  end: number;
}
type Compiled = ReturnType<typeof parse>;

export type ExpressionParse =
  | { ok: true; ast: CelNode }
  | { ok: false; message: string; start: number; end: number };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const MAX_EXPRESSION_LENGTH = 10_000;
const compiledCache = new BoundedMemo<Compiled>(5_000);

/** The first line of a cel-js message; the rest is an ASCII caret picture. */
function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

function compile(expression: string): Compiled {
  return compiledCache.get(expression, (text) => {
    if (text.length > MAX_EXPRESSION_LENGTH) {
      throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, text);
    }
    return parse(text);
  });
}

export function parseExpression(expression: string): ExpressionParse {
  if (expression.trim() === '') return { ok: false, message: 'expression is empty', start: 0, end: 0 };
  try {
    return { ok: true, ast: compile(expression).ast as unknown as CelNode };
  } catch (error) {
    const err = error as Error & { node?: { start?: number; end?: number } };
    const start = Math.min(err.node?.start ?? 0, expression.length);
    const end = Math.max(start, Math.min(err.node?.end ?? expression.length, expression.length));
    // cel-js names an unexpected character by its first UTF-16 unit: half of an emoji
    return {
      ok: false,
      message: wholeCharacters(firstLine(err.message), expression, start),
      start,
      end: wholeCharacterEnd(expression, start, end),
    };
  }
}

export interface ExpressionReference {
  /** Member path from a root variable, e.g. ['steps', 'classify', 'output', 'category']. */
  path: string[];
  /** Offsets of the whole reference within the expression. */
  start: number;
  end: number;
  /** Offsets of each path segment within the expression (same length as path). */
  segments: Array<{ start: number; end: number }>;
}

const COMPREHENSION_MACROS = new Set(['map', 'filter', 'all', 'exists', 'exists_one', 'existsOne']);

/** Member chains rooted at free variables (macro-bound variables such as `x` in `l.map(x, ...)` excluded). */
export function expressionReferences(expression: string): ExpressionReference[] {
  const parsed = parseExpression(expression);
  if (!parsed.ok) return [];
  const references: ExpressionReference[] = [];
  collectReferences(parsed.ast, expression, new Set(), references);
  return references;
}

const referencesCache = new BoundedMemo<readonly ExpressionReference[]>(20_000);

/**
 * expressionReferences, cached per expression string (a pure function of it). The result is shared between
 * callers: read it, never change it (the checker re-checks the same expressions after every edit).
 */
export function cachedExpressionReferences(expression: string): readonly ExpressionReference[] {
  return referencesCache.get(expression, expressionReferences);
}

export type ExpressionAnalysis =
  | { ok: true; references: readonly ExpressionReference[] }
  | { ok: false; message: string; start: number; end: number };

/** Words the CEL lexer does not read as plain identifiers, or the parser refuses as identifiers. */
const NOT_PLAIN = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
  '__proto__',
  'prototype',
]);

/** Member chains deeper than this (names and indexes) go through the CEL parser (which limits nesting). */
const MAX_PLAIN_DEPTH = 64;

/** `[` digits `]` at `at` (a small int index: `0` or digits without a leading zero): the offset after it, or -1. */
function indexEnd(expression: string, at: number): number {
  if (expression.charCodeAt(at) !== 91) return -1;
  let i = at + 1;
  const first = expression.charCodeAt(i);
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) {
    i++;
    while (i - at <= 9 && i < expression.length) {
      const c = expression.charCodeAt(i);
      if (c >= 48 && c <= 57) i++;
      else break;
    }
  } else return -1;
  return expression.charCodeAt(i) === 93 ? i + 1 : -1;
}

/**
 * The reference of a plain member chain such as `steps.classify.output.text` or `steps.list.output[0].text`
 * (ASCII identifiers joined by dots, each optionally followed by small int indexes, nothing else), as the CEL
 * parser and collectReferences find it: int indexes add no path segment, and the reference ends with its last
 * name. Undefined for anything else. Most expressions of a workflow are such chains; they skip the parser.
 */
function plainChain(expression: string): ExpressionReference | undefined {
  const length = expression.length;
  const path: string[] = [];
  const segments: Array<{ start: number; end: number }> = [];
  let start = 0;
  let depth = 0;
  for (;;) {
    let i = start;
    const first = i < length ? expression.charCodeAt(i) : 0;
    // A letter or underscore first: digits would start a number.
    if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95)) return undefined;
    i++;
    while (i < length) {
      const c = expression.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) i++;
      else break;
    }
    const name = expression.slice(start, i);
    if (NOT_PLAIN.has(name)) return undefined;
    path.push(name);
    segments.push({ start, end: i });
    const end = i;
    for (let next = indexEnd(expression, i); next !== -1; next = indexEnd(expression, i)) {
      i = next;
      depth++;
    }
    if (++depth > MAX_PLAIN_DEPTH) return undefined;
    if (i === length) return { path, start: 0, end, segments };
    if (expression.charCodeAt(i) !== 46) return undefined;
    start = i + 1;
  }
}

const RELATIONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const LOGIC = new Set(['&&', '||']);
/** A number literal (an int without leading zeros, or such an int with a fraction) or a plain string literal. */
const PLAIN_LITERAL = /^(?:(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,9})?|"[A-Za-z0-9_.-]*"|true|false|null)$/;
const MAX_PLAIN_TERMS = 16;

/**
 * The references of plain comparisons such as `steps.a.output.category == "sales" && steps.a.output.score > 0.5`:
 * terms `operand relation operand` joined by && or ||, tokens separated by single spaces, operands plain chains
 * or simple literals. The CEL parser accepts all of these and finds their chains left to right, which is the
 * order here. Undefined for anything else.
 */
function plainComparisons(expression: string): ExpressionReference[] | undefined {
  const tokens = expression.split(' ');
  // operand relation operand (logic operand relation operand)*
  if (tokens.length < 3 || (tokens.length - 3) % 4 !== 0 || tokens.length > MAX_PLAIN_TERMS * 4)
    return undefined;
  const references: ExpressionReference[] = [];
  let at = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const place = i % 4;
    if (place === 1) {
      if (!RELATIONS.has(token)) return undefined;
    } else if (place === 3) {
      if (!LOGIC.has(token)) return undefined;
    } else if (!PLAIN_LITERAL.test(token)) {
      const chain = token === '' ? undefined : plainChain(token);
      if (!chain) return undefined;
      references.push({
        path: chain.path,
        start: at + chain.start,
        end: at + chain.end,
        segments: chain.segments.map((segment) => ({ start: at + segment.start, end: at + segment.end })),
      });
    }
    at += token.length + 1;
  }
  return references;
}

const analysisCache = new BoundedMemo<ExpressionAnalysis>(20_000);

function analyze(expression: string): ExpressionAnalysis {
  if (expression.length <= MAX_EXPRESSION_LENGTH) {
    const chain = plainChain(expression);
    if (chain) return { ok: true, references: [chain] };
    const references = plainComparisons(expression);
    if (references) return { ok: true, references };
  }
  const parsed = parseExpression(expression);
  if (!parsed.ok) return parsed;
  const references: ExpressionReference[] = [];
  collectReferences(parsed.ast, expression, new Set(), references);
  return { ok: true, references };
}

/**
 * parseExpression's verdict and, when it parses, expressionReferences, cached per expression (a pure function
 * of it). Plain member chains are read without the CEL parser. The result is shared between callers: read it,
 * never change it.
 */
export function analyzeExpression(expression: string): ExpressionAnalysis {
  return analysisCache.get(expression, analyze);
}

function chainOf(node: CelNode, source: string): ExpressionReference | undefined {
  if (node.op === 'id' && typeof node.args === 'string') {
    return {
      path: [node.args],
      start: node.start,
      end: node.end,
      segments: [{ start: node.start, end: node.end }],
    };
  }
  if (node.op === '.' || node.op === '.?') {
    const [target, field] = node.args as [CelNode, string];
    const base = chainOf(target, source);
    if (!base) return undefined;
    const fieldStart = source.indexOf(field, target.end);
    const segment = { start: fieldStart, end: fieldStart + field.length };
    return {
      path: [...base.path, field],
      start: base.start,
      end: node.end,
      segments: [...base.segments, segment],
    };
  }
  if (node.op === '[]') {
    const [target, index] = node.args as [CelNode, CelNode];
    const base = chainOf(target, source);
    if (!base) return undefined;
    if (index.op === 'value' && typeof index.args === 'string') {
      const segment = { start: index.start, end: index.end };
      return {
        path: [...base.path, index.args],
        start: base.start,
        end: node.end,
        segments: [...base.segments, segment],
      };
    }
    return base;
  }
  return undefined;
}

function collectReferences(
  node: unknown,
  source: string,
  bound: Set<string>,
  out: ExpressionReference[],
): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) collectReferences(child, source, bound, out);
    return;
  }
  const cel = node as CelNode;
  if (typeof cel.op !== 'string') return;
  const chain = chainOf(cel, source);
  if (chain) {
    if (!bound.has(chain.path[0]!)) out.push(chain);
    // Dynamic indexes (a[b]) may hold references of their own.
    if (cel.op === '[]') collectReferences((cel.args as CelNode[])[1], source, bound, out);
    return;
  }
  if (cel.op === 'rcall') {
    const [name, target, args] = cel.args as [string, CelNode, CelNode[]];
    collectReferences(target, source, bound, out);
    const first = args[0];
    if (COMPREHENSION_MACROS.has(name) && first?.op === 'id' && typeof first.args === 'string') {
      const inner = new Set(bound).add(first.args);
      collectReferences(args.slice(1), source, inner, out);
    } else {
      collectReferences(args, source, bound, out);
    }
    return;
  }
  if (cel.op === 'call') {
    const [, args] = cel.args as [string, CelNode[]];
    collectReferences(args, source, bound, out);
    return;
  }
  if (cel.op === 'value' || cel.op === 'id') return;
  collectReferences(cel.args, source, bound, out);
}

export interface TemplateExpression {
  expression: string;
  /** Offsets of the expression (inside the braces) within the template string. */
  start: number;
  end: number;
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/**
 * The `${{ ... }}` of a string, leftmost first, each closed by the first `}}` after it (what TEMPLATE matches),
 * and the offset of a `${{` left open after them (undefined when none). One indexOf scan, no regex.
 */
function scanTemplates(text: string): { found: TemplateExpression[]; unterminated: number | undefined } {
  const found: TemplateExpression[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('${{', from);
    if (open === -1) return { found, unterminated: undefined };
    const close = text.indexOf('}}', open + 3);
    // No `}}` after this `${{`, so none after any later one either: it is the first one left open.
    if (close === -1) return { found, unterminated: open };
    const inner = text.slice(open + 3, close);
    const expression = inner.trim();
    const start = open + 3 + (inner.length - inner.trimStart().length);
    found.push({ expression, start, end: start + expression.length });
    from = close + 2;
  }
}

export function findTemplateExpressions(text: string): TemplateExpression[] {
  return scanTemplates(text).found;
}

/** Unterminated `${{` (no closing braces) at this offset, if any: a syntax error in a template. */
export function findUnterminatedTemplate(text: string): number | undefined {
  return scanTemplates(text).unterminated;
}

// ---- evaluation ----

export type ExpressionScope = { [name: string]: unknown };

const celCache = new WeakMap<object, unknown>();

/** JSON numbers that are whole become CEL ints (bigint) so `n + 1` works; results convert back. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const cached = celCache.get(value);
  if (cached !== undefined) return cached;
  const converted = Array.isArray(value)
    ? value.map(toCel)
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  celCache.set(value, converted);
  return converted;
}

export function fromCel(value: unknown): JsonValue {
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value as JsonValue;
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
}

export function evaluateExpression(expression: string, scope: ExpressionScope): JsonValue {
  let compiled: Compiled;
  try {
    compiled = compile(expression);
  } catch (error) {
    throw new ExpressionError(
      `cannot parse \`${expression}\`: ${firstLine((error as Error).message)}`,
      expression,
    );
  }
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scope)) context[key] = toCel(value);
  let result: unknown;
  try {
    result = compiled(context);
  } catch (error) {
    throw new ExpressionError(`\`${expression}\`: ${firstLine((error as Error).message)}`, expression);
  }
  if (result instanceof Promise) throw new ExpressionError(`\`${expression}\` is asynchronous`, expression);
  return fromCel(result);
}

export function evaluateCondition(expression: string, scope: ExpressionScope): boolean {
  const value = evaluateExpression(expression, scope);
  if (typeof value !== 'boolean') {
    throw new ExpressionError(
      `\`${expression}\` must be true or false, got ${JSON.stringify(value)}`,
      expression,
    );
  }
  return value;
}

function stringify(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Renders `${{ }}` in a string (or recursively in arrays/objects). A lone `${{ expr }}` keeps its type. */
export function renderTemplate(template: JsonValue, scope: ExpressionScope): JsonValue {
  if (typeof template === 'string') {
    if (!template.includes('${{')) return template;
    const expressions = findTemplateExpressions(template);
    const whole = template.trim();
    if (expressions.length === 1 && whole.startsWith('${{') && whole.endsWith('}}')) {
      return evaluateExpression(expressions[0]!.expression, scope);
    }
    return template.replace(TEMPLATE, (_match, inner: string) =>
      stringify(evaluateExpression(inner.trim(), scope)),
    );
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, scope));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderTemplate(v, scope)]));
  }
  return template;
}
