// Starting and following Weft runs on Temporal: the workflow id is the run id; progress comes from
// polling the workflow's journal query, the final journal from the workflow's result, and the run
// record is built from the journal exactly as the embedded engine builds it.
import {
  ApplicationFailure,
  Client,
  type Connection,
  WorkflowFailedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { isTerminal, type JournalEvent, type RunEvent } from '../../engine/journal.js';
import { newRunId } from '../../engine/run-id.js';
import { type RunRecord, type RunSummary, runRecord } from '../../engine/run-record.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';
import type { ActivityOptions } from './activities.js';
import { hasWeftSearchAttribute, type ListOptions, listTemporalRuns, startMetadata } from './visibility.js';
import {
  connectClient,
  connectWorker,
  createWeftWorker,
  hasWorkflowPoller,
  type TemporalConfig,
} from './worker.js';
import {
  cancelSignal,
  journalQuery,
  type WeftWorkflowInput,
  WORKFLOW_TYPE,
  type weftWorkflow,
} from './workflows.js';

export interface TemporalRunHandle {
  runId: string;
  /** Settles when the run ends; rejects only if the workflow itself failed (an engine error). */
  result: Promise<RunRecord>;
  /** Calls the listener with every event seen so far, then each new one. Returns unsubscribe. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** Asks the workflow to cancel the run (no-op once it has ended). */
  cancel(reason?: string): Promise<void>;
}

export interface FollowOptions {
  /** How often the journal query is polled (default 200 ms). */
  pollMs?: number;
}

/** The journal of a failed Weft run, from its workflow's ApplicationFailure (see workflows.ts). */
export function failedRunJournal(error: unknown): JournalEvent[] | undefined {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const journal = cause.details?.[0];
  return Array.isArray(journal) && journal.some(isTerminal) ? (journal as JournalEvent[]) : undefined;
}

const delay = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));

/** Follows a started workflow: polls its journal and resolves with its run record. */
export function followWorkflow(
  handle: WorkflowHandle<typeof weftWorkflow>,
  runId: string,
  options: FollowOptions = {},
): TemporalRunHandle {
  const pollMs = options.pollMs ?? 200;
  const events: RunEvent[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  const take = (from: number, more: JournalEvent[]) => {
    // `from` is the journal index of more[0]; skip what we already have.
    for (let i = Math.max(0, events.length - from); i < more.length; i++) {
      const event = { ...more[i], runId } as RunEvent;
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  };
  const result = (async () => {
    const final = handle.result().then(
      (journal) => ({ journal }),
      (error: unknown) => ({ error }),
    );
    for (;;) {
      const settled = await Promise.race([final, delay(pollMs)]);
      if (settled) {
        if ('error' in settled) {
          // A failed Weft run fails its workflow; the failure carries the journal.
          const journal = failedRunJournal(settled.error);
          if (journal) {
            take(0, journal);
            return runRecord(journal)!;
          }
          const error = settled.error as Error & { cause?: Error };
          throw new Error(
            `the Temporal workflow for run ${runId} failed: ${error.cause?.message ?? error.message}`,
          );
        }
        take(0, settled.journal);
        return runRecord(settled.journal)!;
      }
      try {
        const from = events.length;
        take(from, await handle.query(journalQuery, from));
      } catch {
        // No worker answered this time (or the workflow just ended): the result says the rest.
      }
      if (events.some(isTerminal)) {
        const settledFinal = await final;
        const journal =
          'journal' in settledFinal ? settledFinal.journal : failedRunJournal(settledFinal.error);
        if (journal) {
          take(0, journal);
          return runRecord(journal)!;
        }
      }
    }
  })().finally(() => listeners.clear());
  result.catch(() => {});

  return {
    runId,
    result,
    onEvent(listener) {
      for (const event of events) listener(event);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async cancel(reason) {
      try {
        await handle.signal(cancelSignal, reason);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return;
        const described = await handle.describe().catch(() => undefined);
        if (described && described.status.name !== 'RUNNING') return;
        throw error;
      }
    },
  };
}

export interface StartRunOptions extends FollowOptions {
  runId?: string;
  workflowFile?: string;
}

/** A client for Weft runs on one namespace and task queue. */
export class TemporalRuns {
  readonly client: Client;

  constructor(
    readonly connection: Connection,
    readonly config: TemporalConfig,
  ) {
    this.client = new Client({ connection, namespace: config.namespace });
  }

  static async connect(config: TemporalConfig): Promise<TemporalRuns> {
    return new TemporalRuns(await connectClient(config), config);
  }

  async start(
    definition: WorkflowDefinition,
    inputs: Record<string, JsonValue>,
    options: StartRunOptions = {},
  ): Promise<TemporalRunHandle> {
    const runId = options.runId ?? newRunId();
    const input: WeftWorkflowInput = {
      runId,
      definition,
      inputs,
      ...(options.workflowFile !== undefined ? { workflowFile: options.workflowFile } : {}),
    };
    const handle = await this.client.workflow.start<typeof weftWorkflow>(WORKFLOW_TYPE, {
      taskQueue: this.config.taskQueue,
      workflowId: runId,
      args: [input],
      ...(await this.describedBy(definition, options.workflowFile)),
    });
    return followWorkflow(handle, runId, options);
  }

  private searchable: Promise<boolean> | undefined;

  /** Memo, summary and (when the namespace has it) the WeftWorkflow search attribute for a new run. */
  private async describedBy(definition: WorkflowDefinition, workflowFile: string | undefined) {
    this.searchable ??= hasWeftSearchAttribute(this.connection, this.config.namespace);
    return startMetadata(definition, workflowFile, await this.searchable);
  }

  /** Weft runs on this namespace, newest first (Temporal's visibility API). */
  list(options: ListOptions): Promise<RunSummary[]> {
    return listTemporalRuns(this.client, options);
  }

  /** Follows an existing run, or returns undefined when there is no workflow with this id. */
  async attach(runId: string, options: FollowOptions = {}): Promise<TemporalRunHandle | undefined> {
    const handle = this.client.workflow.getHandle<typeof weftWorkflow>(runId);
    try {
      await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
    return followWorkflow(handle, runId, options);
  }

  /** True when a worker polled the task queue in the last 90 seconds. */
  hasWorker(): Promise<boolean> {
    return hasWorkflowPoller(this.connection, this.config);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** A worker running in this process until stop() (for `weft run` when no worker is polling). */
export interface InProcessWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export async function startInProcessWorker(
  config: TemporalConfig,
  options: ActivityOptions = {},
): Promise<InProcessWorker> {
  const connection: NativeConnection = await connectWorker(config);
  let worker: Worker;
  try {
    worker = await createWeftWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      identity: `weft-run-${process.pid}`,
      ...options,
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run();
  running.catch(() => {});
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await connection.close();
    },
  };
}
