// Deciding an approval step of an embedded run: the outcome types, and the checks made against a
// stored journal when no driver in this process holds the run.
import { isTerminal, type JournalEvent } from '../../engine/journal.js';
import { type ApprovalRecord, pendingApprovals } from '../../engine/run-record.js';
import { findStep } from '../../language/type-flow.js';
import type { WorkflowDefinition } from '../../language/types.js';
import type { ApprovalAnswer } from './driver.js';

export type { ApprovalAnswer } from './driver.js';

export type ApprovalResult =
  | { ok: true; approval: ApprovalRecord }
  | { ok: false; reason: 'no_run' | 'unknown_step' | 'not_waiting'; message: string }
  | { ok: false; reason: 'invalid_decision'; decisions: string[]; message: string }
  | { ok: false; reason: 'elsewhere'; message: string };

/** The step id of an instance key (`par.review` -> `review`, `each[2]` -> `each`'s child, `review`). */
function stepIdOf(key: string): string {
  const last = key.split('.').at(-1) ?? key;
  return last.replace(/\[\d+\]$/, '');
}

export function unknownStep(
  definition: WorkflowDefinition,
  runId: string,
  key: string,
): ApprovalResult | undefined {
  const id = stepIdOf(key);
  const step = findStep(definition, id);
  if (step?.kind === 'approval') return undefined;
  if (step?.kind === 'map' && step.step.kind === 'approval' && /\[\d+\]$/.test(key)) return undefined;
  return {
    ok: false,
    reason: 'unknown_step',
    message: step
      ? `step ${key} of run ${runId} is a ${step.kind} step, not an approval`
      : `run ${runId} has no step ${key}`,
  };
}

export function notWaiting(runId: string, key: string, journal: readonly JournalEvent[]): ApprovalResult {
  const decided = journal.find((e) => e.type === 'approval_decided' && e.key === key);
  const why =
    decided?.type === 'approval_decided'
      ? `it was already decided (${decided.decision} by ${decided.by} at ${decided.decidedAt})`
      : journal.some(isTerminal)
        ? 'the run has ended'
        : 'the run has not reached it';
  return {
    ok: false,
    reason: 'not_waiting',
    message: `step ${key} of run ${runId} is not waiting for a decision: ${why}`,
  };
}

export function invalidDecision(key: string, decision: string, decisions: string[]): ApprovalResult {
  return {
    ok: false,
    reason: 'invalid_decision',
    decisions,
    message: `\`${decision}\` is not a decision of step ${key}; allowed: ${decisions.join(', ')}`,
  };
}

/** Checks an answer against a stored journal: the pending approval it decides, or why not. */
export function checkAgainstJournal(
  runId: string,
  key: string,
  answer: ApprovalAnswer,
  journal: readonly JournalEvent[],
  definition: WorkflowDefinition,
): ApprovalResult {
  const unknown = unknownStep(definition, runId, key);
  if (unknown) return unknown;
  const pending = journal.some(isTerminal)
    ? undefined
    : pendingApprovals(journal).find((a) => a.step === key);
  if (!pending) return notWaiting(runId, key, journal);
  if (!pending.decisions.includes(answer.decision))
    return invalidDecision(key, answer.decision, pending.decisions);
  return { ok: true, approval: pending };
}
