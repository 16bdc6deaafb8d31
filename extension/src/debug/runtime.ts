// The one place the debugger reaches into the runtime (bundled by esbuild): the same interpreter, step
// executors, journal codec and store the embedded engine uses. The debugger drives them; it re-implements none.

export { isoNow } from '../../../runtime/src/engine/clock.js';
export type {
  ExecuteCommand,
  StepRequest,
  WaitApprovalCommand,
} from '../../../runtime/src/engine/commands.js';
export { DEFAULT_MAX_TOKENS, Decider, effectiveInputs } from '../../../runtime/src/engine/interpreter.js';
export type { JournalEvent, RunError, Usage } from '../../../runtime/src/engine/journal.js';
export { isTerminal } from '../../../runtime/src/engine/journal.js';
export { newRunId } from '../../../runtime/src/engine/run-id.js';
export { foldJournal, type InstanceState, type RunState } from '../../../runtime/src/engine/state.js';
export {
  modelClientsFor,
  type StepContext,
  type StepResult,
} from '../../../runtime/src/engine/steps/context.js';
export { toErrorInfo } from '../../../runtime/src/engine/steps/errors.js';
export { executeStep } from '../../../runtime/src/engine/steps/execute.js';
export { UsageMeter } from '../../../runtime/src/engine/steps/meter.js';
export { EmbeddedEngine } from '../../../runtime/src/engines/embedded/engine.js';
export {
  checkWorkflow,
  evaluateExpression,
  type JsonValue,
  parseWorkflowFast,
  parseWorkflowText,
  type StepSpec,
  type WorkflowDefinition,
} from '../../../runtime/src/language/index.js';
export { rangeOf } from '../../../runtime/src/language/positions.js';
export { indexSteps } from '../../../runtime/src/language/step-index.js';
export { createModelClient } from '../../../runtime/src/models/index.js';
export { FileJournalStore } from '../../../runtime/src/store/file-journal-store.js';
export { FileRatingsStore } from '../../../runtime/src/store/file-ratings.js';
export { decodeJournal } from '../../../runtime/src/store/journal-codec.js';
export type { JournalWriter } from '../../../runtime/src/store/journal-store.js';
export { fileCheckOptions } from '../../../runtime/src/workflow-files/resolver.js';
