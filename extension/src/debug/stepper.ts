// Drives the runtime's interpreter one step at a time, the way the embedded driver does, but sequentially
// and with a pause point before and after every step. Steps run for real (live) or take their results from
// a recorded journal (replay: no model or tool call). Every point passed is remembered, so a replay can go
// back to any of them (Step Back, Reverse Continue): the interpreter is deterministic, so a journal prefix
// is the whole state at that point.
import type { StepExecutor } from './executors.js';
import { stepIdOfKey } from './keys.js';
import {
  Decider,
  type ExecuteCommand,
  isoNow,
  type JournalEvent,
  type JsonValue,
  type WaitApprovalCommand,
  type WorkflowDefinition,
} from './runtime.js';

export type ExceptionFilter = 'stepFailed' | 'retry' | 'budget' | 'diverged';

export interface Point {
  /** before: the step is about to run (its request rendered); after: its result is recorded. */
  kind: 'before' | 'after' | 'exception';
  /** Step instance key: `id`, `parallel.child`, `map[2]`. */
  key: string;
  stepId: string;
  /** Before an executed step: what it will do (the rendered prompt or request). */
  command?: ExecuteCommand;
  /** A parallel or map step (started or finished by the interpreter itself). */
  composite?: boolean;
  /** A decision step: the interpreter chose its branch (breakpoints on it stop here). */
  decision?: boolean;
  exception?: { filter: ExceptionFilter; message: string };
}

export type Ended =
  | { status: 'succeeded'; outputs: Record<string, JsonValue> }
  | { status: 'failed'; error: { code: string; message: string; step?: string } }
  | { status: 'cancelled'; reason?: string };

export type Advance<R> = { stopped: Point; reason: R } | { ended: Ended };

interface Snapshot {
  point: Point;
  journalLength: number;
  pendingExec?: ExecuteCommand;
  pendingEnd?: JournalEvent;
  queued?: Point[];
}

export interface StepperOptions {
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  /** Starts with run_started. */
  journal: JournalEvent[];
  executor: StepExecutor;
  /** Called with every event added to the journal (the durable journal of a live run). */
  onEvent?: (event: JournalEvent) => void;
}

/** Depth of a step instance key: `a` 0, `p.b` 1, `m[2]` 1, `m[2].x` 2. */
export function keyDepth(key: string): number {
  return (key.match(/\.|\[/g) ?? []).length;
}

/** The key of the composite step a key is inside, if any. */
export function parentKey(key: string): string | undefined {
  const cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
  return cut > 0 ? key.slice(0, cut) : undefined;
}

export class Stepper {
  readonly definition: WorkflowDefinition;
  readonly inputs: Record<string, JsonValue>;
  journal: JournalEvent[];
  executor: StepExecutor;
  /** Every point passed, in order; the last one is where the run stands when stopped. */
  readonly history: Snapshot[] = [];
  ended: Ended | undefined;
  private decider: Decider;
  private pendingExec: ExecuteCommand | undefined;
  /** The run's last event, held while stopped on the exception that causes it. */
  private pendingEnd: JournalEvent | undefined;
  /** Points of records made in one decision, not yet visited (the run stopped at an earlier one). */
  private queued: Point[] = [];
  private pauseRequested = false;
  private terminateRequested = false;
  private readonly onEvent: ((event: JournalEvent) => void) | undefined;
  private controller = new AbortController();

  constructor(options: StepperOptions) {
    this.definition = options.definition;
    this.inputs = options.inputs;
    this.journal = options.journal;
    this.executor = options.executor;
    this.onEvent = options.onEvent;
    this.decider = new Decider(this.definition, this.inputs);
  }

  /** Stops at the next point, whatever it is. */
  pause(): void {
    this.pauseRequested = true;
  }

  /** Stops the run: a step in flight is aborted, and the run ends cancelled. */
  terminate(): void {
    this.terminateRequested = true;
    this.controller.abort(new Error('the debugger terminated the run'));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private append(event: JournalEvent): void {
    const stamped = { ...event, at: isoNow() } as JournalEvent;
    this.journal.push(stamped);
    this.onEvent?.(stamped);
  }

  private end(ended: Ended, event: JournalEvent): { ended: Ended } {
    this.append(event);
    this.ended = ended;
    return { ended };
  }

  /**
   * Runs until `stopAt` returns a reason for a point (or 'pause' was asked for), or the run ends.
   * `stopAt` is not asked about the point the run stands at when called.
   */
  async advance<R>(stopAt: (point: Point) => R | undefined): Promise<Advance<R | 'pause'>> {
    const check = (point: Point): R | 'pause' | undefined => {
      this.history.push({
        point,
        journalLength: this.journal.length,
        ...(this.pendingExec ? { pendingExec: this.pendingExec } : {}),
        ...(this.pendingEnd ? { pendingEnd: this.pendingEnd } : {}),
        ...(this.queued.length > 0 ? { queued: [...this.queued] } : {}),
      });
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return 'pause';
      }
      return stopAt(point);
    };
    if (this.ended) return { ended: this.ended };
    for (;;) {
      if (this.terminateRequested)
        return this.end({ status: 'cancelled', reason: 'terminated' }, cancelled());
      if (this.pendingEnd) {
        const event = this.pendingEnd;
        this.pendingEnd = undefined;
        return this.end(endedBy(event), event);
      }
      const next = this.queued.shift();
      if (next) {
        const reason = check(next);
        if (reason !== undefined) return { stopped: next, reason };
        continue;
      }
      if (this.pendingExec) {
        const command = this.pendingExec;
        this.pendingExec = undefined;
        const stop = await this.runStep(command, check);
        if (stop) return stop;
        continue;
      }
      const commands = this.decider.decide(this.journal);
      const records = commands.flatMap((c) => (c.type === 'record' ? [c.event] : []));
      if (records.length > 0) {
        for (const event of records) this.append(event);
        for (const event of records) {
          const point = recordPoint(this.definition, event);
          if (point) this.queued.push(point);
        }
        continue;
      }
      const last = commands[commands.length - 1];
      if (last?.type === 'complete_run') {
        return this.end(
          { status: 'succeeded', outputs: last.outputs },
          { type: 'run_completed', outputs: last.outputs },
        );
      }
      if (last?.type === 'cancel_run') return this.end({ status: 'cancelled' }, cancelled(last.reason));
      if (last?.type === 'fail_run') {
        const event: JournalEvent = { type: 'run_failed', error: last.error };
        const filter = last.error.code === 'budget_exceeded' ? 'budget' : 'stepFailed';
        const point: Point = {
          kind: 'exception',
          key: last.error.step ?? '',
          stepId: stepIdOfKey(this.definition, last.error.step ?? ''),
          exception: { filter, message: last.error.message },
        };
        this.pendingEnd = event;
        const reason = check(point);
        if (reason !== undefined) return { stopped: point, reason };
        continue;
      }
      const command = commands.find((c): c is ExecuteCommand => c.type === 'execute');
      const wait = commands.find((c): c is WaitApprovalCommand => c.type === 'wait_approval');
      if (!command && wait) {
        this.answerApproval(wait);
        continue;
      }
      if (!command) throw new Error('the interpreter asked for nothing to be done but the run has not ended');
      const before: Point = { kind: 'before', key: command.key, stepId: command.stepId, command };
      this.pendingExec = command;
      const reason = check(before);
      if (reason !== undefined) return { stopped: before, reason };
    }
  }

  private async runStep<R>(
    command: ExecuteCommand,
    check: (point: Point) => R | undefined,
  ): Promise<Advance<R> | undefined> {
    this.append({ type: 'step_started', key: command.key, attempt: command.attempt });
    const outcome = await this.executor.execute(command, this.journal, this.controller.signal);
    if (this.terminateRequested) return this.end({ status: 'cancelled', reason: 'terminated' }, cancelled());
    if ('diverged' in outcome) {
      const point: Point = {
        kind: 'exception',
        key: command.key,
        stepId: command.stepId,
        exception: { filter: 'diverged', message: outcome.diverged },
      };
      this.journal.pop();
      this.pendingExec = command;
      this.history.push({ point, journalLength: this.journal.length, pendingExec: command });
      return { stopped: point, reason: 'exception' as R };
    }
    this.append(outcome.event);
    if (outcome.event.type === 'step_failed') {
      const next = this.decider.decide(this.journal);
      const retried = next.some((c) => c.type === 'execute' && c.key === command.key);
      if (retried) {
        const point: Point = {
          kind: 'exception',
          key: command.key,
          stepId: command.stepId,
          exception: {
            filter: 'retry',
            message: `step ${command.key} attempt ${command.attempt} failed: ${outcome.event.error.message}; it will be retried`,
          },
        };
        const reason = check(point);
        if (reason !== undefined) return { stopped: point, reason };
      }
      return undefined;
    }
    const after: Point = { kind: 'after', key: command.key, stepId: command.stepId, command };
    const reason = check(after);
    return reason !== undefined ? { stopped: after, reason } : undefined;
  }

  /**
   * An approval step: a replay takes the recorded decision; a live run (nobody to ask inside the debug
   * adapter) takes the step's first decision, `by: debugger`, and says so in a warning. A breakpoint on
   * the step stops after the decision.
   */
  private answerApproval(wait: WaitApprovalCommand): void {
    const recorded = this.executor.approve?.(wait);
    const answer = recorded ?? { decision: wait.decisions[0]!, by: 'debugger' };
    if (!recorded) {
      this.append({
        type: 'warning',
        message: `approval step ${wait.key} (${wait.prompt}): the debugger decided ${answer.decision}, its first decision`,
      });
    }
    this.append({
      type: 'approval_decided',
      key: wait.key,
      decision: answer.decision,
      by: answer.by,
      decidedAt: isoNow(),
      ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
    });
    this.queued.push({ kind: 'after', key: wait.key, stepId: wait.stepId, decision: true });
  }

  /** Goes back to an earlier point of this session (replay): the journal as it was there. */
  rewindTo(index: number): Point {
    const snapshot = this.history[index];
    if (!snapshot) throw new Error(`no point ${index} to go back to`);
    this.history.length = index + 1;
    this.journal.length = snapshot.journalLength;
    this.decider = new Decider(this.definition, this.inputs);
    this.pendingExec = snapshot.pendingExec;
    this.pendingEnd = snapshot.pendingEnd;
    this.queued = snapshot.queued ? [...snapshot.queued] : [];
    this.ended = undefined;
    return snapshot.point;
  }

  /** Changes a finished step's output in the journal; steps that have not run yet read the new value. */
  /**
   * Changes a finished step's output in the journal; steps that have not run yet read the new value.
   * Stopped before a step, its request is rendered again: the new request is returned.
   */
  setOutput(key: string, output: JsonValue): ExecuteCommand | undefined {
    for (let i = this.journal.length - 1; i >= 0; i--) {
      const event = this.journal[i]!;
      if (event.type === 'step_completed' && event.key === key) {
        this.journal[i] = { ...event, output };
        this.decider = new Decider(this.definition, this.inputs);
        this.append({
          type: 'warning',
          message: `the debugger set the output of step ${key} to ${JSON.stringify(output)}`,
        });
        const pending = this.pendingExec;
        if (!pending) return undefined;
        const again = this.decider
          .decide(this.journal)
          .find((c): c is ExecuteCommand => c.type === 'execute' && c.key === pending.key);
        if (again) this.pendingExec = again;
        return this.pendingExec;
      }
    }
    throw new Error(`step ${key} has no output yet`);
  }
}

function cancelled(reason?: string): JournalEvent {
  return { type: 'run_cancelled', ...(reason !== undefined ? { reason } : {}) };
}

function endedBy(event: JournalEvent): Ended {
  if (event.type === 'run_failed') return { status: 'failed', error: event.error };
  if (event.type === 'run_completed') return { status: 'succeeded', outputs: event.outputs };
  return { status: 'cancelled' };
}

/** Points the interpreter's own records make: composite steps starting and ending, decisions. */
function recordPoint(definition: WorkflowDefinition, event: JournalEvent): Point | undefined {
  if (event.type === 'step_started' && event.kind) {
    return { kind: 'before', key: event.key, stepId: stepIdOfKey(definition, event.key), composite: true };
  }
  if (event.type === 'step_completed') {
    return { kind: 'after', key: event.key, stepId: stepIdOfKey(definition, event.key), composite: true };
  }
  if (event.type === 'decision_made') {
    return { kind: 'after', key: event.key, stepId: stepIdOfKey(definition, event.key), decision: true };
  }
  return undefined;
}
