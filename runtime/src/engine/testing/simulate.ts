// A synchronous, in-memory driver for interpreter tests: executes commands with a fake executor.
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';
import type { Command, ExecuteCommand, WaitApprovalCommand } from '../commands.js';
import { decide } from '../interpreter.js';
import type { ErrorInfo, JournalEvent, Usage } from '../journal.js';

export type FakeResult = { output: JsonValue; usage?: Usage } | { error: ErrorInfo; usage?: Usage };
export type FakeExecutor = (command: ExecuteCommand) => FakeResult;
/** Answers an approval the run waits for (default: its first decision, by `test`). */
export type FakeApprover = (command: WaitApprovalCommand) => {
  decision: string;
  by?: string;
  comment?: string;
};

export interface Simulation {
  journal: JournalEvent[];
  /** Every batch of commands decide() returned, in order. */
  batches: Command[][];
  executed: ExecuteCommand[];
  /** Largest number of executions in flight at once, per map key prefix. */
  maxInFlight: Map<string, number>;
}

/**
 * Records a batch of decide()'s commands as a driver would: records, run endings, and a `step_started` for
 * each execution not already in flight (added to `inFlight`). Returns the executions it started.
 */
export function applyCommands(
  journal: JournalEvent[],
  commands: readonly Command[],
  inFlight: ExecuteCommand[],
): ExecuteCommand[] {
  const started: ExecuteCommand[] = [];
  for (const command of commands) {
    if (command.type === 'record') journal.push(command.event);
    else if (command.type === 'complete_run')
      journal.push({ type: 'run_completed', outputs: command.outputs });
    else if (command.type === 'fail_run') journal.push({ type: 'run_failed', error: command.error });
    else if (command.type === 'cancel_run') journal.push({ type: 'run_cancelled' });
    else if (command.type === 'wait_approval') continue;
    else if (!inFlight.some((c) => c.key === command.key)) {
      journal.push({ type: 'step_started', key: command.key, attempt: command.attempt });
      inFlight.push(command);
      started.push(command);
    }
  }
  return started;
}

/** True once the journal records the run's end. */
export function hasEnded(journal: readonly JournalEvent[]): boolean {
  return journal.some(
    (e) => e.type === 'run_completed' || e.type === 'run_failed' || e.type === 'run_cancelled',
  );
}

/**
 * Runs to the end. Executions are started in batches and completed one at a time (first in, first
 * out), so several are in flight at once the way a real driver has them.
 */
export function simulate(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  executor: FakeExecutor,
  journal: JournalEvent[] = [{ type: 'run_started', runId: 'r1', workflow: definition.name, inputs }],
  approve: FakeApprover = (command) => ({ decision: command.decisions[0]! }),
): Simulation {
  const sim: Simulation = { journal, batches: [], executed: [], maxInFlight: new Map() };
  const inFlight: ExecuteCommand[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const commands = decide(definition, inputs, journal);
    sim.batches.push(commands);
    sim.executed.push(...applyCommands(journal, commands, inFlight));
    if (hasEnded(journal)) return sim;
    const prefixes = new Map<string, number>();
    for (const c of inFlight) {
      const prefix = c.key.replace(/\[\d+\].*$/, '');
      prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
    }
    for (const [prefix, n] of prefixes)
      sim.maxInFlight.set(prefix, Math.max(sim.maxInFlight.get(prefix) ?? 0, n));
    const next = inFlight.shift();
    if (!next) {
      const wait = commands.find((c): c is WaitApprovalCommand => c.type === 'wait_approval');
      if (!wait) throw new Error('simulation stalled');
      const answer = approve(wait);
      journal.push({
        type: 'approval_decided',
        key: wait.key,
        decision: answer.decision,
        by: answer.by ?? 'test',
        decidedAt: '2026-01-01T00:00:00.000Z',
        ...(answer.comment !== undefined ? { comment: answer.comment } : {}),
      });
      continue;
    }
    const result = executor(next);
    if ('error' in result) {
      journal.push({
        type: 'step_failed',
        key: next.key,
        attempt: next.attempt,
        error: result.error,
        ...(result.usage ? { usage: result.usage } : {}),
      });
    } else {
      journal.push({
        type: 'step_completed',
        key: next.key,
        output: result.output,
        usage: result.usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
        calls: [],
      });
    }
  }
  throw new Error('simulation did not finish');
}

export function usage(tokens: number, costUsd = 0): Usage {
  return { inputTokens: tokens, outputTokens: 0, totalTokens: tokens, costUsd };
}
