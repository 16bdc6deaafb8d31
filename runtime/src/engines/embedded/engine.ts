// The embedded engine: runs workflows in this process with a durable journal on disk
// (<dataDir>/runs/<runId>/journal.jsonl), resumes them after a crash, and answers run queries.
import { isoNow } from '../../engine/clock.js';
import { effectiveInputs } from '../../engine/interpreter.js';
import { isTerminal, type JournalEvent, type RunEvent } from '../../engine/journal.js';
import { newRunId } from '../../engine/run-id.js';
import {
  approvalRecords,
  type RunRecord,
  type RunStatus,
  type RunSummary,
  runRecord,
  summarize,
} from '../../engine/run-record.js';
import { foldJournal } from '../../engine/state.js';
import {
  type ChildRun,
  modelClientsFor,
  type StepResult,
  type TextDeltaListener,
} from '../../engine/steps/context.js';
import { UsageMeter } from '../../engine/steps/meter.js';
import type { RatingsStore } from '../../engine/steps/ratings.js';
import { childRunIds, nestChildTraces, type Span } from '../../engine/trace.js';
import type { JsonValue, ModelSpec, WorkflowDefinition } from '../../language/types.js';
import { createModelClient, DEFAULT_API_KEY_ENV } from '../../models/index.js';
import type { ModelClient } from '../../models/types.js';
import { defaultDataDir } from '../../store/data-dir.js';
import {
  FileJournalStore,
  JournalCorruptError,
  type JournalSync,
  journalSyncFromEnv,
} from '../../store/file-journal-store.js';
import { FileRatingsStore } from '../../store/file-ratings.js';
import type { DecodedJournal, JournalProblem } from '../../store/journal-codec.js';
import { type JournalStore, type JournalWriter, MemoryJournalStore } from '../../store/journal-store.js';
import { MemoryRatingsStore } from '../../store/ratings.js';
import { envNamesUsed, redactValue, secretValues } from '../../tools/secrets.js';
import {
  type ApprovalAnswer,
  type ApprovalResult,
  checkAgainstJournal,
  invalidDecision,
  notWaiting,
  unknownStep,
} from './approvals.js';
import { type ChildRunEngine, runChild } from './child-runs.js';
import { RunDriver } from './driver.js';

export interface RunHandle {
  runId: string;
  /**
   * Settles once the run's start (definition, inputs, id) is stored with the journal's sync mode: a
   * crash after that resumes the run. Rejects when the run could not be recorded (it never started).
   */
  started: Promise<void>;
  /** Settles when the run ends (succeeded, failed or cancelled); rejects only if the engine itself failed. */
  result: Promise<RunRecord>;
  /** Calls the listener with every event of this run so far, then each new one. Returns unsubscribe. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** The same events as an async iterable that ends when the run ends. */
  events(): AsyncIterable<RunEvent>;
}

export interface EmbeddedEngineOptions {
  /** Default: env.WEFT_DATA_DIR, else `.weft` in the working directory. */
  dataDir?: string;
  /** false: keep journals in memory only (benchmarks, tests, WEFT_JOURNAL=memory). Default true. */
  durable?: boolean;
  /** With `durable: false`: keep the journals of this many finished runs at most. Default: all. */
  maxFinishedRuns?: number;
  /**
   * When a journal event counts as stored (see JournalSync): `always` (default) fdatasyncs before a
   * step runs and survives power loss; `batch` survives the process being killed but an OS crash or
   * power loss can lose a running run's last events. Default: env.WEFT_JOURNAL_SYNC, else `always`.
   */
  journalSync?: JournalSync;
  /** Where API keys and tool secrets come from. Default: process.env. */
  env?: Record<string, string | undefined>;
  modelClientFactory?: (spec: ModelSpec) => ModelClient;
  fetch?: typeof fetch;
  ratings?: RatingsStore;
  /** Clock for event timestamps (tests). */
  now?: () => Date;
}

export interface StartOptions {
  runId?: string;
  workflowFile?: string;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  /**
   * Streamed model text of this run: `(stepKey, text, model)` for every model call of every step.
   * Deltas are not journaled. Unset: models are not asked to stream.
   */
  onTextDelta?: TextDeltaListener;
  /**
   * Stop driving the run (it stays `running` and resumable; result resolves with that record) once
   * nothing is left but approvals to wait for. Default false: wait for the decisions.
   */
  detachWhenWaiting?: boolean;
  /** The run of a sub-workflow step: the parent run and step instance (journaled in run_started). */
  parent?: { runId: string; stepKey: string };
}

export interface ResumeOptions {
  /** As StartOptions.onTextDelta, for the steps the resumed run executes. */
  onTextDelta?: TextDeltaListener;
  /** As StartOptions.detachWhenWaiting. */
  detachWhenWaiting?: boolean;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
}

export interface RunFilter {
  status?: RunStatus;
  workflow?: string;
  /** Newest first; default all. */
  limit?: number;
}

/** What start-up recovery found in the data dir (see EmbeddedEngine.recoveryScan). */
export interface RecoveryScan {
  /** Runs to resume: not finished, sound journal, no live process driving them. */
  resumable: string[];
  /** Runs whose journal is corrupt: never resumed; a person must repair or discard them. */
  damaged: Array<{ runId: string; file: string; line: number; reason: string; hint: string }>;
  /** Runs that never started (no start record: a crash before the first line): removed, ids free. */
  discarded: string[];
}

/** A journal with no start record (empty, or a torn first line): the run never started. */
export function neverStarted(decoded: DecodedJournal): boolean {
  return decoded.events.length === 0 && decoded.problem?.kind !== 'corrupt';
}

/** The corrupt-journal problem of a decoded journal, including one that does not start with run_started. */
export function damageOf(decoded: DecodedJournal, journalFile = ''): JournalProblem | undefined {
  if (decoded.problem?.kind === 'corrupt') return decoded.problem;
  const first = decoded.events[0];
  if (first === undefined || (first.type === 'run_started' && first.definition)) return undefined;
  const file = decoded.problem?.file ?? journalFile;
  const reason = "its first line is not the run's start record (run_started with the definition)";
  const hint = 'the run cannot be resumed: inspect the file, then delete the run folder or start a new run.';
  return {
    kind: 'corrupt',
    file,
    line: 1,
    validBytes: 0,
    message: `${file}:1: the journal is corrupt (${reason}). The run needs attention: ${hint}`,
    reason,
    hint,
  };
}

interface ActiveRun {
  driver?: RunDriver;
  /** Settles once `driver` is set (or the run ended without one). */
  driverReady: Promise<void>;
  markDriverReady: () => void;
  definition?: WorkflowDefinition;
  /** A cancel that arrived before the driver existed. */
  cancelBeforeStart?: { reason?: string };
  events: RunEvent[];
  listeners: Set<(event: RunEvent) => void>;
  done: boolean;
  result: Promise<RunRecord>;
}

/** Values that must never be stored: keys named by models and read by tools' URL/header templates. */
function secretsOf(definition: WorkflowDefinition, env: Record<string, string | undefined>): string[] {
  const names = new Set<string>();
  for (const tool of Object.values(definition.tools)) for (const n of envNamesUsed(tool)) names.add(n);
  for (const model of Object.values(definition.models)) {
    const name = model.apiKeyEnv ?? DEFAULT_API_KEY_ENV[model.provider];
    if (name) names.add(name);
  }
  return secretValues(names, env);
}

export class EmbeddedEngine {
  readonly dataDir: string;
  readonly store: JournalStore;
  private readonly env: Record<string, string | undefined>;
  private readonly ratings: RatingsStore;
  private readonly active = new Map<string, ActiveRun>();
  private readonly now: () => Date;
  /** `now()` as an ISO string. */
  private readonly isoNow: () => string;

  constructor(private readonly options: EmbeddedEngineOptions = {}) {
    this.env = options.env ?? process.env;
    this.dataDir = options.dataDir ?? defaultDataDir(this.env);
    const durable = options.durable ?? true;
    this.store = durable
      ? new FileJournalStore(this.dataDir, options.journalSync ?? journalSyncFromEnv(this.env))
      : new MemoryJournalStore(options.maxFinishedRuns);
    this.ratings =
      options.ratings ?? (durable ? new FileRatingsStore(this.dataDir) : new MemoryRatingsStore());
    this.now = options.now ?? (() => new Date());
    this.isoNow = options.now ? () => this.now().toISOString() : isoNow;
  }

  start(
    definition: WorkflowDefinition,
    inputs: Record<string, JsonValue>,
    opts: StartOptions = {},
  ): RunHandle {
    const runId = opts.runId ?? newRunId(this.now());
    return this.drive(runId, opts.signal, opts.onTextDelta, opts.detachWhenWaiting, async () => {
      const { writer, release } = await this.createJournal(runId);
      const started: JournalEvent = {
        type: 'run_started',
        runId,
        workflow: definition.name,
        inputs: effectiveInputs(definition, inputs),
        definition,
        ...(opts.workflowFile !== undefined ? { workflowFile: opts.workflowFile } : {}),
        ...(opts.parent ? { parent: opts.parent } : {}),
      };
      return { writer, release, journal: [], definition, inputs, first: [started] };
    });
  }

  /**
   * A new journal for the run, locked. A run id whose journal has no start record (a crash before its
   * first line was stored) is free: that journal is taken over, unless a live process holds it.
   */
  private async createJournal(
    runId: string,
  ): Promise<{ writer: JournalWriter; release: () => Promise<void> }> {
    let writer: JournalWriter;
    try {
      writer = await this.store.create(runId);
    } catch (error) {
      const store = this.store;
      if (!(store instanceof FileJournalStore) || (error as { code?: string }).code !== 'run_exists')
        throw error;
      const release = await store.lock(runId).catch(() => {
        throw error;
      });
      try {
        const decoded = await store.read(runId);
        if (decoded && !neverStarted(decoded)) throw error;
        return { writer: await store.recreate(runId), release };
      } catch (failure) {
        await release();
        throw failure;
      }
    }
    try {
      return { writer, release: await this.store.lock(runId) };
    } catch (error) {
      await writer.close().catch(() => {});
      throw error;
    }
  }

  /** Continues a run from its journal. A step that finished is never executed again. */
  resume(runId: string, opts: ResumeOptions = {}): RunHandle {
    return this.resumeWith(runId, opts, []);
  }

  /** resume(), journaling `extra` right after run_resumed. */
  private resumeWith(runId: string, opts: ResumeOptions, extra: JournalEvent[]): RunHandle {
    return this.drive(runId, opts.signal, opts.onTextDelta, opts.detachWhenWaiting, async () => {
      const decoded = await this.store.read(runId);
      if (!decoded || neverStarted(decoded)) {
        throw new Error(
          `no run ${runId} in ${this.dataDir}${decoded ? ' (its journal has no start record: it never started; start it again)' : ''}`,
        );
      }
      const damage = damageOf(decoded, this.journalPath(runId));
      if (damage) throw new JournalCorruptError(damage.message, damage.file, damage.line);
      const started = decoded.events[0];
      if (started?.type !== 'run_started' || !started.definition) {
        throw new Error(`run ${runId}: the journal does not start with the run's definition`);
      }
      if (decoded.events.some(isTerminal)) {
        return { journal: decoded.events, definition: started.definition, inputs: started.inputs, first: [] };
      }
      const release = await this.store.lock(runId);
      try {
        const { writer, note } = await this.store.reopen(runId);
        const first: JournalEvent[] = note ? [{ type: 'warning', message: note }] : [];
        first.push({ type: 'run_resumed' }, ...extra);
        return {
          writer,
          release,
          journal: decoded.events,
          definition: started.definition,
          inputs: started.inputs,
          first,
        };
      } catch (error) {
        await release();
        throw error;
      }
    });
  }

  private drive(
    runId: string,
    signal: AbortSignal | undefined,
    onTextDelta: TextDeltaListener | undefined,
    detachWhenWaiting: boolean | undefined,
    open: () => Promise<{
      writer?: JournalWriter;
      release?: () => Promise<void>;
      journal: JournalEvent[];
      definition: WorkflowDefinition;
      inputs: Record<string, JsonValue>;
      first: JournalEvent[];
    }>,
  ): RunHandle {
    if (this.active.has(runId)) throw new Error(`run ${runId} is already running in this process`);
    let markDriverReady = () => {};
    const driverReady = new Promise<void>((resolve) => {
      markDriverReady = resolve;
    });
    const run: ActiveRun = {
      driverReady,
      markDriverReady,
      events: [],
      listeners: new Set(),
      done: false,
      result: Promise.resolve(undefined as never),
    };
    this.active.set(runId, run);
    let markStarted: (() => void) | undefined;
    let failStart: ((error: unknown) => void) | undefined;
    const started = new Promise<void>((resolve, reject) => {
      markStarted = resolve;
      failStart = reject;
    });
    started.catch(() => {});
    const emit = (event: JournalEvent) => {
      // the first event a listener sees is stored: the run_started line, or a resumed journal's
      markStarted?.();
      const runEvent = { ...event, runId } as RunEvent;
      run.events.push(runEvent);
      for (const listener of run.listeners) listener(runEvent);
    };

    run.result = (async () => {
      const opened = await open();
      const { writer, release, journal, definition, inputs } = opened;
      run.definition = definition;
      for (const event of journal) emit(event);
      try {
        if (writer) {
          const secrets = secretsOf(definition, this.env);
          // On the in-memory journal at once (the interpreter decides from it), to listeners once stored.
          const append = (event: JournalEvent): Promise<void> | undefined => {
            const stored = redactValue({ ...event, at: this.isoNow() }, secrets);
            const written = writer.append(stored);
            stored.seq = journal.length + 1;
            journal.push(stored);
            if (!writer.storesAtOnce) return written.then(() => emit(stored));
            emit(stored);
            return undefined;
          };
          const controller = new AbortController();
          const factory =
            this.options.modelClientFactory ??
            ((spec: ModelSpec) =>
              createModelClient(spec, {
                env: this.env,
                ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
              }));
          const driver = new RunDriver({
            definition,
            inputs,
            journal,
            append,
            first: opened.first,
            controller,
            now: this.now,
            ...(detachWhenWaiting ? { detachWhenWaiting } : {}),
            stepContext: {
              runId,
              definition,
              inputs: effectiveInputs(definition, inputs),
              env: this.env,
              meter: new UsageMeter(definition.budget, foldJournal(journal).usage),
              model: modelClientsFor(definition, factory),
              ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
              ratings: this.ratings,
              ...(onTextDelta ? { onTextDelta } : {}),
              runWorkflow: (child) => runChild(this.children, runId, child, onTextDelta),
            },
          });
          run.driver = driver;
          run.markDriverReady();
          if (run.cancelBeforeStart) driver.cancel(run.cancelBeforeStart.reason);
          const onAbort = () => driver.cancel('the caller aborted the run');
          if (signal?.aborted) onAbort();
          signal?.addEventListener('abort', onAbort, { once: true });
          try {
            await driver.run();
          } finally {
            signal?.removeEventListener('abort', onAbort);
            await writer.close();
          }
        }
      } finally {
        await release?.();
      }
      return runRecord(journal)!;
    })();
    run.result.then(
      () => markStarted?.(),
      (error: unknown) => failStart?.(error),
    );
    run.result = run.result.finally(() => {
      run.markDriverReady();
      run.done = true;
      this.active.delete(runId);
      for (const listener of run.listeners) listener(END as RunEvent);
      run.listeners.clear();
    });

    return {
      runId,
      started,
      result: run.result,
      onEvent: (listener) => {
        for (const event of run.events) listener(event);
        const wrapped = (event: RunEvent) => {
          if (event !== END) listener(event);
        };
        if (!run.done) run.listeners.add(wrapped);
        return () => run.listeners.delete(wrapped);
      },
      events: () => iterate(run),
    };
  }

  /** Cancels a run driven by this process, or marks an abandoned incomplete run as cancelled. */
  async cancel(runId: string, reason?: string): Promise<void> {
    const active = this.active.get(runId);
    if (active) {
      if (active.driver) active.driver.cancel(reason);
      else active.cancelBeforeStart = reason !== undefined ? { reason } : {};
      await active.result.catch(() => {});
      return;
    }
    const decoded = await this.store.read(runId);
    if (!decoded || neverStarted(decoded)) throw new Error(`no run ${runId} in ${this.dataDir}`);
    if (decoded.events.some(isTerminal)) return;
    const damage = damageOf(decoded, this.journalPath(runId));
    if (damage) throw new JournalCorruptError(damage.message, damage.file, damage.line);
    const release = await this.store.lock(runId);
    try {
      const { writer } = await this.store.reopen(runId);
      const at = this.now().toISOString();
      await writer.append({ type: 'cancel_requested', ...(reason !== undefined ? { reason } : {}), at });
      await writer.append({ type: 'run_cancelled', ...(reason !== undefined ? { reason } : {}), at });
      await writer.close();
    } finally {
      await release();
    }
  }

  /**
   * Decides the approval step `key` of a run. A run this process drives gets the decision at once; a
   * waiting run no live process drives is resumed here with it (`handle`: follow it to its end). Ok
   * once the decision is stored.
   */
  async decideApproval(
    runId: string,
    key: string,
    answer: ApprovalAnswer,
    opts: ResumeOptions = {},
  ): Promise<ApprovalResult & { handle?: RunHandle }> {
    const active = this.active.get(runId);
    // a run being opened (resumed after a restart, say) gets its driver in a moment
    if (active && !active.driver) await active.driverReady;
    if (active && this.active.get(runId) === active && active.driver) {
      if (active.definition) {
        const unknown = unknownStep(active.definition, runId, key);
        if (unknown) return unknown;
      }
      const outcome = active.driver?.decideApproval(key, answer) ?? { ok: false, reason: 'not_waiting' };
      if (!outcome.ok) {
        return outcome.reason === 'invalid_decision'
          ? invalidDecision(key, answer.decision, outcome.decisions)
          : notWaiting(runId, key, active.events);
      }
      await outcome.written;
      const approval = approvalRecords(active.events).find((a) => a.step === key);
      return approval ? { ok: true, approval } : notWaiting(runId, key, active.events);
    }
    const decoded = await this.store.read(runId).catch(() => undefined);
    const started = decoded?.events[0];
    if (!decoded || started?.type !== 'run_started' || !started.definition)
      return { ok: false, reason: 'no_run', message: `no run ${runId} in ${this.dataDir}` };
    const checked = checkAgainstJournal(runId, key, answer, decoded.events, started.definition);
    if (!checked.ok) return checked;
    if (this.store instanceof FileJournalStore) {
      const owner = await this.store.owner(runId);
      if (owner !== undefined) {
        return {
          ok: false,
          reason: 'elsewhere',
          message: `run ${runId} is driven by process ${owner} (weft serve or weft run): decide through its server (weft runs approve ${runId} ${key} --server URL) or its terminal`,
        };
      }
    }
    const decidedAt = this.isoNow();
    const handle = this.resumeWith(runId, opts, [
      {
        type: 'approval_decided',
        key,
        decision: answer.decision,
        by: answer.by,
        decidedAt,
        ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
      },
    ]);
    await handle.started;
    return {
      ok: true,
      approval: {
        ...checked.approval,
        decision: answer.decision,
        by: answer.by,
        at: decidedAt,
        ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
        timedOut: false,
      },
      handle,
    };
  }

  /** The run's record; the traces of its sub-workflow runs are nested under their steps (see nestChildTraces). */
  async getRun(runId: string): Promise<RunRecord | undefined> {
    const active = this.active.get(runId);
    if (active && active.events.length > 0)
      return this.withChildTraces(runRecord(active.events)!, active.events);
    const decoded = await this.store.read(runId).catch((error: Error) => {
      if (/invalid run id/.test(error.message)) return undefined;
      throw error;
    });
    if (!decoded || neverStarted(decoded)) return undefined;
    const damage = damageOf(decoded, this.journalPath(runId));
    const record =
      runRecord(
        decoded.events,
        decoded.problem?.kind === 'truncated_tail' ? [decoded.problem.message] : [],
      ) ?? (await this.unreadableRun(runId));
    if (damage) {
      const { file, line, message, reason, hint } = damage;
      record.needsAttention = {
        file,
        line,
        message,
        ...(reason !== undefined ? { reason } : {}),
        ...(hint !== undefined ? { hint } : {}),
      };
      record.warnings.push(message);
    }
    return this.withChildTraces(record, decoded.events);
  }

  private async withChildTraces(record: RunRecord, journal: readonly JournalEvent[]): Promise<RunRecord> {
    const ids = childRunIds(journal);
    if (ids.length === 0) return record;
    const children = new Map<string, Span[]>();
    for (const id of ids) {
      const child = await this.getRun(id).catch(() => undefined);
      if (child) children.set(id, child.trace);
    }
    record.trace = nestChildTraces(record.trace, children);
    return record;
  }

  /** A child run (of a sub-workflow step) whose parent has not ended: the parent resumes it. */
  private async parentResumes(decoded: DecodedJournal): Promise<boolean> {
    const first = decoded.events[0];
    if (first?.type !== 'run_started' || !first.parent) return false;
    const parent = await this.store.read(first.parent.runId).catch(() => undefined);
    return parent !== undefined && !parent.events.some(isTerminal);
  }

  /**
   * Runs (or resumes, or reads the end of) the child run of a sub-workflow step of run `parentRunId` on this
   * engine: for drivers other than this engine's own (the debugger).
   */
  runChild(parentRunId: string, child: ChildRun, onTextDelta?: TextDeltaListener): Promise<StepResult> {
    return runChild(this.children, parentRunId, child, onTextDelta);
  }

  /** What child-runs.ts needs of this engine. */
  private get children(): ChildRunEngine {
    return {
      active: (runId) => this.active.get(runId)?.result,
      read: async (runId) => (await this.store.read(runId))?.events,
      start: (definition, inputs, opts) => this.start(definition, inputs, opts),
      resume: (runId, opts) => this.resume(runId, opts),
    };
  }

  private journalPath(runId: string): string {
    return this.store instanceof FileJournalStore ? this.store.journalFile(runId) : runId;
  }

  /** The record of a run whose start record is unreadable: its id and when its journal last changed. */
  private async unreadableRun(runId: string): Promise<RunRecord> {
    const changed = this.store instanceof FileJournalStore ? await this.store.modifiedAt(runId) : undefined;
    return {
      runId,
      workflow: '',
      status: 'running',
      inputs: {},
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
      startedAt: (changed ?? new Date(0)).toISOString(),
      steps: [],
      trace: [],
      warnings: [],
    };
  }

  async listRuns(filter: RunFilter = {}): Promise<RunSummary[]> {
    const summaries: RunSummary[] = [];
    for (const runId of await this.store.list()) {
      const record = await this.getRun(runId);
      if (!record) continue;
      if (filter.status && record.status !== filter.status) continue;
      if (filter.workflow && record.workflow !== filter.workflow) continue;
      summaries.push(summarize(record));
    }
    summaries.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
    return filter.limit !== undefined ? summaries.slice(0, filter.limit) : summaries;
  }

  /** Runs that have not ended, are not being driven by a live process, and whose journal is sound. */
  async incompleteRuns(): Promise<string[]> {
    const out: string[] = [];
    for (const runId of await this.store.list()) {
      if (this.active.has(runId)) continue;
      const decoded = await this.store.read(runId);
      if (
        !decoded ||
        neverStarted(decoded) ||
        damageOf(decoded, this.journalPath(runId)) ||
        decoded.events.some(isTerminal)
      )
        continue;
      if (this.store instanceof FileJournalStore && (await this.store.owner(runId)) !== undefined) continue;
      if (await this.parentResumes(decoded)) continue;
      out.push(runId);
    }
    return out.sort();
  }

  /**
   * What a server starting on this data dir must know: the runs to resume, the damaged ones (never
   * resumed; reported), and the runs that never started, which it removes (their ids are free again).
   * Runs driven by a live process (this one or another) are left alone.
   */
  async recoveryScan(): Promise<RecoveryScan> {
    const scan: RecoveryScan = { resumable: [], damaged: [], discarded: [] };
    const store = this.store;
    for (const runId of (await store.list()).sort()) {
      if (this.active.has(runId)) continue;
      const decoded = await store.read(runId);
      if (!decoded || decoded.events.some(isTerminal)) continue;
      if (store instanceof FileJournalStore && (await store.owner(runId)) !== undefined) continue;
      const damage = damageOf(decoded, this.journalPath(runId));
      if (damage) {
        scan.damaged.push({
          runId,
          file: damage.file,
          line: damage.line,
          reason: damage.reason ?? damage.message,
          hint: damage.hint ?? '',
        });
      } else if (await this.parentResumes(decoded)) {
        // its parent run resumes it, when the parent re-runs the step (see child-runs.ts)
      } else if (neverStarted(decoded)) {
        if (store instanceof FileJournalStore && (await store.discardNeverStarted(runId, neverStarted))) {
          scan.discarded.push(runId);
        }
      } else scan.resumable.push(runId);
    }
    return scan;
  }
}

const END = { type: 'warning', message: '__end__' } as unknown as RunEvent;

async function* iterate(run: ActiveRun): AsyncIterable<RunEvent> {
  let index = 0;
  for (;;) {
    while (index < run.events.length) yield run.events[index++]!;
    if (run.done) return;
    await new Promise<void>((resolve) => {
      const listener = () => {
        run.listeners.delete(listener);
        resolve();
      };
      run.listeners.add(listener);
    });
  }
}
