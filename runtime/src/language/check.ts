// checkWorkflow: parse, schema, definition, semantic checks. Pure; never throws.
import { type Built, buildDefinition } from './build-definition.js';
import { duplicateKeyDiagnostics } from './duplicate-keys.js';
import { parseFast } from './fast-parse.js';
import { assembledValue, parseWorkflowChunked } from './incremental.js';
import { MAX_ALIAS_COUNT, type ParsedWorkflow, parseWhole, refuse, withPlainEnv } from './parse.js';
import { headRange, rangeOf } from './positions.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { checkApprovals } from './semantic/approvals.js';
import { checkBudget } from './semantic/budget.js';
import type { CheckContext } from './semantic/context.js';
import { checkDeclarations } from './semantic/declarations.js';
import { checkDuplicateIds } from './semantic/duplicate-ids.js';
import { collectExpressionSites } from './semantic/expression-sites.js';
import { checkExpressions } from './semantic/expressions.js';
import { checkGraph } from './semantic/graph.js';
import { type CheckOptions, checkSubWorkflows } from './semantic/sub-workflows.js';
import { indexSteps } from './step-index.js';
import type { CheckResult, Diagnostic } from './types.js';

function error(parsed: ParsedWorkflow, code: string, message: string, start = 0, end = 0): Diagnostic {
  return { severity: 'error', code, message, range: parsed.toRange(start, end) };
}

function toValue(parsed: ParsedWorkflow): { value?: unknown; problem?: Diagnostic } {
  try {
    const assembled = assembledValue(parsed.document, MAX_ALIAS_COUNT);
    if (assembled !== undefined) return { value: assembled };
    return { value: parsed.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    const message =
      e instanceof ReferenceError && /alias/i.test(e.message)
        ? `aliases expand too much (more than ${MAX_ALIAS_COUNT} per node); this looks like a "billion laughs" file`
        : `the YAML could not be read: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
    return { problem: error(parsed, 'yaml-syntax', message) };
  }
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

function checkParsed(parsed: ParsedWorkflow, options: CheckOptions): CheckResult {
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.some((d) => d.code === 'file-too-large')) return { diagnostics };
  if (
    diagnostics.some(
      (d) =>
        d.severity === 'error' &&
        d.range.start === 0 &&
        d.range.end === 0 &&
        parsed.document.contents === null,
    )
  ) {
    return { diagnostics };
  }
  if (!parsed.read) diagnostics.push(...duplicateKeyDiagnostics(parsed));
  const { value, problem }: { value?: unknown; problem?: Diagnostic } = parsed.read ?? toValue(parsed);
  if (problem) return { diagnostics: [...diagnostics, problem] };
  if (value === null || value === undefined) {
    if (!diagnostics.some((d) => d.severity === 'error')) {
      diagnostics.push(
        error(parsed, 'schema', 'the file is empty; a workflow needs at least `name` and `steps`'),
      );
    }
    return { diagnostics };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const node = parsed.document.contents;
    const message = `a workflow must be a mapping (name, steps, ...), not ${Array.isArray(value) ? 'a list' : 'a scalar'}`;
    diagnostics.push({
      severity: 'error',
      code: 'schema',
      message,
      range: Array.isArray(value) ? headRange(parsed, node as never) : rangeOf(parsed, node as never),
    });
    return { diagnostics };
  }
  const root = value as Record<string, unknown>;
  diagnostics.push(...schemaDiagnostics(parsed, root));
  const index = indexSteps(parsed, root);
  const built: Built = { specs: new Array(index.all.length) };
  const definition = buildDefinition(root, index, built);
  const context: CheckContext = {
    parsed,
    root,
    index,
    definition,
    specs: built.specs,
    diagnostics,
  };
  checkDuplicateIds(context);
  checkDeclarations(context);
  checkApprovals(context);
  checkSubWorkflows(context, options, checkWorkflow);
  const references = checkExpressions(context, collectExpressionSites(parsed, index.sites));
  checkGraph(context, references);
  checkBudget(context);
  return { definition, diagnostics: sortDiagnostics(diagnostics) };
}

function checkText(text: string, fast: boolean, chunked: boolean, options: CheckOptions = {}): CheckResult {
  let parsed: ParsedWorkflow | undefined;
  try {
    const source = typeof text === 'string' ? text : String(text);
    // The fast path first (js-yaml building the same nodes and ranges; undefined for what it leaves to yaml,
    // errors included, and for files too large, binary or nested too deep); then files refused before yaml parses
    // them; then the chunked, cached yaml parse (undefined when the split is not clearly safe); else yaml on the
    // whole document.
    parsed =
      (fast ? parseFast(source) : undefined) ??
      refuse(source) ??
      (chunked ? withPlainEnv(() => parseWorkflowChunked(source)) : undefined) ??
      parseWhole(source);
    return checkParsed(parsed, options);
  } catch (e) {
    const message = `internal error while checking: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
    const range = parsed
      ? parsed.toRange(0, 0)
      : { line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 };
    return { diagnostics: [{ severity: 'error', code: 'internal', message, range }] };
  }
}

/**
 * With `options.resolve`, `kind: workflow` steps are checked against their child files (found through it) and
 * carry the children's definitions; `options.file` names this file for the resolver.
 */
export function checkWorkflow(text: string, options: CheckOptions = {}): CheckResult {
  return checkText(text, true, true, options);
}

/** checkWorkflow through yaml's whole-document parse, never the fast path or the chunk cache (tests compare). */
export function checkWorkflowWhole(text: string): CheckResult {
  return checkText(text, false, false);
}

/** checkWorkflow through yaml's chunked parse, never the fast path (tests compare it with the whole parse). */
export function checkWorkflowChunked(text: string): CheckResult {
  return checkText(text, false, true);
}
