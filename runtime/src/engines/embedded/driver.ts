// Drives one run: asks the interpreter what to do, journals it, runs step executors, repeats.
// step_started is stored before its executor is called; a step's result is stored before the next
// decision, so a crash at any point resumes correctly from the journal.
import type { ExecuteCommand } from '../../engine/commands.js';
import { decide } from '../../engine/interpreter.js';
import type { JournalEvent } from '../../engine/journal.js';
import type { StepContext } from '../../engine/steps/context.js';
import { toErrorInfo } from '../../engine/steps/errors.js';
import { executeStep } from '../../engine/steps/execute.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';

export interface DriverOptions {
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  /** The journal so far (run_started first); events are appended to it in memory as they are stored. */
  journal: JournalEvent[];
  /** Stores one event durably; also pushes it onto `journal` and tells listeners. */
  append: (event: JournalEvent) => Promise<void>;
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
  /** A journal write that failed inside a step task: the run cannot go on. */
  private fatal: { error: unknown } | undefined;

  constructor(private readonly options: DriverOptions) {}

  /** Requests cancellation; the loop journals it and stops the run. */
  cancel(reason?: string): void {
    this.pendingCancel = reason;
    this.wake?.();
  }

  async run(): Promise<void> {
    const { definition, inputs, journal, append, controller } = this.options;
    for (;;) {
      if (this.fatal) {
        await this.stop(controller);
        throw this.fatal.error;
      }
      if (this.pendingCancel !== null) {
        const reason = this.pendingCancel;
        this.pendingCancel = null;
        await append({ type: 'cancel_requested', ...(reason !== undefined ? { reason } : {}) });
      }
      const changed = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      const commands = decide(definition, inputs, journal);
      for (const command of commands) {
        switch (command.type) {
          case 'record':
            await append(command.event);
            break;
          case 'execute':
            if (!this.inFlight.has(command.key)) this.launch(command);
            break;
          case 'complete_run':
            await this.settle();
            await append({ type: 'run_completed', outputs: command.outputs });
            return;
          case 'fail_run':
            await this.stop(controller);
            await append({ type: 'run_failed', error: command.error });
            return;
          case 'cancel_run':
            await this.stop(controller);
            await append({
              type: 'run_cancelled',
              ...(command.reason !== undefined ? { reason: command.reason } : {}),
            });
            return;
        }
      }
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

  private async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private launch(command: ExecuteCommand): void {
    const { append, controller, stepContext } = this.options;
    const execute = this.options.execute ?? executeStep;
    const task = (async () => {
      if (command.delayMs > 0) await sleep(command.delayMs, controller.signal);
      if (controller.signal.aborted) return;
      await append({ type: 'step_started', key: command.key, attempt: command.attempt });
      try {
        const result = await execute(command, { ...stepContext, signal: controller.signal });
        await append({ type: 'step_completed', key: command.key, ...result });
      } catch (error) {
        const failure = error as { usage?: unknown; calls?: unknown };
        await append({
          type: 'step_failed',
          key: command.key,
          attempt: command.attempt,
          error: toErrorInfo(error),
          ...(failure.usage ? { usage: failure.usage as never } : {}),
          ...(failure.calls ? { calls: failure.calls as never } : {}),
        });
      }
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
