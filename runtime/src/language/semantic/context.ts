// Shared state of one check: the parsed file, its value, the step index and the diagnostics found so far.
import type { ParsedWorkflow } from '../parse.js';
import type { StepIndex } from '../step-index.js';
import type { Diagnostic, Severity, SourceRange, StepSpec, WorkflowDefinition } from '../types.js';

export interface CheckContext {
  parsed: ParsedWorkflow;
  root: Record<string, unknown>;
  index: StepIndex;
  definition: WorkflowDefinition;
  /** Definition steps by id (first declaration). */
  specs: Map<string, StepSpec>;
  /** The mutable `needs` array of each step in the definition, by the step's `order` (undefined for the rest). */
  needs: (string[] | undefined)[];
  diagnostics: Diagnostic[];
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
