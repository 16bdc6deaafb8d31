// The Temporal workflow: the same interpreter as the embedded engine, driven from Temporal's
// deterministic sandbox. Step side effects are activities; the journal lives in workflow memory and
// is rebuilt by replay. Only deterministic code may be imported here (checked by bundle.test.ts).
import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { ExecuteCommand } from '../../engine/commands.js';
import { decide } from '../../engine/interpreter.js';
import type { ErrorInfo, JournalEvent, ModelCallRecord, Usage } from '../../engine/journal.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';

export interface WeftWorkflowInput {
  runId: string;
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
}

export interface ExecuteStepInput extends WeftWorkflowInput {
  command: ExecuteCommand;
}

/** Activities report failures as values so the workflow can journal the error code and usage. */
export type ExecuteStepOutcome =
  | { ok: true; output: JsonValue; usage: Usage; calls: ModelCallRecord[] }
  | { ok: false; error: ErrorInfo; usage?: Usage; calls?: ModelCallRecord[] };

export interface WeftActivities {
  executeStep(input: ExecuteStepInput): Promise<ExecuteStepOutcome>;
}

export const cancelSignal = defineSignal<[string?]>('weft.cancel');
export const journalQuery = defineQuery<JournalEvent[]>('weft.journal');

const activities = proxyActivities<WeftActivities>({
  startToCloseTimeout: '1 hour',
  // Retries are the interpreter's decision (retry.attempts), not Temporal's.
  retry: { maximumAttempts: 1 },
});

export async function weftWorkflow(input: WeftWorkflowInput): Promise<JournalEvent[]> {
  const { runId, definition, inputs } = input;
  const journal: JournalEvent[] = [{ type: 'run_started', runId, workflow: definition.name, inputs }];
  const inFlight = new Map<string, Promise<void>>();
  let cancel: { reason?: string } | undefined;
  setHandler(cancelSignal, (reason) => {
    cancel = reason !== undefined ? { reason } : {};
  });
  setHandler(journalQuery, () => journal);

  const launch = (command: ExecuteCommand) => {
    const task = (async () => {
      if (command.delayMs > 0) await sleep(command.delayMs);
      journal.push({ type: 'step_started', key: command.key, attempt: command.attempt });
      const outcome = await activities.executeStep({ ...input, command });
      if (outcome.ok) {
        journal.push({
          type: 'step_completed',
          key: command.key,
          output: outcome.output,
          usage: outcome.usage,
          calls: outcome.calls,
        });
      } else {
        journal.push({
          type: 'step_failed',
          key: command.key,
          attempt: command.attempt,
          error: outcome.error,
          ...(outcome.usage ? { usage: outcome.usage } : {}),
          ...(outcome.calls ? { calls: outcome.calls } : {}),
        });
      }
    })().finally(() => inFlight.delete(command.key));
    inFlight.set(command.key, task);
  };

  for (;;) {
    if (cancel) {
      journal.push({ type: 'cancel_requested', ...cancel });
      cancel = undefined;
    }
    const commands = decide(definition, inputs, journal);
    let recorded = false;
    for (const command of commands) {
      switch (command.type) {
        case 'record':
          journal.push(command.event);
          recorded = true;
          break;
        case 'execute':
          if (!inFlight.has(command.key)) launch(command);
          break;
        case 'complete_run':
          journal.push({ type: 'run_completed', outputs: command.outputs });
          return journal;
        case 'fail_run':
          journal.push({ type: 'run_failed', error: command.error });
          return journal;
        case 'cancel_run':
          journal.push({
            type: 'run_cancelled',
            ...(command.reason !== undefined ? { reason: command.reason } : {}),
          });
          return journal;
      }
    }
    if (recorded) continue;
    if (inFlight.size === 0)
      throw new Error('the interpreter asked for nothing to be done but the run has not ended');
    await Promise.race([...inFlight.values(), condition(() => cancel !== undefined)]);
  }
}
