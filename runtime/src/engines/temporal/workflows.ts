// The Temporal workflow: the same interpreter as the embedded engine, driven from Temporal's
// deterministic sandbox. Step side effects are activities; the journal lives in workflow memory and
// is rebuilt by replay. Only deterministic code may be imported here (checked by bundle.test.ts).
//
// It mirrors the embedded driver (engines/embedded/driver.ts) event for event: step_started is
// recorded when a step's activity is scheduled (after its retry delay), its result when the activity
// returns; a run that fails or is cancelled first stops its in-flight steps, records their outcome,
// then records the end of the run. Event `at` is workflow time (deterministic under replay).
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertMemo,
} from '@temporalio/workflow';
import type { ExecuteCommand, WaitApprovalCommand } from '../../engine/commands.js';
import { decide, effectiveInputs } from '../../engine/interpreter.js';
import type { ErrorInfo, JournalEvent, ModelCallRecord, Usage } from '../../engine/journal.js';
import { foldJournal } from '../../engine/state.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';
import { type ApprovalUpdateInput, approvalRefusal, type DecidedApproval } from './approval-update.js';
import { runChildWorkflow } from './child-workflow.js';
import { stepActivityId, stepDefinition, stepInputs, stepSummary } from './step-definition.js';

export const WORKFLOW_TYPE = 'weftWorkflow';

export interface WeftWorkflowInput {
  runId: string;
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  workflowFile?: string;
  /** The run of a sub-workflow step (a child workflow): its parent run and step instance. */
  parent?: { runId: string; stepKey: string };
}

export interface ExecuteStepInput {
  runId: string;
  /** What the step needs of the definition (stepDefinition): its models, agents, tools and the budget. */
  definition: WorkflowDefinition;
  /** Inputs with defaults filled in, for the steps that read them (tool and agent steps), else {}. */
  inputs: Record<string, JsonValue>;
  command: ExecuteCommand;
  /** What the run had spent when the step was scheduled (starts the step's budget breaker). */
  usageSoFar: Usage;
}

/**
 * A step's outcome. A failed step's activity fails (Temporal shows it failed) with an
 * ApplicationFailure whose type is the error code and whose first detail is this outcome, so the
 * workflow journals the code and what the step spent.
 */
export type ExecuteStepOutcome =
  | { ok: true; output: JsonValue; usage: Usage; calls: ModelCallRecord[]; childRunId?: string }
  | { ok: false; error: ErrorInfo; usage?: Usage; calls?: ModelCallRecord[]; childRunId?: string };

export interface WeftActivities {
  executeStep(input: ExecuteStepInput): Promise<ExecuteStepOutcome>;
}

/** Requests cancellation of the run (optional reason). */
export const cancelSignal = defineSignal<[string?]>('weft.cancel');
/**
 * Decides an approval step the run waits for. Refused (validator) with an ApplicationFailure typed
 * `unknown_step`, `not_waiting` or `invalid_decision` (details[0]: the allowed decisions).
 */
export const approvalUpdate = defineUpdate<DecidedApproval, [ApprovalUpdateInput]>('weft.approval');
/** The run's journal from index `after` (default 0) on. */
export const journalQuery = defineQuery<JournalEvent[], [number?]>('weft.journal');

/**
 * A step stopped by the budget breaker is journaled after its in-flight siblings report (at most
 * this long), as in the embedded engine, where the step that crossed the budget reports first.
 */
const BREAKER_VICTIM_WAIT_MS = 5000;

/** Extra time an activity gets beyond the step's own timeout (which the executor enforces itself). */
const TIMEOUT_MARGIN_MS = 30_000;

function activitiesFor(command: ExecuteCommand): WeftActivities {
  return proxyActivities<WeftActivities>({
    // Temporal's UI and CLI name the step: activity id `step:classify`, summary `step classify (llm ...)`.
    activityId: stepActivityId(command),
    summary: stepSummary(command),
    startToCloseTimeout: command.timeoutMs !== undefined ? command.timeoutMs + TIMEOUT_MARGIN_MS : '24 hours',
    // The activity heartbeats every second: a worker that dies is noticed within this time.
    heartbeatTimeout: '30 seconds',
    // Retries are the interpreter's decision (retry.attempts), not Temporal's.
    retry: { maximumAttempts: 1 },
    // A stopped run waits for its steps to stop (like the embedded driver's settle()).
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

/** An activity that did not return an outcome (cancelled, timed out, worker lost) as step error info. */
function failedOutcome(error: unknown, command: ExecuteCommand): ExecuteStepOutcome {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const outcome = cause.details?.[0] as ExecuteStepOutcome | undefined;
    if (outcome && typeof outcome === 'object' && outcome.ok === false) return outcome;
  }
  return { ok: false, error: failureInfo(cause, command) };
}

function failureInfo(cause: unknown, command: ExecuteCommand): ErrorInfo {
  if (cause instanceof CancelledFailure) {
    return { code: 'cancelled', message: `step ${command.key} was cancelled`, retryable: false };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      code: 'timeout',
      message: `step ${command.key}: the activity timed out (${String(cause.timeoutType)}); its worker may have stopped`,
    };
  }
  if (cause instanceof ApplicationFailure) {
    return {
      code: cause.type ?? 'error',
      message: cause.message,
      ...(cause.nonRetryable ? { retryable: false } : {}),
    };
  }
  return { code: 'error', message: (cause as Error)?.message ?? String(cause) };
}

type Unstamped = JournalEvent extends infer E ? (E extends unknown ? Omit<E, 'seq' | 'at'> : never) : never;

export async function weftWorkflow(input: WeftWorkflowInput): Promise<JournalEvent[]> {
  const { runId, definition, inputs } = input;
  const resolvedInputs = effectiveInputs(definition, inputs);
  const journal: JournalEvent[] = [];
  const append = (event: Unstamped) => {
    journal.push({ ...event, seq: journal.length + 1, at: new Date().toISOString() } as JournalEvent);
  };
  append({
    type: 'run_started',
    runId,
    workflow: definition.name,
    inputs: resolvedInputs,
    ...(input.workflowFile !== undefined ? { workflowFile: input.workflowFile } : {}),
    ...(input.parent ? { parent: input.parent } : {}),
  });

  const inFlight = new Map<string, Promise<void>>();
  const steps = new CancellationScope();
  let changed = false;
  let pendingCancel: { reason?: string } | undefined;
  let fatal: { error: unknown } | undefined;
  let breakerVictims = 0;
  setHandler(cancelSignal, (reason) => {
    pendingCancel = reason !== undefined ? { reason } : {};
  });
  setHandler(journalQuery, (after) => journal.slice(Math.max(0, after ?? 0)));

  // approval steps: what the run waits for (as the last decision listed it), decided by the update or
  // by a workflow timer from the request's journaled (workflow) time
  const waiting = new Map<string, WaitApprovalCommand>();
  const timed = new Set<string>();
  const decideApproval = (input: ApprovalUpdateInput, timedOut: boolean): DecidedApproval => {
    waiting.delete(input.key);
    const decidedAt = new Date().toISOString();
    append({
      type: 'approval_decided',
      key: input.key,
      decision: input.decision,
      by: input.by,
      decidedAt,
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
      ...(timedOut ? { timedOut: true } : {}),
    });
    changed = true;
    return {
      step: input.key,
      decision: input.decision,
      by: input.by,
      at: decidedAt,
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
    };
  };
  setHandler(approvalUpdate, (input) => decideApproval(input, false), {
    validator: (input) => {
      const refusal = approvalRefusal(definition, journal, waiting, input);
      if (refusal) {
        throw ApplicationFailure.create({
          type: refusal.reason,
          message: refusal.message,
          nonRetryable: true,
          ...(refusal.decisions ? { details: [refusal.decisions] } : {}),
        });
      }
    },
  });
  const track = (waits: WaitApprovalCommand[]) => {
    waiting.clear();
    for (const wait of waits) {
      waiting.set(wait.key, wait);
      if (wait.timeoutMs === undefined || timed.has(wait.key)) continue;
      timed.add(wait.key);
      const requested = journal.find((e) => e.type === 'approval_requested' && e.key === wait.key);
      const since = requested?.at ? Date.parse(requested.at) : Date.now();
      const remaining = Math.max(0, since + wait.timeoutMs - Date.now());
      const decision = wait.onTimeout ?? wait.decisions[wait.decisions.length - 1]!;
      void sleep(remaining).then(() => {
        if (waiting.has(wait.key)) decideApproval({ key: wait.key, decision, by: 'timeout' }, true);
      });
    }
  };

  const launch = (command: ExecuteCommand) => {
    const task = steps
      .run(async () => {
        if (command.delayMs > 0) await sleep(command.delayMs);
        append({ type: 'step_started', key: command.key, attempt: command.attempt });
        let outcome: ExecuteStepOutcome;
        try {
          outcome =
            command.request.kind === 'workflow'
              ? await runChildWorkflow(runId, definition, command)
              : await activitiesFor(command).executeStep({
                  runId,
                  definition: stepDefinition(definition, command),
                  inputs: stepInputs(command, resolvedInputs),
                  command,
                  usageSoFar: foldJournal(journal).usage,
                });
        } catch (error) {
          outcome = failedOutcome(error, command);
        }
        if (!outcome.ok && outcome.error.code === 'budget_exceeded') {
          breakerVictims += 1;
          await CancellationScope.nonCancellable(() =>
            condition(() => inFlight.size <= breakerVictims, BREAKER_VICTIM_WAIT_MS),
          );
          breakerVictims -= 1;
        }
        if (outcome.ok) {
          append({
            type: 'step_completed',
            key: command.key,
            output: outcome.output,
            usage: outcome.usage,
            calls: outcome.calls,
            ...(outcome.childRunId ? { childRunId: outcome.childRunId } : {}),
          });
        } else {
          append({
            type: 'step_failed',
            key: command.key,
            attempt: command.attempt,
            error: outcome.error,
            ...(outcome.usage ? { usage: outcome.usage } : {}),
            ...(outcome.calls ? { calls: outcome.calls } : {}),
            ...(outcome.childRunId ? { childRunId: outcome.childRunId } : {}),
          });
        }
      })
      .catch((error: unknown) => {
        // A retry delay cut short by the run stopping: the step never started (as in the embedded driver).
        if (!isCancellation(error)) fatal ??= { error };
      })
      .finally(() => {
        inFlight.delete(command.key);
        changed = true;
      });
    inFlight.set(command.key, task);
  };

  /** The run's end in the memo, for `weft runs` and Temporal users (Temporal's status alone says less). */
  const memoEnd = (status: string, error?: string) => {
    const { usage } = foldJournal(journal);
    upsertMemo({
      weftStatus: status,
      weftUsage: usage,
      ...(error !== undefined ? { weftError: error } : {}),
    });
  };

  const stop = async () => {
    if (inFlight.size > 0) steps.cancel();
    await Promise.allSettled([...inFlight.values()]);
  };

  for (;;) {
    if (fatal) {
      await stop();
      throw engineFailure(fatal.error);
    }
    if (pendingCancel) {
      append({ type: 'cancel_requested', ...pendingCancel });
      pendingCancel = undefined;
    }
    changed = false;
    let commands: ReturnType<typeof decide>;
    try {
      commands = decide(definition, inputs, journal);
    } catch (error) {
      await stop();
      throw engineFailure(error);
    }
    track(commands.filter((c): c is WaitApprovalCommand => c.type === 'wait_approval'));
    for (const command of commands) {
      switch (command.type) {
        case 'record':
          append(command.event);
          break;
        case 'execute':
          if (!inFlight.has(command.key)) launch(command);
          break;
        case 'complete_run':
          await Promise.allSettled([...inFlight.values()]);
          append({ type: 'run_completed', outputs: command.outputs });
          memoEnd('succeeded');
          return journal;
        case 'fail_run':
          await stop();
          append({ type: 'run_failed', error: command.error });
          memoEnd('failed', command.error.code);
          // The Temporal workflow fails too, typed with the Weft error code (budget_exceeded, ...), so
          // Temporal's status, filters and alerts see it; the journal rides along as its first detail.
          throw ApplicationFailure.create({
            type: command.error.code,
            message: command.error.message,
            nonRetryable: true,
            details: [journal],
          });
        case 'cancel_run':
          await stop();
          append({
            type: 'run_cancelled',
            ...(command.reason !== undefined ? { reason: command.reason } : {}),
          });
          memoEnd('cancelled');
          return journal;
      }
    }
    if (commands.some((c) => c.type === 'record')) continue;
    if (inFlight.size === 0 && waiting.size === 0) {
      throw engineFailure(
        new Error('the interpreter asked for nothing to be done but the run has not ended'),
      );
    }
    await condition(() => changed || pendingCancel !== undefined || fatal !== undefined);
  }
}

/** An engine bug fails the workflow (rather than retrying the workflow task forever). */
function engineFailure(error: unknown): ApplicationFailure {
  const message = (error as Error)?.message ?? String(error);
  return ApplicationFailure.nonRetryable(`weft engine error: ${message}`, 'weft_engine_error');
}
