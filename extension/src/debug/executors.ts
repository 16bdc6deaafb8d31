// How the debugger gets a step's result: by running it (live, the runtime's own executors) or from a
// recorded journal (replay: no model or tool call is made).
import {
  createModelClient,
  EmbeddedEngine,
  type ExecuteCommand,
  effectiveInputs,
  executeStep,
  FileRatingsStore,
  foldJournal,
  type JournalEvent,
  type JsonValue,
  modelClientsFor,
  type StepContext,
  toErrorInfo,
  UsageMeter,
  type WaitApprovalCommand,
  type WorkflowDefinition,
} from './runtime.js';

type ResultEvent = Extract<JournalEvent, { type: 'step_completed' | 'step_failed' }>;
export type StepOutcome = { event: ResultEvent } | { diverged: string };

/** How the debugger answers an approval step (undefined: the stepper's default, the first decision). */
export interface ApprovalAnswer {
  decision: string;
  by: string;
  comment?: string;
}

export interface StepExecutor {
  readonly live: boolean;
  /** The answer to an approval step the run waits for: a replay gives the recorded one. */
  approve?(command: WaitApprovalCommand): ApprovalAnswer | undefined;
  execute(
    command: ExecuteCommand,
    journal: readonly JournalEvent[],
    signal: AbortSignal,
  ): Promise<StepOutcome>;
}

export interface LiveOptions {
  runId: string;
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  env: Record<string, string | undefined>;
  dataDir: string;
  /** The journal so far: the budget meter starts from its usage. */
  journal: readonly JournalEvent[];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class LiveExecutor implements StepExecutor {
  readonly live = true;
  private readonly context: Omit<StepContext, 'signal'>;

  constructor(options: LiveOptions) {
    const { definition, env } = options;
    this.context = {
      runId: options.runId,
      definition,
      inputs: effectiveInputs(definition, options.inputs),
      env,
      meter: new UsageMeter(definition.budget, foldJournal(options.journal).usage),
      model: modelClientsFor(definition, (spec) => createModelClient(spec, { env })),
      ratings: new FileRatingsStore(options.dataDir),
      // A sub-workflow step runs its child as one step (its own run in the data dir; no stepping into it).
      runWorkflow: (child) =>
        new EmbeddedEngine({ dataDir: options.dataDir, env }).runChild(options.runId, child),
    };
  }

  async execute(
    command: ExecuteCommand,
    _journal: readonly JournalEvent[],
    signal: AbortSignal,
  ): Promise<StepOutcome> {
    if (command.delayMs > 0) await sleep(command.delayMs, signal);
    try {
      const result = await executeStep(command, { ...this.context, signal });
      return { event: { type: 'step_completed', key: command.key, ...result } };
    } catch (error) {
      const failure = error as { usage?: unknown; calls?: unknown; childRunId?: string };
      return {
        event: {
          type: 'step_failed',
          key: command.key,
          attempt: command.attempt,
          error: toErrorInfo(error),
          ...(failure.usage ? { usage: failure.usage as never } : {}),
          ...(failure.calls ? { calls: failure.calls as never } : {}),
          ...(failure.childRunId ? { childRunId: failure.childRunId } : {}),
        },
      };
    }
  }
}

/** Results of a recorded run by step instance key and attempt. */
export class ReplayExecutor implements StepExecutor {
  readonly live = false;
  private readonly results = new Map<string, ResultEvent>();
  private readonly approvals = new Map<string, ApprovalAnswer>();

  constructor(
    recorded: readonly JournalEvent[],
    private readonly source: string,
  ) {
    const attempts = new Map<string, number>();
    for (const event of recorded) {
      if (event.type === 'step_started') attempts.set(event.key, event.attempt);
      if (event.type === 'step_completed' || event.type === 'step_failed') {
        const attempt = event.type === 'step_failed' ? event.attempt : (attempts.get(event.key) ?? 1);
        const { seq: _seq, at: _at, ...result } = event;
        this.results.set(`${event.key}#${attempt}`, result as ResultEvent);
      }
      if (event.type === 'approval_decided') {
        const { decision, by, comment } = event;
        this.approvals.set(event.key, { decision, by, ...(comment !== undefined ? { comment } : {}) });
      }
    }
  }

  approve(command: WaitApprovalCommand): ApprovalAnswer | undefined {
    return this.approvals.get(command.key);
  }

  async execute(command: ExecuteCommand): Promise<StepOutcome> {
    const result = this.results.get(`${command.key}#${command.attempt}`);
    if (result) return { event: result };
    return {
      diverged:
        `${this.source} has no result for step ${command.key} (attempt ${command.attempt}): the recorded run ` +
        `ended before it, or the workflow changed there. Fork from here to run the rest for real.`,
    };
  }
}
