export type {
  ApprovalRecord,
  RunRecord,
  RunStatus,
  RunSummary,
  StepRecord,
} from '../../engine/run-record.js';
export type { Span } from '../../engine/trace.js';
export { JournalCorruptError } from '../../store/file-journal-store.js';
export type { ApprovalAnswer, ApprovalResult } from './approvals.js';
export {
  defaultDataDir,
  EmbeddedEngine,
  type EmbeddedEngineOptions,
  newRunId,
  type ResumeOptions,
  type RunEvent,
  type RunFilter,
  type RunHandle,
  type StartOptions,
} from './engine.js';
