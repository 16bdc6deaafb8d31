// Parses workflow.yaml text into a yaml Document with positions, refusing inputs that would hang or explode.
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { Diagnostic, SourceRange } from './types.js';

export interface ParsedWorkflow {
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** 0-based offsets -> 1-based line/column range (end exclusive). */
  toRange(start: number, end: number): SourceRange;
  /** YAML syntax problems and limit violations found while parsing. */
  diagnostics: Diagnostic[];
  /** The document's JS value when the parser made it along the way (the fast path: its keys are unique). */
  read?: { value: unknown };
}

/** Larger files get one `file-too-large` diagnostic and are not parsed (a 1,000-step workflow is ~180 KB). */
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_NESTING = 256;
export const MAX_ALIAS_COUNT = 100;

function firstLine(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

/**
 * Deepest flow-collection nesting ([ and {) and deepest block indentation (leading spaces and dashes, in
 * columns), in one pass: cheap guards before the recursive composer runs.
 */
function nesting(text: string): { flow: number; indent: number } {
  let depth = 0;
  let flow = 0;
  let indent = 0;
  let column = 0;
  let inIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      column = 0;
      inIndent = true;
      continue;
    }
    if (inIndent) {
      if (c === 32 || c === 45) {
        column++;
        if (column > indent) indent = column;
        continue;
      }
      inIndent = false;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth > flow) flow = depth;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return { flow, indent };
}

/** The options of every parse (whole document or chunk), so both give the same nodes. */
export const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/** UTF-8 size, counted only when it could exceed the limit (a UTF-16 unit is 1 to 3 UTF-8 bytes). */
export function utf8Size(text: string): number {
  if (text.length * 3 <= MAX_FILE_BYTES || text.length > MAX_FILE_BYTES) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The `file-too-large` diagnostic (on the first line), or undefined when the file is within the limit. */
export function fileTooLarge(text: string): Diagnostic | undefined {
  const size = utf8Size(text);
  if (size <= MAX_FILE_BYTES) return undefined;
  const newline = text.indexOf('\n');
  let end = newline === -1 ? text.length : newline;
  if (end > 0 && text[end - 1] === '\r') end--;
  // Past the limit in UTF-16 units, the byte count is not computed: the size is then a lower bound.
  const shown = text.length > MAX_FILE_BYTES ? `at least ${megabytes(size)}` : megabytes(size);
  return {
    severity: 'error',
    code: 'file-too-large',
    message: `the file is ${shown}, over the ${megabytes(MAX_FILE_BYTES)} limit (${MAX_FILE_BYTES} bytes), so it was not checked; split it into smaller workflows or move large text out of it`,
    range: { line: 1, column: 1, endLine: 1, endColumn: end + 1, start: 0, end },
  };
}

function limitProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'the file contains NUL bytes; it looks binary, not YAML';
  const { flow, indent } = nesting(text);
  if (flow > MAX_NESTING) return `values nest deeper than ${MAX_NESTING} levels`;
  if (indent > MAX_NESTING * 4) return `values nest deeper than ${MAX_NESTING} levels (indentation)`;
  return undefined;
}

/**
 * yaml reads `process.env.LOG_TOKENS` once per CST token and `process.env.LOG_STREAM` once per composed token
 * (debug switches); on Node each read is a getenv through C++. Swapping in a plain object for the duration of
 * the parse saves ~8% of a whole-document parse (measured: 143 vs 155 ms CPU for the 179 KB 1,000-step file).
 * Safe because the parse is synchronous (no other JS can observe the swap), the original object is restored in
 * `finally` even when the parse throws, and where `process.env` cannot be replaced the parse runs unchanged.
 */
export function withPlainEnv<T>(fn: () => T): T {
  const proc = (globalThis as { process?: { env?: unknown } }).process;
  if (!proc?.env) return fn();
  const env = proc.env;
  try {
    proc.env = {};
  } catch {
    return fn();
  }
  try {
    return fn();
  } finally {
    proc.env = env;
  }
}

/** The line of `offset` as yaml's LineCounter.linePos gives it (1-based; 0 before the first line start). */
function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  return starts[low] === offset ? low + 1 : low;
}

/** The column of `offset` on `line`, as yaml's LineCounter.linePos gives it. */
function columnOf(starts: readonly number[], line: number, offset: number): number {
  return line === 0 ? offset : offset - starts[line - 1]! + 1;
}

/** A ParsedWorkflow over `document`, with ranges from `lineCounter` (read without its objects per position). */
export function parsedWorkflow(
  text: string,
  document: Document.Parsed,
  lineCounter: LineCounter,
  diagnostics: Diagnostic[],
): ParsedWorkflow {
  const toRange = (start: number, end: number): SourceRange => {
    const s = Math.max(0, Math.min(start, text.length));
    const e = Math.max(s, Math.min(end, text.length));
    const starts = lineCounter.lineStarts;
    const line = lineOf(starts, s);
    const endLine = lineOf(starts, e);
    return {
      line,
      column: columnOf(starts, line, s),
      endLine,
      endColumn: columnOf(starts, endLine, e),
      start: s,
      end: e,
    };
  };
  return { text, document, lineCounter, toRange, diagnostics };
}

function emptyDocument(): Document.Parsed {
  return parseDocument('', { lineCounter: new LineCounter() });
}

/** A file refused before parsing (too large, binary, nested too deep), else undefined. */
export function refuse(text: string): ParsedWorkflow | undefined {
  const tooLarge = fileTooLarge(text);
  if (tooLarge) {
    const lineCounter = new LineCounter();
    lineCounter.addNewLine(0);
    return parsedWorkflow(text, emptyDocument(), lineCounter, [tooLarge]);
  }
  const problem = limitProblem(text);
  if (!problem) return undefined;
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  const parsed = parsedWorkflow(text, emptyDocument(), lineCounter, []);
  parsed.diagnostics.push({
    severity: 'error',
    code: 'yaml-syntax',
    message: problem,
    range: parsed.toRange(0, 0),
  });
  return parsed;
}

/** The whole text parsed as one document (no cache); the extension uses it for completion and hover. */
export function parseWorkflowText(text: string): ParsedWorkflow {
  return refuse(text) ?? parseWhole(text);
}

export function parseWhole(text: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const parsed = parsedWorkflow(text, emptyDocument(), lineCounter, []);
  const { diagnostics } = parsed;
  let document: Document.Parsed;
  try {
    document = withPlainEnv(() => parseDocument(text, { ...YAML_OPTIONS, lineCounter }));
  } catch (error) {
    const message = `the YAML could not be parsed: ${firstLine(String((error as Error)?.message ?? error))}`;
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message, range: parsed.toRange(0, 0) });
    return parsed;
  }
  parsed.document = document;
  for (const [list, severity] of [
    [document.errors, 'error'],
    [document.warnings, 'warning'],
  ] as const) {
    for (const e of list) {
      const [start, end] = e.pos;
      diagnostics.push({
        severity,
        code: 'yaml-syntax',
        message: firstLine(e.message),
        range: parsed.toRange(start, end),
      });
    }
  }
  return parsed;
}
