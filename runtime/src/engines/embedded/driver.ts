// Drives one run: asks the interpreter what to do, journals it, runs step executors, repeats.
// Every event goes onto the journal (in memory) at once and is stored in that order; a step's
// step_started is stored (as the journal store defines it: fdatasync'd by default) before its
// executor is called, and the run's last event before run() returns. The interpreter decides from
// events not yet stored (a step's result, its own records): they are stored before, or with, the
// next step_started, so a crash at any point leaves a journal prefix the run resumes correctly from
// (a lost result means the step runs again).
import type { ExecuteCommand } from '../../engine/commands.js';
import { Decider } from '../../engine/interpreter.js';
import type { JournalEvent } from '../../engine/journal.js';
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
}

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

  constructor(private readonly options: DriverOptions) {
    this.stepContext = { ...options.stepContext, signal: options.controller.signal };
  }

  /** Requests cancellation; the loop journals it and stops the run. */
  cancel(reason?: string): void {
    this.pendingCancel = reason;
    this.wake?.();
  }

  /** Journals without waiting for the write; run() does not return before it is stored. */
  private write(event: JournalEvent): void {
    let written: Promise<void> | undefined;
    try {
      written = this.options.append(event);
    } catch (error) {
      written = Promise.reject(error);
    }
    if (!written) return;
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
      if (this.inFlight.size === 0) {
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
