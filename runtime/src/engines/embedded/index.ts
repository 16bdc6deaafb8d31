export type { RunEvent } from '../../engine/journal.js';
export { newRunId } from '../../engine/run-id.js';
export type { RunRecord, RunStatus, RunSummary, StepRecord } from '../../engine/run-record.js';
export type { Span } from '../../engine/trace.js';
export { defaultDataDir } from '../../store/data-dir.js';
export { JournalCorruptError } from '../../store/file-journal-store.js';
export {
  EmbeddedEngine,
  type EmbeddedEngineOptions,
  type ResumeOptions,
  type RunFilter,
  type RunHandle,
  type StartOptions,
} from './engine.js';
