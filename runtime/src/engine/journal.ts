// The journal: every fact the interpreter needs, as JSON-serializable events.
// Drivers add `seq` and `at` (ISO time); the interpreter ignores both.
import type { JsonValue, WorkflowDefinition } from '../language/types.js';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface ModelCallRecord {
  /** The model's name in the workflow's `models` map. */
  modelName: string;
  provider: string;
  model: string;
  startedAt: string;
  endedAt: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  status: 'ok' | 'error';
  error?: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
  /** False when retrying cannot help (budget exceeded, cancelled, invalid output after re-asks). */
  retryable?: boolean;
  /** HTTP status of a failed tool call. */
  status?: number;
}

export interface RunError {
  code: string;
  message: string;
  /** The step instance key the error is about. */
  step?: string;
}

export type SkipReason = 'if_false' | 'branch_not_taken' | 'dependencies_skipped';

interface Stamp {
  seq?: number;
  at?: string;
}

export type JournalEvent = Stamp &
  (
    | {
        type: 'run_started';
        runId: string;
        workflow: string;
        inputs: Record<string, JsonValue>;
        /** The definition the run executes, so a resume needs nothing else. */
        definition?: WorkflowDefinition;
        workflowFile?: string;
        /** Set on the run of a sub-workflow step: the run and step instance that started it. */
        parent?: { runId: string; stepKey: string };
      }
    | { type: 'run_resumed' }
    /** `kind` is set for composite steps (parallel, map), which the interpreter itself starts. */
    | { type: 'step_started'; key: string; attempt: number; kind?: 'parallel' | 'map' }
    | { type: 'items_expanded'; key: string; items: JsonValue[] }
    | {
        type: 'step_completed';
        key: string;
        output: JsonValue;
        usage: Usage;
        calls: ModelCallRecord[];
        /** A sub-workflow step: the child's run id. */
        childRunId?: string;
      }
    | {
        type: 'step_failed';
        key: string;
        attempt: number;
        error: ErrorInfo;
        usage?: Usage;
        calls?: ModelCallRecord[];
        childRunId?: string;
      }
    | { type: 'step_skipped'; key: string; reason: SkipReason }
    /** `branch` is the index of the chosen branch as a string, or `otherwise`. */
    | { type: 'decision_made'; key: string; branch: string }
    /** An approval step starts waiting for a person (`prompt` rendered). */
    | {
        type: 'approval_requested';
        key: string;
        prompt: string;
        decisions: string[];
        timeoutMs?: number;
        onTimeout?: string;
      }
    /** A person (or the timeout, with `timedOut`) decided; `decidedAt` is the driver's clock. */
    | {
        type: 'approval_decided';
        key: string;
        decision: string;
        by: string;
        decidedAt: string;
        comment?: string;
        timedOut?: boolean;
      }
    | { type: 'cancel_requested'; reason?: string }
    | { type: 'run_completed'; outputs: Record<string, JsonValue> }
    | { type: 'run_failed'; error: RunError }
    | { type: 'run_cancelled'; reason?: string }
    /** Something a person should know about the run (a repaired journal tail, for example). */
    | { type: 'warning'; message: string }
  );

export type JournalEventType = JournalEvent['type'];

/** A journal event as listeners see it: numbered and timestamped. */
export type RunEvent = JournalEvent & { runId: string; seq: number; at: string };

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}

export function isTerminal(event: JournalEvent): boolean {
  return event.type === 'run_completed' || event.type === 'run_failed' || event.type === 'run_cancelled';
}

/** Every model call of a run, its own sub-workflows' included (they are in their steps' events). */
export function callsOf(journal: readonly JournalEvent[]): ModelCallRecord[] {
  const calls: ModelCallRecord[] = [];
  for (const event of journal) {
    if ((event.type === 'step_completed' || event.type === 'step_failed') && event.calls)
      calls.push(...event.calls);
  }
  return calls;
}
