// A run as people and APIs see it, derived from its journal. Pure.
import type { JsonValue } from '../language/types.js';
import { isoPlus } from './clock.js';
import type { ErrorInfo, JournalEvent, RunError, SkipReason, Usage } from './journal.js';
import { approvalOutput, foldJournal } from './state.js';
import { buildTrace, type Span } from './trace.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface StepRecord {
  key: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  output?: JsonValue;
  error?: ErrorInfo;
  skipReason?: SkipReason;
  branch?: string;
  /** A sub-workflow step: the run id of its child run (of the last attempt). */
  childRunId?: string;
}

/** An approval step of the run: waiting (no decision yet) or decided. */
export interface ApprovalRecord {
  /** The step instance key (`review`, `each[2]`): what `POST /runs/{id}/approvals/{step}` names. */
  step: string;
  prompt: string;
  decisions: string[];
  requestedAt: string;
  /** When the timeout decides, if the step has one. */
  timeoutAt?: string;
  onTimeout?: string;
  decision?: string;
  by?: string;
  at?: string;
  comment?: string;
  timedOut?: boolean;
}

export interface RunRecord {
  runId: string;
  workflow: string;
  workflowFile?: string;
  /** The run of a sub-workflow step: the parent run and its step instance. */
  parent?: { runId: string; stepKey: string };
  status: RunStatus;
  inputs: Record<string, JsonValue>;
  outputs?: Record<string, JsonValue>;
  error?: RunError;
  usage: Usage;
  startedAt: string;
  endedAt?: string;
  steps: StepRecord[];
  /** The run's approval steps reached so far (absent when it has none). */
  approvals?: ApprovalRecord[];
  trace: Span[];
  /** Things a person should know (for example a torn journal line that was set aside). */
  warnings: string[];
  /** Set when the journal is damaged and the run cannot continue without a person. */
  needsAttention?: { file: string; line: number; message: string; reason?: string; hint?: string };
}

export interface RunSummary {
  runId: string;
  workflow: string;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  usage: Usage;
  error?: RunError;
  needsAttention: boolean;
}

export function runRecord(journal: readonly JournalEvent[], warnings: string[] = []): RunRecord | undefined {
  const started = journal[0];
  if (started?.type !== 'run_started') return undefined;
  const state = foldJournal(journal);
  const record: RunRecord = {
    runId: started.runId,
    workflow: started.workflow,
    ...(started.workflowFile !== undefined ? { workflowFile: started.workflowFile } : {}),
    ...(started.parent ? { parent: started.parent } : {}),
    status: 'running',
    inputs: started.inputs,
    usage: state.usage,
    startedAt: started.at ?? '',
    steps: [],
    trace: [],
    warnings: [...warnings],
  };
  // built from the journal as it is now (an active run's journal keeps growing)
  const length = journal.length;
  const events = () => (length === journal.length ? journal : journal.slice(0, length));
  onFirstRead(record, 'steps', () => stepRecords(events()));
  onFirstRead(record, 'trace', () => buildTrace(events()));
  for (const event of journal) {
    if (event.type === 'warning') record.warnings.push(event.message);
  }
  const approvals = approvalRecords(journal);
  if (approvals.length > 0) record.approvals = approvals;
  const end = state.terminal;
  if (end) {
    if (end.at !== undefined) record.endedAt = end.at;
    if (end.type === 'run_completed') {
      record.status = 'succeeded';
      record.outputs = end.outputs;
    } else if (end.type === 'run_failed') {
      record.status = 'failed';
      record.error = end.error;
    } else if (end.type === 'run_cancelled') {
      record.status = 'cancelled';
      record.error = { code: 'cancelled', message: end.reason ? `cancelled: ${end.reason}` : 'cancelled' };
    }
  }
  return record;
}

/**
 * Sets `record[key]` to `build()` when it is first read, then keeps it: most records (the answer to
 * a run, a status) are never asked for their steps or trace. Serialising or copying the record
 * (JSON.stringify, structuredClone, a spread) reads it as usual.
 */
function onFirstRead<K extends keyof RunRecord>(record: RunRecord, key: K, build: () => RunRecord[K]): void {
  const keep = (value: RunRecord[K]) =>
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(record, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = build();
      keep(value);
      return value;
    },
    set: keep,
  });
}

export function approvalRecords(journal: readonly JournalEvent[]): ApprovalRecord[] {
  const approvals = new Map<string, ApprovalRecord>();
  for (const event of journal) {
    if (event.type === 'approval_requested') {
      const requestedAt = event.at ?? '';
      const approval: ApprovalRecord = {
        step: event.key,
        prompt: event.prompt,
        decisions: event.decisions,
        requestedAt,
      };
      if (event.timeoutMs !== undefined && requestedAt !== '')
        approval.timeoutAt = isoPlus(requestedAt, event.timeoutMs);
      if (event.onTimeout !== undefined) approval.onTimeout = event.onTimeout;
      approvals.set(event.key, approval);
    } else if (event.type === 'approval_decided') {
      const approval = approvals.get(event.key);
      if (!approval) continue;
      approval.decision = event.decision;
      approval.by = event.by;
      approval.at = event.decidedAt;
      if (event.comment !== undefined) approval.comment = event.comment;
      approval.timedOut = event.timedOut === true;
    }
  }
  return [...approvals.values()];
}

/** The approvals waiting for a decision. */
export function pendingApprovals(journal: readonly JournalEvent[]): ApprovalRecord[] {
  return approvalRecords(journal).filter((a) => a.decision === undefined);
}

function stepRecords(journal: readonly JournalEvent[]): StepRecord[] {
  const steps = new Map<string, StepRecord>();
  const get = (key: string) => {
    let step = steps.get(key);
    if (!step) {
      step = { key, status: 'running', attempts: 0 };
      steps.set(key, step);
    }
    return step;
  };
  for (const event of journal) {
    switch (event.type) {
      case 'step_started': {
        const step = get(event.key);
        step.status = 'running';
        step.attempts = Math.max(step.attempts, event.attempt);
        if (step.startedAt === undefined && event.at !== undefined) step.startedAt = event.at;
        break;
      }
      case 'step_completed': {
        const step = get(event.key);
        step.status = 'succeeded';
        step.output = event.output;
        delete step.error;
        if (event.childRunId !== undefined) step.childRunId = event.childRunId;
        if (event.at !== undefined) step.endedAt = event.at;
        break;
      }
      case 'step_failed': {
        const step = get(event.key);
        step.status = 'failed';
        step.error = event.error;
        if (event.childRunId !== undefined) step.childRunId = event.childRunId;
        if (event.at !== undefined) step.endedAt = event.at;
        break;
      }
      case 'step_skipped': {
        const step = get(event.key);
        step.status = 'skipped';
        step.skipReason = event.reason;
        step.output = null;
        break;
      }
      case 'approval_requested': {
        const step = get(event.key);
        step.status = 'running';
        step.attempts = 1;
        if (event.at !== undefined) step.startedAt = event.at;
        break;
      }
      case 'approval_decided': {
        const step = get(event.key);
        step.status = 'succeeded';
        step.output = approvalOutput(event);
        if (event.at !== undefined) step.endedAt = event.at;
        break;
      }
      case 'decision_made': {
        const step = get(event.key);
        step.status = 'succeeded';
        step.attempts = 1;
        step.branch = event.branch;
        step.output = { branch: event.branch };
        if (event.at !== undefined) step.endedAt = step.startedAt = event.at;
        break;
      }
      default:
        break;
    }
  }
  return [...steps.values()];
}

export function summarize(record: RunRecord): RunSummary {
  return {
    runId: record.runId,
    workflow: record.workflow,
    status: record.status,
    startedAt: record.startedAt,
    ...(record.endedAt !== undefined ? { endedAt: record.endedAt } : {}),
    usage: record.usage,
    ...(record.error ? { error: record.error } : {}),
    needsAttention: record.needsAttention !== undefined,
  };
}
