// Folds journal events into the run state the interpreter decides from. Pure.
import type { JsonValue } from '../language/types.js';
import {
  addUsage,
  type ErrorInfo,
  type JournalEvent,
  type SkipReason,
  type Usage,
  ZERO_USAGE,
} from './journal.js';

export interface InstanceState {
  status: 'running' | 'completed' | 'skipped' | 'failed';
  attempt: number;
  /** Parallel and map steps, started and completed by the interpreter itself. */
  composite: boolean;
  /** Started before the last `run_resumed` and never finished: the process died mid-step. */
  interrupted: boolean;
  output: JsonValue;
  error?: ErrorInfo;
  branch?: string;
  items?: JsonValue[];
  skipReason?: SkipReason;
  /** An approval step waiting for (or given) a decision. */
  approval?: ApprovalState;
}

export interface ApprovalState {
  prompt: string;
  decisions: string[];
  timeoutMs?: number;
  onTimeout?: string;
}

export interface RunState {
  instances: Map<string, InstanceState>;
  usage: Usage;
  cancelRequested: boolean;
  cancelReason?: string;
  terminal?: JournalEvent;
  /** Set when a step failed because the run's budget breaker fired. */
  budgetBreakerFired: boolean;
}

export function emptyState(): RunState {
  return { instances: new Map(), usage: ZERO_USAGE, cancelRequested: false, budgetBreakerFired: false };
}

export function isSettled(instance: InstanceState | undefined): boolean {
  return instance !== undefined && (instance.status === 'completed' || instance.status === 'skipped');
}

export function applyEvent(state: RunState, event: JournalEvent): void {
  const { instances } = state;
  switch (event.type) {
    case 'step_started':
      instances.set(event.key, {
        status: 'running',
        attempt: event.attempt,
        composite: event.kind !== undefined,
        interrupted: false,
        output: null,
        ...(instances.get(event.key)?.items ? { items: instances.get(event.key)!.items! } : {}),
      });
      break;
    case 'items_expanded': {
      const instance = instances.get(event.key);
      if (instance) instance.items = event.items;
      break;
    }
    case 'step_completed': {
      const previous = instances.get(event.key);
      instances.set(event.key, {
        status: 'completed',
        attempt: previous?.attempt ?? 1,
        composite: previous?.composite ?? false,
        interrupted: false,
        output: event.output,
        ...(previous?.items ? { items: previous.items } : {}),
      });
      state.usage = addUsage(state.usage, event.usage);
      break;
    }
    case 'step_failed':
      instances.set(event.key, {
        status: 'failed',
        attempt: event.attempt,
        composite: false,
        interrupted: false,
        output: null,
        error: event.error,
      });
      if (event.usage) state.usage = addUsage(state.usage, event.usage);
      if (event.error.code === 'budget_exceeded') state.budgetBreakerFired = true;
      break;
    case 'step_skipped':
      instances.set(event.key, {
        status: 'skipped',
        attempt: 0,
        composite: false,
        interrupted: false,
        output: null,
        skipReason: event.reason,
      });
      break;
    case 'decision_made':
      instances.set(event.key, {
        status: 'completed',
        attempt: 1,
        composite: false,
        interrupted: false,
        output: { branch: event.branch },
        branch: event.branch,
      });
      break;
    case 'approval_requested':
      instances.set(event.key, {
        status: 'running',
        attempt: 1,
        composite: false,
        interrupted: false,
        output: null,
        approval: {
          prompt: event.prompt,
          decisions: event.decisions,
          ...(event.timeoutMs !== undefined ? { timeoutMs: event.timeoutMs } : {}),
          ...(event.onTimeout !== undefined ? { onTimeout: event.onTimeout } : {}),
        },
      });
      break;
    case 'approval_decided': {
      const previous = instances.get(event.key);
      instances.set(event.key, {
        status: 'completed',
        attempt: 1,
        composite: false,
        interrupted: false,
        output: approvalOutput(event),
        ...(previous?.approval ? { approval: previous.approval } : {}),
      });
      break;
    }
    case 'run_resumed':
      for (const instance of instances.values()) {
        if (instance.status === 'running' && !instance.composite && !instance.approval)
          instance.interrupted = true;
      }
      break;
    case 'cancel_requested':
      state.cancelRequested = true;
      if (event.reason !== undefined) state.cancelReason = event.reason;
      break;
    case 'run_completed':
    case 'run_failed':
    case 'run_cancelled':
      state.terminal = event;
      break;
    case 'run_started':
    case 'warning':
      break;
  }
}

/** An approval step's output: `{decision, by, at, comment?, timed_out}`. */
export function approvalOutput(event: Extract<JournalEvent, { type: 'approval_decided' }>): JsonValue {
  return {
    decision: event.decision,
    by: event.by,
    at: event.decidedAt,
    ...(event.comment !== undefined ? { comment: event.comment } : {}),
    timed_out: event.timedOut === true,
  };
}

export function foldJournal(journal: readonly JournalEvent[]): RunState {
  const state = emptyState();
  for (const event of journal) applyEvent(state, event);
  return state;
}
