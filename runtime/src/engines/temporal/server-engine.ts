// Runs the server's runs on Temporal (`weft serve` with WEFT_ENGINE=temporal): each run is a Weft
// workflow on the task queue, executed by `weft worker`s; the server follows it and stores the record.
// Shaped like the server's engine port (server/engine.ts) without importing it.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { RunEvent } from '../../engine/journal.js';
import { newRunId } from '../../engine/run-id.js';
import type { RunRecord } from '../../engine/run-record.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';
import { TemporalRuns } from './client.js';
import type { TemporalConfig } from './worker.js';
import { cancelSignal } from './workflows.js';

export interface TemporalServerRun {
  runId: string;
  result: Promise<RunRecord>;
  onEvent(listener: (event: RunEvent) => void): void;
}

export class TemporalServerEngine {
  private runs?: Promise<TemporalRuns>;

  constructor(readonly config: TemporalConfig) {}

  /** One client connection, made on first use (and again after a failed attempt). */
  private connect(): Promise<TemporalRuns> {
    this.runs ??= TemporalRuns.connect(this.config).catch((error: unknown) => {
      this.runs = undefined;
      throw error;
    });
    return this.runs;
  }

  start(
    definition: WorkflowDefinition,
    inputs: Record<string, JsonValue>,
    opts: { runId?: string; workflowFile?: string } = {},
  ): TemporalServerRun {
    const runId = opts.runId ?? newRunId();
    const handle = this.connect().then((runs) =>
      runs.start(definition, inputs, {
        runId,
        ...(opts.workflowFile !== undefined ? { workflowFile: opts.workflowFile } : {}),
      }),
    );
    return {
      runId,
      result: handle.then((h) => h.result),
      onEvent(listener) {
        handle.then(
          (h) => h.onEvent(listener),
          () => {}, // the result reports the failure
        );
      },
    };
  }

  async cancel(runId: string, reason?: string): Promise<void> {
    const runs = await this.connect();
    try {
      await runs.client.workflow.getHandle(runId).signal(cancelSignal, reason);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  async close(): Promise<void> {
    const runs = await this.runs?.catch(() => undefined);
    await runs?.close();
  }
}
