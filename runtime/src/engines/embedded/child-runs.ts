// Sub-workflow steps on the embedded engine: the child is a run of its own (its own journal, listed with the
// others), with a run id derived from the parent's run id and the step instance (childRunIdFor), and linked
// both ways: the child's run_started names its parent, the parent's step events name the child's run id.
// A parent that resumes after a crash re-runs the interrupted step and finds its child by that id: an ended
// child gives its result, an unfinished one is resumed (its finished steps are never run again).
import { childDefinition } from '../../engine/commands.js';
import { childRunIdFor } from '../../engine/ids.js';
import { callsOf, isTerminal, type JournalEvent } from '../../engine/journal.js';
import { type RunRecord, runRecord } from '../../engine/run-record.js';
import type { ChildRun, StepResult, TextDeltaListener } from '../../engine/steps/context.js';
import { StepError } from '../../engine/steps/errors.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';

interface Handle {
  result: Promise<RunRecord>;
}

/** What a child run needs of the engine (EmbeddedEngine provides it). */
export interface ChildRunEngine {
  /** The result of a run this process is driving, if it is. */
  active(runId: string): Promise<RunRecord> | undefined;
  /** A stored run's journal, if there is one. */
  read(runId: string): Promise<JournalEvent[] | undefined>;
  start(
    definition: WorkflowDefinition,
    inputs: Record<string, JsonValue>,
    opts: {
      runId: string;
      parent: { runId: string; stepKey: string };
      workflowFile?: string;
      signal: AbortSignal;
      onTextDelta?: TextDeltaListener;
    },
  ): Handle;
  resume(runId: string, opts: { signal: AbortSignal; onTextDelta?: TextDeltaListener }): Handle;
}

export async function runChild(
  engine: ChildRunEngine,
  parentRunId: string,
  child: ChildRun,
  onTextDelta: TextDeltaListener | undefined,
): Promise<StepResult> {
  const { command, signal } = child;
  const runId = childRunIdFor(parentRunId, command.key, command.attempt);
  const deltas: TextDeltaListener | undefined = onTextDelta
    ? (key, text, model) => onTextDelta(`${command.key}/${key}`, text, model)
    : undefined;
  const withDeltas = deltas ? { onTextDelta: deltas } : {};
  let ended = engine.active(runId);
  if (!ended) {
    const stored = await engine.read(runId);
    if (stored && stored.length > 0 && stored.some(isTerminal)) ended = Promise.resolve(runRecord(stored)!);
    else if (stored && stored.length > 0) ended = engine.resume(runId, { signal, ...withDeltas }).result;
    else {
      ended = engine.start(childDefinition(child.definition, command.request), command.request.inputs, {
        runId,
        parent: { runId: parentRunId, stepKey: command.key },
        ...(child.file !== undefined ? { workflowFile: child.file } : {}),
        signal,
        ...withDeltas,
      }).result;
    }
  }
  const record = await ended;
  const journal = (await engine.read(runId)) ?? [];
  const spent = { usage: record.usage, calls: callsOf(journal), childRunId: runId };
  if (record.status === 'succeeded') return { output: record.outputs ?? {}, ...spent };
  const code = record.error?.code ?? 'error';
  const failure = new StepError(
    code,
    `sub-workflow ${command.request.workflow} (run ${runId}) ${record.status === 'cancelled' ? 'was cancelled' : 'failed'}: ${record.error?.message ?? 'unknown error'}`,
    code !== 'budget_exceeded' && code !== 'cancelled',
  );
  Object.assign(failure, spent);
  throw failure;
}
