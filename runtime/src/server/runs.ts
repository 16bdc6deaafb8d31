// Starts runs on the engine, mirrors their events and records into the RunStore (in order, retrying
// while the store is unreachable), and cancels runs here or on whichever replica executes them.
import { randomUUID } from 'node:crypto';
import type { JournalEvent } from '../engine/journal.js';
import { approvalRecords } from '../engine/run-record.js';
import type { JsonValue, WorkflowDefinition } from '../language/types.js';
import { toRunEvent, toStoredRun } from '../store/from-engine.js';
import { GLOBAL_STREAM, type RunEvent, type RunStore, type StoredRun } from '../store/run-store.js';
import { coalescingSink, type DeltaSink } from './deltas.js';
import {
  type EngineApprovalAnswer,
  type EngineApprovalResult,
  type EngineRunHandle,
  type ServerEngine,
  subscribeHandle,
} from './engine.js';

export interface RunObserver {
  runStarted?(run: StoredRun): void;
  event?(event: RunEvent): void;
  runFinished?(run: StoredRun): void;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RunManagerOptions {
  engine: ServerEngine;
  store: RunStore;
  /** Names this process in run records (`instance`). */
  instanceId: string;
  log: Logger;
  observers?: RunObserver[];
  /** Applied to every event and record before it is stored (removes secret values). */
  scrub?: <T>(value: T) => T;
  /** How long a store write is retried before it is reported lost (default 10 minutes). */
  writeRetryMs?: number;
}

export interface ActiveRun {
  runId: string;
  /**
   * Resolves once the run's start is recorded as durably as the engine records anything (answer
   * 202/200 only after it); rejects when the run could not be recorded (it was not started).
   */
  started: Promise<void>;
  /** Resolves with the final record once it is stored (or could not be, after retries). */
  done: Promise<StoredRun>;
}

/** Runs store writes one at a time, in order, retrying each with backoff until `deadlineMs`. */
export class OrderedWriter {
  private tail: Promise<void> = Promise.resolve();
  private failing = false;
  constructor(
    private readonly what: string,
    private readonly log: Logger,
    private readonly retryMs: number,
  ) {}

  push(task: () => Promise<unknown>): Promise<void> {
    const run = async () => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          await task();
          if (this.failing) {
            this.failing = false;
            this.log.info({ what: this.what }, 'store writes recovered');
          }
          return;
        } catch (error) {
          if (!this.failing) {
            this.failing = true;
            this.log.warn({ what: this.what, err: (error as Error).message }, 'store write failed; retrying');
          }
          if (Date.now() - started > this.retryMs) {
            this.log.error(
              { what: this.what, err: (error as Error).message },
              'store write lost after retries',
            );
            return;
          }
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(100 * 2 ** Math.min(attempt, 5), 2000)),
          );
        }
      }
    };
    this.tail = this.tail.then(run);
    return this.tail;
  }

  get idle(): Promise<void> {
    return this.tail;
  }
}

/** Where a run's coalesced deltas go, set once the run is attached. */
interface Deltas {
  emit?: (step: string, model: string, text: string) => void;
}

export type CancelOutcome = 'cancelling' | 'requested' | 'finished' | 'not_found';

export class RunManager {
  private readonly active = new Map<string, { handle: EngineRunHandle; done: Promise<StoredRun> }>();
  private readonly unsubscribe: () => void;
  private readonly writeRetryMs: number;

  constructor(private readonly options: RunManagerOptions) {
    this.writeRetryMs = options.writeRetryMs ?? 600_000;
    this.unsubscribe = options.store.onCancelRequest((runId) => {
      if (this.active.has(runId)) void this.cancelLocal(runId);
    });
  }

  get activeCount(): number {
    return this.active.size;
  }

  start(
    definition: WorkflowDefinition,
    inputs: Record<string, JsonValue>,
    opts: { workflowFile?: string; runId?: string } = {},
  ): ActiveRun {
    const runId = opts.runId ?? randomUUID();
    const deltas: Deltas = {};
    const sink = coalescingSink((step, model, text) => deltas.emit?.(step, model, text));
    const handle = this.options.engine.start(definition, inputs, {
      runId,
      ...(opts.workflowFile !== undefined ? { workflowFile: opts.workflowFile } : {}),
      onTextDelta: sink.delta,
    });
    const active = this.attach(handle, {
      runId,
      workflow: definition.name,
      inputs,
      resumed: false,
      deltas,
      sink,
    });
    const started = handle.started ? handle.started.then(() => {}) : Promise.resolve();
    return { ...active, started };
  }

  /** Resume every run the engine left incomplete (after a crash or restart). Returns their ids. */
  async resumeIncomplete(): Promise<string[]> {
    const engine = this.options.engine;
    if (!engine.incompleteRuns || !engine.resume) return [];
    const resumed: string[] = [];
    const { log } = this.options;
    let candidates: unknown[];
    if (engine.recoveryScan) {
      const scan = await engine.recoveryScan();
      for (const d of scan.damaged) {
        log.warn(
          { runId: d.runId, file: d.file, line: d.line, reason: d.reason, hint: d.hint },
          `run ${d.runId} is damaged and was not resumed: ${d.file}:${d.line}: ${d.reason}. To repair: ${d.hint}`,
        );
      }
      for (const runId of scan.discarded) {
        log.warn(
          { runId },
          `run ${runId} never started (its journal has no start record: a crash before the first line was stored; it was never accepted); removed, its id is free`,
        );
      }
      candidates = scan.resumable;
    } else candidates = await engine.incompleteRuns();
    for (const raw of candidates) {
      const info = typeof raw === 'string' ? { runId: raw } : (raw as Partial<StoredRun> & { runId: string });
      if (!info?.runId || this.active.has(info.runId)) continue;
      try {
        const deltas: Deltas = {};
        const sink = coalescingSink((step, model, text) => deltas.emit?.(step, model, text));
        const handle = await engine.resume(info.runId, { onTextDelta: sink.delta });
        if (!handle) continue;
        this.attach(handle, {
          runId: info.runId,
          workflow: info.workflow ?? '',
          inputs: info.inputs ?? {},
          startedAt: info.startedAt,
          resumed: true,
          deltas,
          sink,
        });
        resumed.push(info.runId);
      } catch (error) {
        this.options.log.error({ runId: info.runId, err: (error as Error).message }, 'could not resume run');
      }
    }
    return resumed;
  }

  private attach(
    handle: EngineRunHandle,
    info: {
      runId: string;
      workflow: string;
      inputs: Record<string, JsonValue>;
      startedAt?: string;
      resumed: boolean;
      deltas?: Deltas;
      sink?: DeltaSink;
    },
  ): Omit<ActiveRun, 'started'> {
    const { store, log, observers = [], instanceId } = this.options;
    const runId = handle.runId || info.runId;
    const initial: StoredRun = {
      runId,
      workflow: info.workflow,
      status: 'running',
      inputs: info.inputs,
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
      startedAt: info.startedAt ?? new Date().toISOString(),
      trace: [],
      instance: instanceId,
    };
    const scrub = this.options.scrub ?? (<T>(value: T) => value);
    // A store that writes in memory at once (the embedded one) is written directly: no queue, no
    // promise per event. Others (Redis) go through the ordered, retrying writer.
    const immediate = store.immediate;
    const writer = immediate ? undefined : new OrderedWriter(`run ${runId}`, log, this.writeRetryMs);
    const putRun = immediate
      ? (run: StoredRun) => immediate.putRun(run)
      : (run: StoredRun) => void writer!.push(() => store.putRun(run));
    const emit = (stream: string, raw: RunEvent, seq?: number) => {
      const event = scrub(raw);
      for (const o of observers) o.event?.(event);
      if (immediate) immediate.appendEvent(stream, event, seq === undefined ? undefined : { seq });
      else void writer!.push(() => store.appendEvent(stream, event, seq === undefined ? undefined : { seq }));
    };
    putRun(initial);
    for (const o of observers) o.runStarted?.(initial);
    const startEvent: RunEvent = {
      type: info.resumed ? 'run.resumed' : 'run.started',
      runId,
      at: initial.startedAt,
      workflow: info.workflow,
      instance: instanceId,
    };
    emit(runId, startEvent);
    emit(GLOBAL_STREAM, startEvent);
    if (info.deltas) {
      info.deltas.emit = (step, model, text) =>
        emit(runId, { type: 'model.delta', runId, at: new Date().toISOString(), step, model, text });
    }
    let sawStart = false;
    // a running run's record shows its approvals (the embedded store reads them from the journal itself)
    const approvalEvents: JournalEvent[] = [];
    subscribeHandle(handle, (raw) => {
      const type = (raw as { type?: unknown } | null)?.type;
      if (!immediate && (type === 'approval_requested' || type === 'approval_decided')) {
        approvalEvents.push(raw as JournalEvent);
        putRun(scrub({ ...initial, approvals: approvalRecords(approvalEvents) as unknown as JsonValue[] }));
      }
      const event = toRunEvent(runId, raw);
      if (!event) return;
      if (event.type !== 'model.delta') info.sink?.flush();
      // our own run.started already went out; the engine's adds nothing
      if ((event.type === 'run.started' || event.type === 'run.resumed') && !sawStart) {
        sawStart = true;
        return;
      }
      const seq = (raw as { seq?: unknown } | null)?.seq;
      emit(runId, event, typeof seq === 'number' ? seq : undefined);
    });
    const done = handle.result
      .then((record) => this.withChildTraces(runId, record))
      .then(
        (record) => toStoredRun(record, { ...initial, status: 'succeeded' }),
        (error: unknown) => {
          log.error({ runId, err: (error as Error)?.message }, 'run ended with an engine error');
          return {
            ...initial,
            status: 'failed' as const,
            endedAt: new Date().toISOString(),
            error: { code: 'engine_error', message: (error as Error)?.message ?? String(error) },
          };
        },
      )
      .then(async (final) => {
        info.sink?.flush();
        final.instance = instanceId;
        // one start time for a run everywhere (the store indexes runs by it)
        final.startedAt = initial.startedAt;
        if (!final.workflow) final.workflow = info.workflow;
        const scrubbed = scrub(final);
        putRun(scrubbed);
        const finished: RunEvent = {
          type: 'run.finished',
          runId,
          at: final.endedAt ?? new Date().toISOString(),
          workflow: final.workflow,
          status: final.status,
          usage: final.usage as unknown as JsonValue,
        };
        if (final.error) finished.error = final.error as unknown as JsonValue;
        emit(runId, finished);
        emit(GLOBAL_STREAM, finished);
        for (const o of observers) o.runFinished?.(final);
        if (writer) await writer.idle;
        this.active.delete(runId);
        return final;
      });
    this.active.set(runId, { handle, done });
    return { runId, done };
  }

  /**
   * A record whose steps ran sub-workflows, as the engine's getRun gives it: the children's traces nested under
   * their steps (the handle's record has the parent's journal alone).
   */
  private async withChildTraces(runId: string, record: unknown): Promise<unknown> {
    const steps = (record as { steps?: Array<{ childRunId?: unknown }> } | null)?.steps;
    if (!Array.isArray(steps) || !steps.some((s) => s?.childRunId !== undefined)) return record;
    const engine = this.options.engine;
    return (await engine.getRun?.(runId).catch(() => undefined)) ?? record;
  }

  isLocal(runId: string): boolean {
    return this.active.has(runId);
  }

  private async cancelLocal(runId: string): Promise<void> {
    try {
      await this.options.engine.cancel(runId, 'cancelled through the API');
    } catch (error) {
      this.options.log.warn({ runId, err: (error as Error).message }, 'engine cancel failed');
    }
  }

  async cancel(runId: string): Promise<CancelOutcome> {
    if (this.active.has(runId)) {
      await this.cancelLocal(runId);
      return 'cancelling';
    }
    const run = await this.options.store.getRun(runId);
    if (!run) return 'not_found';
    if (run.status !== 'running') return 'finished';
    await this.options.store.requestCancel(runId);
    return 'requested';
  }

  /**
   * Decides an approval step. A run the engine had to resume to deliver it is followed like any run.
   * A run this server does not know but the store does is executed by another replica: `elsewhere`.
   */
  async decideApproval(
    runId: string,
    step: string,
    answer: EngineApprovalAnswer,
  ): Promise<EngineApprovalResult> {
    const engine = this.options.engine;
    if (!engine.decideApproval) {
      return { ok: false, reason: 'unsupported', message: 'this engine does not run approval steps' };
    }
    const result = await engine.decideApproval(runId, step, answer);
    if (result.ok && result.handle && !this.active.has(runId)) {
      this.attach(result.handle, { runId, workflow: '', inputs: {}, resumed: true });
    }
    if (!result.ok && result.reason === 'no_run') {
      const stored = await this.options.store.getRun(runId);
      if (stored?.status === 'running' && stored.instance && stored.instance !== this.options.instanceId) {
        return {
          ok: false,
          reason: 'elsewhere',
          message: `run ${runId} is executed by server instance ${stored.instance}; send the decision to that instance`,
        };
      }
    }
    return result;
  }

  /** Wait for the active runs to finish (up to `timeoutMs`), then stop listening. */
  async close(timeoutMs = 5000): Promise<void> {
    this.unsubscribe();
    const pending = [...this.active.values()].map((a) => a.done);
    await Promise.race([
      Promise.allSettled(pending),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}
