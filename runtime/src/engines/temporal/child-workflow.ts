// Sub-workflow steps on Temporal: the child is a Temporal child workflow of the same Weft workflow type, with
// the child's definition (resolved at load time, carried on the step's spec), the workflow id the embedded
// engine gives the child run (childRunIdFor: `<parent run id>.<step key>`), and the memo a run gets. Its
// journal (the workflow's result, or its failure's first detail) gives the step's outcome. Deterministic:
// runs inside the workflow sandbox.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  TimeoutFailure,
} from '@temporalio/workflow';
import { childDefinition, type ExecuteCommand } from '../../engine/commands.js';
import { childRunIdFor } from '../../engine/ids.js';
import { callsOf, type JournalEvent } from '../../engine/journal.js';
import { foldJournal } from '../../engine/state.js';
import { findStep } from '../../language/type-flow.js';
import type { WorkflowDefinition } from '../../language/types.js';
import type { ExecuteStepOutcome, WeftWorkflowInput } from './workflows.js';

export const CHILD_WORKFLOW_TYPE = 'weftWorkflow';

function spent(journal: readonly JournalEvent[] | undefined) {
  if (!journal || journal.length === 0) return {};
  return { usage: foldJournal(journal).usage, calls: callsOf(journal) };
}

export async function runChildWorkflow(
  parentRunId: string,
  definition: WorkflowDefinition,
  command: ExecuteCommand,
): Promise<ExecuteStepOutcome> {
  const request = command.request;
  const spec = findStep(definition, command.stepId);
  if (request.kind !== 'workflow' || spec?.kind !== 'workflow' || !spec.definition) {
    return {
      ok: false,
      error: {
        code: 'workflow_unresolved',
        message: `step ${command.key}: the sub-workflow was not resolved when this workflow was loaded; load it from its file`,
        retryable: false,
      },
    };
  }
  const child = childDefinition(spec.definition, request);
  const childRunId = childRunIdFor(parentRunId, command.key, command.attempt);
  const input: WeftWorkflowInput = {
    runId: childRunId,
    definition: child,
    inputs: request.inputs,
    ...(spec.file !== undefined ? { workflowFile: spec.file } : {}),
    parent: { runId: parentRunId, stepKey: command.key },
  };
  try {
    const journal = await executeChild<(input: WeftWorkflowInput) => Promise<JournalEvent[]>>(
      CHILD_WORKFLOW_TYPE,
      {
        workflowId: childRunId,
        args: [input],
        memo: {
          weftWorkflow: child.name,
          ...(child.version !== undefined ? { weftVersion: child.version } : {}),
          ...(spec.file !== undefined ? { weftWorkflowFile: spec.file } : {}),
          weftParentRunId: parentRunId,
        },
        staticSummary: `weft ${child.name} (sub-workflow of step ${command.key})`,
        parentClosePolicy: ParentClosePolicy.TERMINATE,
        ...(command.timeoutMs !== undefined ? { workflowExecutionTimeout: command.timeoutMs } : {}),
      },
    );
    const end = journal.at(-1);
    if (end?.type === 'run_completed') {
      const { usage, calls } = spent(journal) as { usage: never; calls: never };
      return { ok: true, output: end.outputs, usage, calls, childRunId };
    }
    return {
      ok: false,
      error: {
        code: 'cancelled',
        message: `sub-workflow ${request.workflow} (run ${childRunId}) was cancelled`,
        retryable: false,
      },
      ...spent(journal),
      childRunId,
    };
  } catch (error) {
    const cause = error instanceof ChildWorkflowFailure ? error.cause : error;
    if (cause instanceof ApplicationFailure && cause.type !== 'weft_engine_error') {
      const journal = cause.details?.[0] as JournalEvent[] | undefined;
      const code = cause.type ?? 'error';
      return {
        ok: false,
        error: {
          code,
          message: `sub-workflow ${request.workflow} (run ${childRunId}) failed: ${cause.message}`,
          ...(code === 'budget_exceeded' ? { retryable: false } : {}),
        },
        ...spent(Array.isArray(journal) ? journal : undefined),
        childRunId,
      };
    }
    if (cause instanceof TimeoutFailure) {
      const message = `step ${command.key} timed out after ${command.timeoutMs}ms`;
      return { ok: false, error: { code: 'timeout', message }, childRunId };
    }
    if (isCancellation(error)) {
      const message = `sub-workflow ${request.workflow} (run ${childRunId}) was cancelled`;
      return { ok: false, error: { code: 'cancelled', message, retryable: false }, childRunId };
    }
    return {
      ok: false,
      error: {
        code: 'error',
        message: `sub-workflow ${request.workflow} (run ${childRunId}): ${(cause as Error)?.message ?? String(cause)}`,
      },
      childRunId,
    };
  }
}
