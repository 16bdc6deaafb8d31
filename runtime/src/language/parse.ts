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
}

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_NESTING = 256;
export const MAX_ALIAS_COUNT = 100;

function firstLine(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

/** Deepest flow-collection nesting ([ and {); a cheap guard before the recursive composer runs. */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}

/** Deepest block indentation, in columns. */
function maxIndent(text: string): number {
  let max = 0;
  let column = 0;
  let inIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      column = 0;
      inIndent = true;
    } else if (inIndent && (c === 32 || c === 45)) {
      column++;
      if (column > max) max = column;
    } else inIndent = false;
  }
  return max;
}

function limitProblem(text: string): string | undefined {
  if (text.length > MAX_FILE_BYTES) {
    return `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split the workflow`;
  }
  if (text.includes('\u0000')) return 'the file contains NUL bytes; it looks binary, not YAML';
  if (flowDepth(text) > MAX_NESTING) return `values nest deeper than ${MAX_NESTING} levels`;
  if (maxIndent(text) > MAX_NESTING * 4) return `values nest deeper than ${MAX_NESTING} levels (indentation)`;
  return undefined;
}

/**
 * yaml reads process.env.LOG_TOKENS once per token (a C++ getenv each time: ~20% of parse time). The parse is
 * synchronous, so a plain-object env for its duration is invisible to any other code.
 */
function withPlainEnv<T>(fn: () => T): T {
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

export function parseWorkflowText(text: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const toRange = (start: number, end: number): SourceRange => {
    const s = Math.max(0, Math.min(start, text.length));
    const e = Math.max(s, Math.min(end, text.length));
    const a = lineCounter.linePos(s);
    const b = lineCounter.linePos(e);
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col, start: s, end: e };
  };
  const diagnostics: Diagnostic[] = [];
  const problem = limitProblem(text);
  let document: Document.Parsed;
  if (problem) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    document = parseDocument('', { lineCounter: new LineCounter() });
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message: problem, range: toRange(0, 0) });
    return { text, document, lineCounter, toRange, diagnostics };
  }
  try {
    document = withPlainEnv(() =>
      parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false }),
    );
  } catch (error) {
    document = parseDocument('', { lineCounter: new LineCounter() });
    const message = `the YAML could not be parsed: ${firstLine(String((error as Error)?.message ?? error))}`;
    diagnostics.push({ severity: 'error', code: 'yaml-syntax', message, range: toRange(0, 0) });
    return { text, document, lineCounter, toRange, diagnostics };
  }
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
        range: toRange(start, end),
      });
    }
  }
  return { text, document, lineCounter, toRange, diagnostics };
}
