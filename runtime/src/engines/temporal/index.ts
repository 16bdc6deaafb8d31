export { type ActivityOptions, createActivities } from './activities.js';
export type { ApprovalUpdateInput, DecidedApproval } from './approval-update.js';
export {
  type FollowOptions,
  followWorkflow,
  type InProcessWorker,
  type StartRunOptions,
  startInProcessWorker,
  type TemporalRunHandle,
  TemporalRuns,
} from './client.js';
export {
  connectClient,
  connectWorker,
  createWeftWorker,
  installCliRuntime,
  type TemporalConfig,
  TemporalUnreachableError,
  temporalConfig,
  type WeftWorkerOptions,
  workflowBundle,
  workflowsPath,
} from './worker.js';
export {
  approvalUpdate,
  cancelSignal,
  type ExecuteStepInput,
  type ExecuteStepOutcome,
  journalQuery,
  type WeftActivities,
  type WeftWorkflowInput,
  WORKFLOW_TYPE,
} from './workflows.js';
