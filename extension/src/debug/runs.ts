// The two kinds of debugged run: a replay of a recorded journal (in memory, no model or tool call) and a
// live run (a new run id, journaled in the data dir), optionally carrying a replay's events (a fork).
import { LiveExecutor, ReplayExecutor } from './executors.js';
import { type JournalSink, openJournal } from './journal-sink.js';
import type { Prepared, Recording } from './launch.js';
import { isoNow, type JournalEvent, newRunId } from './runtime.js';
import { Stepper } from './stepper.js';

export interface DebuggedRun {
  runId: string;
  stepper: Stepper;
  /** The durable journal of a live run. */
  sink?: JournalSink;
}

export function replayRun(prepared: Prepared, recording: Recording): DebuggedRun {
  const started = recording.events[0]!;
  return {
    runId: started.type === 'run_started' ? started.runId : 'replay',
    stepper: new Stepper({
      definition: prepared.definition,
      inputs: prepared.inputs,
      journal: [started],
      executor: new ReplayExecutor(recording.events, recording.file),
    }),
  };
}

/** A new live run; `carried` are the events of a replay it goes on from (a fork runs the file's definition). */
export async function liveRun(prepared: Prepared, carried: JournalEvent[] = []): Promise<DebuggedRun> {
  const runId = newRunId();
  const definition = carried.length > 0 ? prepared.fileDefinition : prepared.definition;
  const started: JournalEvent = {
    type: 'run_started',
    runId,
    workflow: definition.name,
    inputs: prepared.inputs,
    definition,
    workflowFile: prepared.program,
    // the run's start time (GET /runs types timings strictly since the OpenAPI schemas)
    at: isoNow(),
  };
  const journal = [started, ...carried];
  const sink = await openJournal(prepared.dataDir, runId, journal);
  const stepper = new Stepper({
    definition,
    inputs: prepared.inputs,
    journal,
    executor: new LiveExecutor({
      runId,
      definition,
      inputs: prepared.inputs,
      env: prepared.env,
      dataDir: prepared.dataDir,
      journal,
    }),
    onEvent: (event) => sink.append(event),
  });
  return { runId, stepper, sink };
}
