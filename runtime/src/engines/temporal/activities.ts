// The executeStep activity: the shared step executor (engine/steps/execute.ts) with the worker's
// environment, model clients, tools and ratings store. A failed step fails the activity with an
// ApplicationFailure typed with its error code, carrying the outcome (the workflow journals its code
// and usage); Temporal's own retries are off (the interpreter decides).
//
// Budget breaker: the run's meter cannot be shared across worker processes, so each worker keeps one
// meter per run for the steps of that run it runs (seeded with what the run had spent when the step
// was scheduled, kept a minute after its last step). With one worker this matches the embedded
// engine: a step crossing the budget aborts its in-flight siblings at once. Across workers, a sibling
// on another worker is stopped when the workflow fails the run (activity cancellation, within a
// heartbeat) and is then journaled as `cancelled` rather than `budget_exceeded`.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { modelClientsFor } from '../../engine/steps/context.js';
import { toErrorInfo } from '../../engine/steps/errors.js';
import { executeStep } from '../../engine/steps/execute.js';
import { UsageMeter } from '../../engine/steps/meter.js';
import type { RatingsStore } from '../../engine/steps/ratings.js';
import type { ModelSpec, WorkflowDefinition } from '../../language/types.js';
import { createModelClient, DEFAULT_API_KEY_ENV } from '../../models/index.js';
import type { ModelClient } from '../../models/types.js';
import { defaultDataDir } from '../../store/data-dir.js';
import { FileRatingsStore } from '../../store/file-ratings.js';
import { envNamesUsed, redactValue, secretValues } from '../../tools/secrets.js';
import type { ExecuteStepInput, ExecuteStepOutcome, WeftActivities } from './workflows.js';

export interface ActivityOptions {
  /** Where API keys and tool secrets come from. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** For the ratings store. Default: env.WEFT_DATA_DIR, else `.weft` in the working directory. */
  dataDir?: string;
  modelClientFactory?: (spec: ModelSpec) => ModelClient;
  fetch?: typeof fetch;
  ratings?: RatingsStore;
  /** How often a running step heartbeats (default 1000 ms). */
  heartbeatMs?: number;
}

function secretsOf(definition: WorkflowDefinition, env: Record<string, string | undefined>): string[] {
  const names = new Set<string>();
  for (const tool of Object.values(definition.tools)) for (const n of envNamesUsed(tool)) names.add(n);
  for (const model of Object.values(definition.models)) {
    const name = model.apiKeyEnv ?? DEFAULT_API_KEY_ENV[model.provider];
    if (name) names.add(name);
  }
  return secretValues(names, env);
}

interface SharedMeter {
  meter: UsageMeter;
  users: number;
  expiry?: NodeJS.Timeout;
}

/** How long a run's meter outlives its last in-flight step (a sibling may start a moment later). */
const METER_GRACE_MS = 60_000;

export function createActivities(options: ActivityOptions = {}): WeftActivities {
  const env = options.env ?? process.env;
  const ratings = options.ratings ?? new FileRatingsStore(options.dataDir ?? defaultDataDir(env));
  const meters = new Map<string, SharedMeter>();
  const factory =
    options.modelClientFactory ??
    ((spec: ModelSpec) =>
      createModelClient(spec, { env, ...(options.fetch ? { fetch: options.fetch } : {}) }));

  const acquireMeter = (input: ExecuteStepInput): SharedMeter => {
    let shared = meters.get(input.runId);
    if (!shared) {
      shared = { meter: new UsageMeter(input.definition.budget, input.usageSoFar), users: 0 };
      meters.set(input.runId, shared);
    } else {
      // Steps that finished on other workers since this meter was made.
      const { usage } = shared.meter;
      const extraTokens = input.usageSoFar.totalTokens - usage.totalTokens;
      const extraCost = input.usageSoFar.costUsd - usage.costUsd;
      if (extraTokens > 0 || extraCost > 0) {
        shared.meter.add({
          inputTokens: 0,
          outputTokens: 0,
          totalTokens: Math.max(0, extraTokens),
          costUsd: Math.max(0, extraCost),
        });
      }
    }
    shared.users += 1;
    clearTimeout(shared.expiry);
    return shared;
  };
  const releaseMeter = (runId: string, shared: SharedMeter) => {
    shared.users -= 1;
    if (shared.users > 0) return;
    shared.expiry = setTimeout(() => {
      if (shared.users === 0 && meters.get(runId) === shared) meters.delete(runId);
    }, METER_GRACE_MS);
    shared.expiry.unref();
  };

  return {
    async executeStep(input: ExecuteStepInput): Promise<ExecuteStepOutcome> {
      const { runId, definition, command } = input;
      const context = Context.current();
      const controller = new AbortController();
      const onCancel = () => controller.abort();
      context.cancellationSignal.addEventListener('abort', onCancel, { once: true });
      if (context.cancellationSignal.aborted) onCancel();
      const heartbeat = setInterval(() => context.heartbeat(), options.heartbeatMs ?? 1000);
      const shared = acquireMeter(input);
      const secrets = secretsOf(definition, env);
      try {
        const result = await executeStep(command, {
          runId,
          definition,
          inputs: input.inputs,
          env,
          signal: controller.signal,
          meter: shared.meter,
          model: modelClientsFor(definition, factory),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ratings,
        });
        return redactValue({ ok: true, ...result }, secrets);
      } catch (error) {
        const failure = error as { usage?: unknown; calls?: unknown };
        let info = toErrorInfo(error);
        if (context.cancellationDetails?.workerShutdown) {
          info = {
            code: 'worker_shutdown',
            message: `step ${command.key} was stopped because its worker shut down`,
          };
        }
        const outcome: Extract<ExecuteStepOutcome, { ok: false }> = redactValue(
          {
            ok: false,
            error: info,
            ...(failure.usage ? { usage: failure.usage as never } : {}),
            ...(failure.calls ? { calls: failure.calls as never } : {}),
          },
          secrets,
        );
        // The activity fails, typed with the step's error code; the workflow reads the outcome back.
        throw ApplicationFailure.create({
          type: outcome.error.code,
          message: outcome.error.message,
          nonRetryable: true,
          details: [outcome],
        });
      } finally {
        clearInterval(heartbeat);
        context.cancellationSignal.removeEventListener('abort', onCancel);
        releaseMeter(runId, shared);
      }
    },
  };
}
