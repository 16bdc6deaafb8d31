// The approval update's payloads and its validation, pure (it runs in the workflow sandbox too).
import type { WaitApprovalCommand } from '../../engine/commands.js';
import type { JournalEvent } from '../../engine/journal.js';
import { findStep } from '../../language/type-flow.js';
import type { WorkflowDefinition } from '../../language/types.js';

export interface ApprovalUpdateInput {
  /** The approval step's instance key. */
  key: string;
  decision: string;
  by: string;
  comment?: string;
}

export interface DecidedApproval {
  step: string;
  decision: string;
  by: string;
  at: string;
  comment?: string;
}

export interface ApprovalRefusal {
  reason: 'unknown_step' | 'not_waiting' | 'invalid_decision';
  message: string;
  decisions?: string[];
}

/** Why the update cannot decide `input` now, or undefined when it can. */
export function approvalRefusal(
  definition: WorkflowDefinition,
  journal: readonly JournalEvent[],
  waiting: ReadonlyMap<string, WaitApprovalCommand>,
  input: ApprovalUpdateInput,
): ApprovalRefusal | undefined {
  const key = input.key;
  const id = (key.split('.').at(-1) ?? key).replace(/\[\d+\]$/, '');
  const step = findStep(definition, id);
  const isApproval = step?.kind === 'approval' || (step?.kind === 'map' && step.step.kind === 'approval');
  if (!isApproval) {
    return {
      reason: 'unknown_step',
      message: step ? `step ${key} is a ${step.kind} step, not an approval` : `the run has no step ${key}`,
    };
  }
  const wait = waiting.get(key);
  if (!wait) {
    const decided = journal.find((e) => e.type === 'approval_decided' && e.key === key);
    const why =
      decided?.type === 'approval_decided'
        ? `it was already decided (${decided.decision} by ${decided.by} at ${decided.decidedAt})`
        : 'the run has not reached it';
    return { reason: 'not_waiting', message: `step ${key} is not waiting for a decision: ${why}` };
  }
  if (!wait.decisions.includes(input.decision)) {
    return {
      reason: 'invalid_decision',
      message: `\`${input.decision}\` is not a decision of step ${key}; allowed: ${wait.decisions.join(', ')}`,
      decisions: wait.decisions,
    };
  }
  return undefined;
}
