// Drives one run: asks the interpreter what to do, journals it, runs step executors, repeats.
// Every event goes onto the journal (in memory) at once and is stored in that order; a step's
// step_started is stored (as the journal store defines it: fdatasync'd by default) before its
// executor is called, and the run's last event before run() returns. The interpreter decides from
// events not yet stored (a step's result, its own records): they are stored before, or with, the
// next step_started, so a crash at any point leaves a journal prefix the run resumes correctly from
// (a lost result means the step runs again).
import type { ExecuteCommand, WaitApprovalCommand } from '../../engine/commands.js';
import { Decider } from '../../engine/interpreter.js';
import { isTerminal, type JournalEvent } from '../../engine/journal.js';
import type { StepContext } from '../../engine/steps/context.js';
import { toErrorInfo } from '../../engine/steps/errors.js';
import { executeStep } from '../../engine/steps/execute.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';

export interface DriverOptions {
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  /** The journal so far (run_started first, unless it is in `first`); `append` pushes onto it. */
  journal: JournalEvent[];
  /**
   * Pushes the event onto `journal` at once (synchronously: the order the interpreter sees is the
   * order stored) and resolves once it is stored (then listeners are told). Undefined: it was stored
   * (and listeners told) before append returned.
   */
  append: (event: JournalEvent) => Promise<void> | undefined;
  /** Events to journal before the first decision (run_started, run_resumed). */
  first?: JournalEvent[];
  /** Everything an executor needs; its signal is replaced by the run's. */
  stepContext: Omit<StepContext, 'signal'>;
  /** Aborted to stop the run's in-flight steps (cancellation, run failure). */
  controller: AbortController;
  execute?: typeof executeStep;
  /** Clock for approval decisions and timeouts (default: the system clock). */
  now?: () => Date;
  /**
   * Return from run() (the run stays `running`, resumable) when nothing is left but approvals to wait
   * for: `weft run` without a terminal, so that `weft runs approve` can take the run over.
   */
  detachWhenWaiting?: boolean;
}

/** A person's (or the timeout's) answer to an approval step. */
export interface ApprovalAnswer {
  decision: string;
  by: string;
  comment?: string;
}

export type ApprovalOutcome =
  | { ok: true; written: Promise<void> }
  | { ok: false; reason: 'not_waiting' }
  | { ok: false; reason: 'invalid_decision'; decisions: string[] };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class RunDriver {
  private readonly inFlight = new Map<string, Promise<void>>();
  private wake: (() => void) | undefined;
  private pendingCancel: string | undefined | null = null;
  /** A journal write that failed: the run cannot go on. */
  private fatal: { error: unknown } | undefined;
  /** Journal writes not yet known to be stored. */
  private readonly writes = new Set<Promise<void>>();
  /** The step context every executor gets (one object for the run: the signal never changes). */
  private readonly stepContext: StepContext;
  /** The approvals the run waits for, as the last decision listed them. */
  private readonly waiting = new Map<string, WaitApprovalCommand>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly now: () => Date;

  constructor(private readonly options: DriverOptions) {
    this.stepContext = { ...options.stepContext, signal: options.controller.signal };
    this.now = options.now ?? (() => new Date());
  }

  /** The approvals waiting for a decision (step key -> what was asked). */
  get pendingApprovals(): ReadonlyMap<string, WaitApprovalCommand> {
    return this.waiting;
  }

  /**
   * Journals a decision for the approval step `key` if it is waiting and the decision is allowed.
   * `written` settles once the decision is stored.
   */
  decideApproval(key: string, answer: ApprovalAnswer, timedOut = false): ApprovalOutcome {
    // the journal is the authority: a resumed run waits before its first decision lists the wait
    const wait = this.waiting.get(key) ?? this.requestedAndUndecided(key);
    if (!wait) return { ok: false, reason: 'not_waiting' };
    if (!wait.decisions.includes(answer.decision))
      return { ok: false, reason: 'invalid_decision', decisions: wait.decisions };
    this.waiting.delete(key);
    this.clearTimer(key);
    const written = this.write({
      type: 'approval_decided',
      key,
      decision: answer.decision,
      by: answer.by,
      decidedAt: this.now().toISOString(),
      ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
      ...(timedOut ? { timedOut: true } : {}),
    });
    this.wake?.();
    return { ok: true, written: written ?? Promise.resolve() };
  }

  private requestedAndUndecided(key: string): { decisions: string[] } | undefined {
    let requested: { decisions: string[] } | undefined;
    for (const event of this.options.journal) {
      if (event.type === 'approval_requested' && event.key === key) requested = event;
      else if (event.type === 'approval_decided' && event.key === key) requested = undefined;
      else if (isTerminal(event)) return undefined;
    }
    return requested;
  }

  /** Waits listed by the latest decision; a timeout is timed from the request's journaled time. */
  private track(waits: WaitApprovalCommand[]): void {
    const keys = new Set(waits.map((w) => w.key));
    for (const key of this.waiting.keys()) {
      if (!keys.has(key)) {
        this.waiting.delete(key);
        this.clearTimer(key);
      }
    }
    for (const wait of waits) {
      this.waiting.set(wait.key, wait);
      if (wait.timeoutMs === undefined || this.timers.has(wait.key)) continue;
      const requested = this.options.journal.find(
        (e) => e.type === 'approval_requested' && e.key === wait.key,
      );
      const since = requested?.at ? Date.parse(requested.at) : this.now().getTime();
      const delay = Math.max(0, since + wait.timeoutMs - this.now().getTime());
      const decision = wait.onTimeout ?? wait.decisions[wait.decisions.length - 1]!;
      const timer = setTimeout(() => {
        this.timers.delete(wait.key);
        this.decideApproval(wait.key, { decision, by: 'timeout' }, true);
      }, delay);
      this.timers.set(wait.key, timer);
    }
  }

  private clearTimer(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }

  /** Requests cancellation; the loop journals it and stops the run. */
  cancel(reason?: string): void {
    this.pendingCancel = reason;
    this.wake?.();
  }

  /** Journals without waiting for the write; run() does not return before it is stored. */
  private write(event: JournalEvent): Promise<void> | undefined {
    let written: Promise<void> | undefined;
    try {
      written = this.options.append(event);
    } catch (error) {
      written = Promise.reject(error);
    }
    if (!written) return undefined;
    const tracked = written.then(
      () => {
        this.writes.delete(tracked);
      },
      (error: unknown) => {
        this.writes.delete(tracked);
        this.fatal ??= { error };
        this.wake?.();
      },
    );
    this.writes.add(tracked);
    return tracked;
  }

  /** Waits for every write so far; throws if one failed. */
  private async flushed(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes);
    if (this.fatal) throw this.fatal.error;
  }

  /** Journals the run's last event after everything before it. */
  private async finish(event: JournalEvent): Promise<void> {
    this.write(event);
    await this.flushed();
  }

  async run(): Promise<void> {
    try {
      await this.loop();
    } finally {
      for (const key of [...this.timers.keys()]) this.clearTimer(key);
      this.waiting.clear();
    }
  }

  private async loop(): Promise<void> {
    const { definition, inputs, journal, controller } = this.options;
    const decider = new Decider(definition, inputs);
    for (const event of this.options.first ?? []) this.write(event);
    for (;;) {
      if (this.fatal) {
        await this.stop(controller);
        while (this.writes.size > 0) await Promise.all(this.writes);
        throw this.fatal.error;
      }
      if (this.pendingCancel !== null) {
        const reason = this.pendingCancel;
        this.pendingCancel = null;
        this.write({ type: 'cancel_requested', ...(reason !== undefined ? { reason } : {}) });
      }
      const changed = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      const commands = decider.decide(journal);
      this.track(commands.filter((c): c is WaitApprovalCommand => c.type === 'wait_approval'));
      for (const command of commands) {
        switch (command.type) {
          case 'record':
            this.write(command.event);
            break;
          case 'execute':
            if (!this.inFlight.has(command.key)) this.launch(command);
            break;
          case 'complete_run':
            await this.settle();
            if (this.fatal) break;
            await this.finish({ type: 'run_completed', outputs: command.outputs });
            return;
          case 'fail_run':
            await this.stop(controller);
            if (this.fatal) break;
            await this.finish({ type: 'run_failed', error: command.error });
            return;
          case 'cancel_run':
            await this.stop(controller);
            if (this.fatal) break;
            await this.finish({
              type: 'run_cancelled',
              ...(command.reason !== undefined ? { reason: command.reason } : {}),
            });
            return;
        }
      }
      if (this.fatal) continue;
      if (commands.some((c) => c.type === 'record')) continue;
      if (this.inFlight.size === 0 && this.waiting.size > 0 && this.options.detachWhenWaiting) {
        await this.flushed();
        return;
      }
      if (this.inFlight.size === 0 && this.waiting.size === 0) {
        throw new Error('the interpreter asked for nothing to be done but the run has not ended');
      }
      await changed;
    }
  }

  private async stop(controller: AbortController): Promise<void> {
    if (this.inFlight.size > 0) controller.abort();
    await this.settle();
  }

  /** Waits for the steps in flight (their results are journaled, maybe not yet stored). */
  private async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private launch(command: ExecuteCommand): void {
    const { append, controller } = this.options;
    const stepContext = this.stepContext;
    const execute = this.options.execute ?? executeStep;
    const task = (async () => {
      if (command.delayMs > 0) await sleep(command.delayMs, controller.signal);
      if (controller.signal.aborted) return;
      await append({ type: 'step_started', key: command.key, attempt: command.attempt });
      // The result is journaled without waiting: the next step_started (or the run's end) syncs it.
      let result: Awaited<ReturnType<typeof execute>>;
      try {
        result = await execute(command, stepContext);
      } catch (error) {
        const failure = error as { usage?: unknown; calls?: unknown; childRunId?: string };
        this.write({
          type: 'step_failed',
          key: command.key,
          attempt: command.attempt,
          error: toErrorInfo(error),
          ...(failure.usage ? { usage: failure.usage as never } : {}),
          ...(failure.calls ? { calls: failure.calls as never } : {}),
          ...(failure.childRunId ? { childRunId: failure.childRunId } : {}),
        });
        return;
      }
      this.write({ type: 'step_completed', key: command.key, ...result });
    })()
      .catch((error: unknown) => {
        this.fatal ??= { error };
      })
      .finally(() => {
        this.inFlight.delete(command.key);
        this.wake?.();
      });
    this.inFlight.set(command.key, task);
  }
}
