// The server's default run store: durable and bounded. The embedded engine's journals on disk are the
// one source of truth for runs (records, lists, and the replay of a run's events), so nothing is lost
// across a restart. Memory holds only what live SSE streams need: the events of runs in flight here
// (capped per run), kept for a short while after a run finishes (and at most a few finished runs),
// a bounded ring of lifecycle events for GET /events, and an LRU of finished runs' list summaries
// (a finished journal never changes).
//
// Event ids are derived from the journal so they mean the same before and after a restart: a journal
// event's id is its sequence number (`7`); an event that is not journaled (model text deltas, the
// server's own run.started/run.finished) is `<last journal seq>.<n>` (`7.3`). Ids compare as numbers
// pair-wise, so Last-Event-ID resumes from the journal when the in-memory buffer is gone.
import { access, constants } from 'node:fs/promises';
import { isTerminal, type JournalEvent } from '../engine/journal.js';
import { type RunRecord, summarize } from '../engine/run-record.js';
import type { JsonValue } from '../language/types.js';
import { toRunEvent, toStoredRun } from './from-engine.js';
import type { JournalStore } from './journal-store.js';
import {
  compareRuns,
  decodeCursor,
  encodeCursor,
  GLOBAL_STREAM,
  matchesFilter,
  type RunEvent,
  type RunFilter,
  type RunPage,
  type RunStore,
  type StoredEvent,
  type StoredRun,
  type Unsubscribe,
} from './run-store.js';

/** What the store reads runs from: the embedded engine satisfies it. */
export interface EmbeddedRunSource {
  readonly store: JournalStore;
  readonly dataDir?: string;
  getRun(runId: string): Promise<RunRecord | undefined>;
}

export interface EmbeddedRunStoreOptions {
  /** Events kept in memory per run in flight (older ones are replayed from the journal). Default 5000. */
  maxEventsPerRun?: number;
  /** How long a finished run's event buffer stays for late SSE clients. Default 60 s. */
  finishedRetentionMs?: number;
  /** Finished runs whose event buffer is kept (least recently finished go first). Default 100. */
  maxFinishedBuffers?: number;
  /** Lifecycle events (GET /events) kept in memory. Default 10000. */
  maxGlobalEvents?: number;
  /** Finished runs' summaries cached for GET /runs. Default 20000. */
  maxSummaries?: number;
}

type EventId = readonly [number, number];

/** How long a successful ping() is trusted. */
const PING_TTL_MS = 1000;

/** `7` -> [7, 0]; `7.3` -> [7, 3]; anything else -> undefined. */
export function parseEventId(id: string | undefined): EventId | undefined {
  if (id === undefined) return undefined;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(id.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0)];
}

/** a > b (undefined b = before everything). */
function after(a: EventId, b: EventId | undefined): boolean {
  if (!b) return true;
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}

interface LiveRun {
  /** The newest record the server wrote (shown until the journal has the run, and for engine errors). */
  record?: StoredRun;
  events: Array<StoredEvent & { key: EventId }>;
  /** Events up to this id were dropped from memory (the journal still has the journaled ones). */
  trimmedThrough?: EventId;
  lastSeq: number;
  sub: number;
  listeners: Set<(e: StoredEvent) => void>;
  finished: boolean;
  /** When the run finished (Date.now()): its buffer goes retentionMs later. */
  finishedAt?: number;
}

export class EmbeddedRunStore implements RunStore {
  readonly kind = 'embedded' as const;
  private readonly live = new Map<string, LiveRun>();
  /** Finished runs with a buffer, in the order they finished (Map keeps insertion order). */
  private readonly finished = new Map<string, true>();
  private readonly summaries = new Map<string, StoredRun>();
  private readonly global: {
    seq: number;
    events: StoredEvent[];
    listeners: Set<(e: StoredEvent) => void>;
  };
  private readonly cancelHandlers = new Set<(runId: string) => void>();
  private readonly maxEvents: number;
  private readonly retentionMs: number;
  private readonly maxFinished: number;
  private readonly maxGlobal: number;
  private readonly maxSummaries: number;
  private pingedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: EmbeddedRunSource,
    options: EmbeddedRunStoreOptions = {},
  ) {
    this.maxEvents = Math.max(10, options.maxEventsPerRun ?? 5000);
    this.retentionMs = options.finishedRetentionMs ?? 60_000;
    this.maxFinished = Math.max(0, options.maxFinishedBuffers ?? 100);
    this.maxGlobal = Math.max(1, options.maxGlobalEvents ?? 10_000);
    this.maxSummaries = Math.max(0, options.maxSummaries ?? 20_000);
    // Lifecycle ids start at the clock (x1000) so they keep increasing across restarts.
    this.global = { seq: Date.now() * 1000, events: [], listeners: new Set() };
  }

  /** For tests and /metrics-style introspection: runs with an event buffer in memory. */
  get bufferedRuns(): number {
    return this.live.size;
  }

  // ------------------------------------------------------------------ records

  /** Synchronous writes for the run manager (see RunStore.immediate). */
  readonly immediate = {
    putRun: (run: StoredRun): void => this.putRunNow(run),
    appendEvent: (stream: string, event: RunEvent, meta?: { seq?: number }): string =>
      this.appendNow(stream, event, meta),
  };

  async putRun(run: StoredRun): Promise<void> {
    this.putRunNow(structuredClone(run));
  }

  /** Keeps `run` itself (no copy): the caller hands it over. getRun answers copies. */
  private putRunNow(run: StoredRun): void {
    this.liveRun(run.runId).record = run;
  }

  async getRun(runId: string): Promise<StoredRun | undefined> {
    const live = this.live.get(runId);
    let record: RunRecord | undefined;
    try {
      record = await this.source.getRun(runId);
    } catch (error) {
      if (!live?.record) throw error;
    }
    if (!record) return live?.record ? structuredClone(live.record) : undefined;
    const stored = toStoredRun(record, {
      runId,
      ...(live?.record?.instance ? { instance: live.record.instance } : {}),
    });
    // The server's own final record wins when the engine failed before journaling the end.
    if (stored.status === 'running' && live?.record && live.record.status !== 'running') {
      return structuredClone(live.record);
    }
    return stored;
  }

  private async summary(runId: string): Promise<StoredRun | undefined> {
    const cached = this.summaries.get(runId);
    if (cached) {
      this.summaries.delete(runId);
      this.summaries.set(runId, cached);
      return cached;
    }
    const record = await this.source.getRun(runId).catch(() => undefined);
    const live = this.live.get(runId)?.record;
    if (!record) return live;
    const summary = record.needsAttention
      ? { ...summarize(record), needsAttention: record.needsAttention }
      : summarize(record);
    const row = toStoredRun(summary, { runId, inputs: {}, trace: [] });
    if (row.status === 'running' && live && live.status !== 'running') return live;
    // a damaged journal may be repaired and the run resumed: not cached
    if (row.status !== 'running' && row.status !== 'damaged' && this.maxSummaries > 0) {
      this.summaries.set(runId, row);
      if (this.summaries.size > this.maxSummaries) {
        const oldest = this.summaries.keys().next().value;
        if (oldest !== undefined) this.summaries.delete(oldest);
      }
    }
    return row;
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    const ids = new Set(await this.source.store.list());
    for (const [runId, live] of this.live) if (live.record) ids.add(runId);
    const rows: StoredRun[] = [];
    const all = [...ids];
    for (let i = 0; i < all.length; i += 32) {
      const batch = await Promise.all(all.slice(i, i + 32).map((id) => this.summary(id)));
      for (const row of batch) if (row) rows.push(row);
    }
    const key = (run: StoredRun) => ({ ms: Date.parse(run.startedAt) || 0, runId: run.runId });
    const from = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    const sorted = rows.map((run) => ({ run, key: key(run) })).sort((a, b) => compareRuns(a.key, b.key));
    const out: StoredRun[] = [];
    let more = false;
    for (const { run, key: k } of sorted) {
      if (from && compareRuns(from, k) >= 0) continue;
      if (!matchesFilter(run, filter)) continue;
      if (out.length === filter.limit) {
        more = true;
        break;
      }
      out.push(structuredClone(run));
    }
    const last = out[out.length - 1];
    return more && last ? { runs: out, nextCursor: encodeCursor(last) } : { runs: out };
  }

  // ------------------------------------------------------------------ events

  private liveRun(runId: string): LiveRun {
    let live = this.live.get(runId);
    if (!live) {
      live = { events: [], lastSeq: 0, sub: 0, listeners: new Set(), finished: false };
      this.live.set(runId, live);
    }
    return live;
  }

  async appendEvent(stream: string, event: RunEvent, meta?: { seq?: number }): Promise<string> {
    return this.appendNow(stream, event, meta);
  }

  private appendNow(stream: string, event: RunEvent, meta?: { seq?: number }): string {
    if (stream === GLOBAL_STREAM) {
      const g = this.global;
      g.seq += 1;
      const stored = { id: String(g.seq), event };
      g.events.push(stored);
      // trimmed in chunks (a splice per event would move the whole array each time); readers only
      // ever see the newest maxGlobal
      if (g.events.length > this.maxGlobal + Math.ceil(this.maxGlobal / 4)) {
        g.events.splice(0, g.events.length - this.maxGlobal);
      }
      for (const listener of g.listeners) listener(stored);
      return stored.id;
    }
    const live = this.liveRun(stream);
    let key: EventId;
    const seq = meta?.seq;
    if (seq !== undefined && seq > live.lastSeq) {
      live.lastSeq = seq;
      live.sub = 0;
      key = [seq, 0];
    } else {
      live.sub += 1;
      key = [live.lastSeq, live.sub];
    }
    const stored = { id: key[1] === 0 ? String(key[0]) : `${key[0]}.${key[1]}`, event, key };
    live.events.push(stored);
    if (live.events.length > this.maxEvents) {
      const dropped = live.events.splice(0, Math.ceil(this.maxEvents / 4));
      live.trimmedThrough = dropped[dropped.length - 1]?.key;
    }
    for (const listener of live.listeners) listener({ id: stored.id, event });
    if (event.type === 'run.finished') this.markFinished(stream, live);
    return stored.id;
  }

  private markFinished(runId: string, live: LiveRun): void {
    live.finished = true;
    live.finishedAt = Date.now();
    this.finished.delete(runId);
    this.finished.set(runId, true);
    while (this.finished.size > this.maxFinished) {
      const oldest = this.finished.keys().next().value;
      if (oldest === undefined) break;
      this.evict(oldest);
    }
    this.scheduleSweep();
  }

  /** One timer for all finished runs (not one per run): evicts those finished retentionMs ago. */
  private sweepTimer: NodeJS.Timeout | undefined;

  private scheduleSweep(): void {
    if (this.sweepTimer || this.finished.size === 0) return;
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined;
        const cutoff = Date.now() - this.retentionMs;
        // oldest first (the order they finished in)
        for (const runId of this.finished.keys()) {
          if ((this.live.get(runId)?.finishedAt ?? 0) > cutoff) break;
          this.evict(runId);
        }
        this.scheduleSweep();
      },
      Math.max(10, Math.ceil(this.retentionMs / 4)),
    );
    this.sweepTimer.unref();
  }

  private evict(runId: string): void {
    this.live.delete(runId);
    this.finished.delete(runId);
  }

  /** A run's events rebuilt from its journal, with the ids the live stream gave them. */
  private async replay(runId: string): Promise<{ events: StoredEvent[]; terminal: boolean }> {
    const decoded = await this.source.store.read(runId).catch(() => undefined);
    const journal = decoded?.events ?? [];
    const started = journal[0];
    if (started?.type !== 'run_started') return { events: [], terminal: false };
    const out: StoredEvent[] = [
      {
        id: '0.1',
        event: { type: 'run.started', runId, at: started.at ?? '', workflow: started.workflow },
      },
    ];
    let terminal: JournalEvent | undefined;
    for (const e of journal.slice(1)) {
      const seq = e.seq ?? 0;
      if (isTerminal(e)) {
        terminal = e;
        continue;
      }
      const event = toRunEvent(runId, e);
      if (event) out.push({ id: String(seq), event });
    }
    // a damaged journal ends here too: nothing will be added to it until a person repairs it
    const damaged = !terminal && decoded?.problem?.kind === 'corrupt';
    if (terminal || damaged) {
      const record = await this.source.getRun(runId).catch(() => undefined);
      const final = toStoredRun(record ?? {}, { runId, workflow: started.workflow });
      const finished: RunEvent = {
        type: 'run.finished',
        runId,
        at: final.endedAt ?? terminal?.at ?? '',
        workflow: final.workflow,
        status: final.status,
        usage: final.usage as unknown as JsonValue,
      };
      if (final.error) finished.error = final.error as unknown as JsonValue;
      if (final.damage) finished.damage = final.damage as unknown as JsonValue;
      out.push({
        id: terminal ? String(terminal.seq ?? journal.length) : `${journal.length}.1`,
        event: finished,
      });
    }
    return { events: out, terminal: terminal !== undefined || damaged };
  }

  async readEvents(
    stream: string,
    afterId?: string,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    await (await this.subscribe(stream, afterId, (e) => out.push(e)))();
    return out.slice(0, limit);
  }

  async latestEventId(stream: string): Promise<string | undefined> {
    if (stream === GLOBAL_STREAM) return this.global.events.at(-1)?.id;
    const live = this.live.get(stream);
    if (live?.events.length) return live.events.at(-1)?.id;
    return (await this.replay(stream)).events.at(-1)?.id;
  }

  async subscribe(
    stream: string,
    afterId: string | undefined,
    onEvent: (e: StoredEvent) => void,
  ): Promise<Unsubscribe> {
    if (stream === GLOBAL_STREAM) {
      const g = this.global;
      const from = Number(afterId);
      for (let i = Math.max(0, g.events.length - this.maxGlobal); i < g.events.length; i++) {
        const e = g.events[i]!;
        if (!Number.isFinite(from) || Number(e.id) > from) onEvent(e);
      }
      g.listeners.add(onEvent);
      return () => g.listeners.delete(onEvent);
    }
    const from = parseEventId(afterId);
    const buffered = this.live.get(stream);
    const first = buffered?.events[0]?.key;
    // The buffer holds the whole stream when it starts with the server's own start event (a run
    // started or resumed here replays its history into it) and nothing was trimmed, or when the
    // client resumes after what was trimmed.
    const inMemory =
      buffered !== undefined &&
      first !== undefined &&
      (buffered.trimmedThrough
        ? from !== undefined && !after(buffered.trimmedThrough, from)
        : first[0] === 0 && first[1] === 1);
    let last = from;
    if (!inMemory) {
      // Not (all) in memory: replay from the journal, then continue with whatever is live.
      const { events, terminal } = await this.replay(stream);
      for (const e of events) {
        const key = parseEventId(e.id);
        if (key && after(key, last)) {
          onEvent(e);
          last = key;
        }
      }
      if (terminal) return () => {};
    }
    // Synchronous from here: backlog, then the listener, with nothing appended in between.
    const live = this.liveRun(stream);
    for (const e of live.events) if (after(e.key, last)) onEvent({ id: e.id, event: e.event });
    live.listeners.add(onEvent);
    return () => {
      live.listeners.delete(onEvent);
      // a placeholder made for a watcher of a run not driven here goes with its last watcher
      if (live.listeners.size === 0 && live.events.length === 0 && !live.record) {
        if (this.live.get(stream) === live) this.live.delete(stream);
      }
    };
  }

  // ------------------------------------------------------------------ cancellation, health

  async requestCancel(runId: string): Promise<void> {
    for (const handler of this.cancelHandlers) handler(runId);
  }

  onCancelRequest(handler: (runId: string) => void): Unsubscribe {
    this.cancelHandlers.add(handler);
    return () => this.cancelHandlers.delete(handler);
  }

  /**
   * Checks the data directory is usable. POST /run pings before every run, so a success is trusted for
   * PING_TTL_MS (one access() a second under load, not one per request); a failure is never cached.
   */
  async ping(): Promise<void> {
    if (!this.source.dataDir || !this.source.store.durable) return;
    const now = Date.now();
    if (now - this.pingedAt < PING_TTL_MS) return;
    try {
      await access(this.source.dataDir, constants.R_OK | constants.W_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.pingedAt = now;
  }

  async close(): Promise<void> {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const live of this.live.values()) live.listeners.clear();
    this.global.listeners.clear();
  }
}
