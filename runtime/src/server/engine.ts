// The server's view of an engine (the embedded engine satisfies it structurally). The adapters from
// the engine's records and journal events to what the server stores are in store/from-engine.ts.
import type { JsonValue, WorkflowDefinition } from '../language/types.js';
import type { StoredRun } from '../store/run-store.js';

/** Streamed model text of a run: `(stepKey, text, model)`. */
export type EngineTextDeltaListener = (stepKey: string, text: string, model: string) => void;

export interface EngineStartOptions {
  runId?: string;
  workflowFile?: string;
  signal?: AbortSignal;
  /** The run's model text deltas (an engine without it streams none). */
  onTextDelta?: EngineTextDeltaListener;
}

export type EngineListener = (event: unknown) => void;

/** `events` is a listener registration or an async iterable, depending on the engine. */
export interface EngineRunHandle {
  runId: string;
  /** Settles once the run's start is durably recorded (rejects: the run was not started). */
  started?: Promise<unknown>;
  result: Promise<unknown>;
  events?: AsyncIterable<unknown> | { on?: unknown; subscribe?: unknown } | unknown;
  onEvent?: (listener: EngineListener) => unknown;
  subscribe?: (listener: EngineListener) => unknown;
}

export interface ServerEngine {
  start(
    definition: WorkflowDefinition,
    inputs: Record<string, JsonValue>,
    opts?: EngineStartOptions,
  ): EngineRunHandle;
  resume?(
    runId: string,
    opts?: { onTextDelta?: EngineTextDeltaListener },
  ): EngineRunHandle | Promise<EngineRunHandle | undefined> | undefined;
  cancel(runId: string, reason?: string): unknown;
  getRun?(runId: string): Promise<unknown>;
  listRuns?(filter?: unknown): Promise<unknown[]>;
  incompleteRuns?(): Promise<unknown[]>;
  /** Runs to resume, damaged runs (reported, never resumed) and runs that never started (removed). */
  recoveryScan?(): Promise<{
    resumable: string[];
    damaged: Array<{ runId: string; file: string; line: number; reason: string; hint: string }>;
    discarded: string[];
  }>;
  close?(): unknown;
}

/** Subscribe to a run handle's events, whatever form the engine offers them in. */
export function subscribeHandle(handle: EngineRunHandle, listener: EngineListener): void {
  if (typeof handle.onEvent === 'function') {
    handle.onEvent(listener);
    return;
  }
  if (typeof handle.events === 'function' && handle.events.length === 0) {
    const iterable = (handle.events as () => unknown).call(handle);
    if (iterable && typeof iterable === 'object' && Symbol.asyncIterator in iterable) {
      void (async () => {
        try {
          for await (const event of iterable as AsyncIterable<unknown>) listener(event);
        } catch {
          // the result promise reports failures
        }
      })();
      return;
    }
  }
  const events = handle.events as
    | (AsyncIterable<unknown> & Record<string, unknown>)
    | ((listener: EngineListener) => unknown)
    | Record<string, unknown>
    | undefined;
  if (typeof events === 'function') {
    events(listener);
    return;
  }
  if (events && typeof events === 'object') {
    if (typeof (events as { on?: unknown }).on === 'function') {
      (events as { on: (name: string, l: EngineListener) => unknown }).on('event', listener);
      return;
    }
    if (typeof (events as { subscribe?: unknown }).subscribe === 'function') {
      (events as { subscribe: (l: EngineListener) => unknown }).subscribe(listener);
      return;
    }
    if (Symbol.asyncIterator in events) {
      void (async () => {
        try {
          for await (const event of events as AsyncIterable<unknown>) listener(event);
        } catch {
          // the result promise reports failures
        }
      })();
      return;
    }
  }
  if (typeof handle.subscribe === 'function') handle.subscribe(listener);
}

/** Milliseconds between startedAt and endedAt (undefined while running). */
export function durationMs(run: Pick<StoredRun, 'startedAt' | 'endedAt'>): number | undefined {
  return run.endedAt ? Math.max(0, Date.parse(run.endedAt) - Date.parse(run.startedAt)) : undefined;
}
