// Where the server keeps run records and run events: the embedded store (default; backed by the
// embedded engine's journals on disk, store/embedded-run-store.ts) or Redis (store/redis/run-store.ts:
// many replicas share runs, events and cancellation).
import type { JsonValue } from '../language/types.js';

/** `damaged`: the run's journal is corrupt (see StoredRun.damage); it is neither running nor resumed. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'damaged';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled', 'damaged'];

/** Where a damaged run's journal stops being trustworthy, and how to repair it. */
export interface RunDamage {
  file: string;
  /** 1-based line of the first bad line. */
  line: number;
  /** What is wrong with that line. */
  reason: string;
  /** What to do. */
  hint: string;
}

export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

/** A span of a run's trace (run, step, model call, tool call), as the server stores and shows it. */
export interface TraceSpan {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  stepId?: string;
  startedAt: string;
  endedAt?: string;
  status?: string;
  statusMessage?: string;
  attributes: Record<string, JsonValue>;
}

export interface StoredRun {
  runId: string;
  workflow: string;
  status: RunStatus;
  inputs: Record<string, JsonValue>;
  outputs?: Record<string, JsonValue>;
  error?: { code: string; message: string; step?: string };
  usage: RunUsage;
  startedAt: string;
  endedAt?: string;
  trace: TraceSpan[];
  /** Which server instance executes the run. */
  instance?: string;
  /** Set with status `damaged`. */
  damage?: RunDamage;
}

/** A run event as it is stored and streamed: `type` is `run.started`, `step.started`, `step.finished`, `model.delta`, `run.finished`, ... */
export interface RunEvent {
  type: string;
  runId: string;
  at: string;
  step?: string;
  [key: string]: JsonValue | undefined;
}

export interface StoredEvent {
  /** Opaque, increasing within a stream; used as SSE `id:` and for Last-Event-ID resume. */
  id: string;
  event: RunEvent;
}

export interface RunFilter {
  workflow?: string;
  status?: RunStatus;
  limit: number;
  cursor?: string;
}

export interface RunPage {
  runs: StoredRun[];
  nextCursor?: string;
}

/** The global stream (all runs' lifecycle events) is named by this constant; per-run streams by the run id. */
export const GLOBAL_STREAM = '*';

export type Unsubscribe = () => void;

export interface RunStore {
  readonly kind: 'embedded' | 'redis';
  putRun(run: StoredRun): Promise<void>;
  getRun(runId: string): Promise<StoredRun | undefined>;
  listRuns(filter: RunFilter): Promise<RunPage>;
  /**
   * Appends to a stream (a run id or GLOBAL_STREAM); returns the event id. `meta.seq` is the engine's
   * journal sequence number of the event, when it is a journaled one (the embedded store keys on it).
   */
  appendEvent(stream: string, event: RunEvent, meta?: { seq?: number }): Promise<string>;
  /** Events after `afterId` (all when undefined), oldest first. */
  readEvents(stream: string, afterId?: string, limit?: number): Promise<StoredEvent[]>;
  /** Id of the newest event in a stream (undefined when empty). */
  latestEventId(stream: string): Promise<string | undefined>;
  /** Backlog after `afterId` then live events, in order, without gaps or duplicates. */
  subscribe(
    stream: string,
    afterId: string | undefined,
    onEvent: (e: StoredEvent) => void,
  ): Promise<Unsubscribe>;
  /** Ask whichever instance runs `runId` to cancel it. */
  requestCancel(runId: string): Promise<void>;
  onCancelRequest(handler: (runId: string) => void): Unsubscribe;
  /** Throws when the store is unreachable. */
  ping(): Promise<void>;
  /**
   * Offered by a store that writes in this process's memory and cannot fail (the embedded store):
   * putRun / appendEvent done at once, so the run manager skips its ordered, retrying write queue.
   * putRunNow keeps the object it is given: the caller must not change it afterwards.
   */
  readonly immediate?: {
    putRun(run: StoredRun): void;
    appendEvent(stream: string, event: RunEvent, meta?: { seq?: number }): string;
  };
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------- cursors (pure)

/** Runs are listed newest first; a cursor is the (startedAt ms, runId) of the last run returned. */
export function encodeCursor(run: Pick<StoredRun, 'startedAt' | 'runId'>): string {
  return Buffer.from(`${Date.parse(run.startedAt)}:${run.runId}`, 'utf8').toString('base64url');
}

/** undefined for anything encodeCursor did not make (base64url of `<ms>:<runId>`, canonical). */
export function decodeCursor(cursor: string): { ms: number; runId: string } | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.toString('base64url') !== cursor) return undefined;
  const text = bytes.toString('utf8');
  const match = /^(-?\d{1,16}):(.+)$/s.exec(text);
  if (!match) return undefined;
  return { ms: Number(match[1]), runId: match[2]! };
}

/** Newest first: by startedAt desc, then runId desc. */
export function compareRuns(a: { ms: number; runId: string }, b: { ms: number; runId: string }): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  return a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}

export function matchesFilter(run: StoredRun, filter: Pick<RunFilter, 'workflow' | 'status'>): boolean {
  return (
    (!filter.workflow || run.workflow === filter.workflow) && (!filter.status || run.status === filter.status)
  );
}
