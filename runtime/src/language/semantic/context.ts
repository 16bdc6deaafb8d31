// Shared state of one check: the parsed file, its value, the step index and the diagnostics found so far.
import type { ParsedWorkflow } from '../parse.js';
import type { StepEntry, StepIndex } from '../step-index.js';
import type { Diagnostic, Severity, SourceRange, StepSpec, WorkflowDefinition } from '../types.js';

export interface CheckContext {
  parsed: ParsedWorkflow;
  root: Record<string, unknown>;
  index: StepIndex;
  definition: WorkflowDefinition;
  /** The spec of each step in the definition, by the step's `order` (undefined for the rest); checkGraph sets their `needs`. */
  specs: (StepSpec | undefined)[];
  diagnostics: Diagnostic[];
}

/**
 * The first spec in the definition (depth first, in file order) of step id `id`, whose first declaration is
 * `target`: usually target's own; when target has none (an unknown kind, say), that of a later step of the same
 * id. (The definition's steps are the entries' specs, in the order of `index.all`.)
 */
export function specOf(context: CheckContext, id: string, target: StepEntry): StepSpec | undefined {
  const own = context.specs[target.order];
  if (own) return own;
  const all = context.index.all;
  for (let n = target.order + 1; n < all.length; n++) {
    if (all[n]!.id === id && context.specs[n]) return context.specs[n];
  }
  return undefined;
}

export function report(
  context: CheckContext,
  code: string,
  message: string,
  range: SourceRange,
  severity: Severity = 'error',
): void {
  context.diagnostics.push({ severity, code, message, range });
}
