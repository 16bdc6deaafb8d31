// One model call on behalf of a step: budget breaker and step signal wired in, usage metered,
// cost computed from the model's pricing, and a call record kept for the journal and the trace.
import { estimateInputTokens } from '../../language/token-estimate.js';
import type { ModelSpec } from '../../language/types.js';
import type { ModelClient, ModelRequest, ModelResponse } from '../../models/types.js';
import { isoNow } from '../clock.js';
import { addUsage, type ModelCallRecord, type Usage, ZERO_USAGE } from '../journal.js';
import { StepError } from './errors.js';
import type { UsageMeter } from './meter.js';

export function costOf(spec: ModelSpec | undefined, inputTokens: number, outputTokens: number): number {
  if (!spec?.pricing) return 0;
  return (
    (inputTokens * spec.pricing.inputPerMillion + outputTokens * spec.pricing.outputPerMillion) / 1_000_000
  );
}

export interface ModelCaller {
  call(modelName: string, request: Omit<ModelRequest, 'signal'>): Promise<ModelResponse>;
  readonly calls: ModelCallRecord[];
  readonly usage: Usage;
}

export interface ModelCallerOptions {
  models: Record<string, ModelSpec>;
  client: (modelName: string) => ModelClient;
  meter: UsageMeter;
  signal: AbortSignal;
  now?: () => Date;
  /** Streamed text of every call, with the provider's model id (`client.model`), besides the request's own listener. */
  onTextDelta?: (text: string, modelName: string) => void;
}

export function modelCaller(options: ModelCallerOptions): ModelCaller {
  const calls: ModelCallRecord[] = [];
  let usage = ZERO_USAGE;
  const now = options.now ? () => options.now!().toISOString() : isoNow;
  return {
    calls,
    get usage() {
      return usage;
    },
    async call(modelName, request) {
      const { meter } = options;
      if (meter.exceeded) throw meter.reason;
      const spec = options.models[modelName];
      if (!spec) throw new StepError('unknown_model', `model ${modelName} is not declared in models`, false);
      const client = options.client(modelName);
      // Before the call: its max_tokens fits what the budget has left, or it is refused here.
      const grant = await meter.grant(
        modelName,
        spec,
        estimateInputTokens(request),
        request.maxOutputTokens,
        options.signal,
      );
      const startedAt = now();
      const base = { modelName, provider: client.provider, model: client.model, startedAt };
      try {
        const listener = options.onTextDelta;
        const own = request.onTextDelta;
        const response = await client.generate({
          ...request,
          maxOutputTokens: grant.maxOutputTokens,
          signal: meter.signalWith(options.signal),
          ...(listener
            ? {
                onTextDelta: own
                  ? (text: string) => {
                      own(text);
                      listener(text, client.model);
                    }
                  : (text: string) => listener(text, client.model),
              }
            : {}),
        });
        const { inputTokens, outputTokens } = response.usage;
        const costUsd = costOf(spec, inputTokens, outputTokens);
        calls.push({
          ...base,
          endedAt: now(),
          inputTokens,
          outputTokens,
          costUsd,
          status: 'ok',
        });
        const callUsage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, costUsd };
        usage = addUsage(usage, callUsage);
        meter.add(callUsage);
        return response;
      } catch (error) {
        calls.push({
          ...base,
          endedAt: now(),
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          status: 'error',
          error: (error as Error).message,
        });
        // The breaker's abort surfaces as a provider "aborted" error; report the real cause.
        if (meter.exceeded) throw meter.reason;
        throw error;
      } finally {
        grant.release();
      }
    },
  };
}
