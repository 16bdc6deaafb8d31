// A ModelClient over any AI SDK language model: one step, tools reported not executed,
// retries by the SDK (429/5xx, honouring retry-after), timeouts and aborts via AbortSignal.
import {
  generateText,
  type JSONValue,
  jsonSchema,
  type LanguageModel,
  NoObjectGeneratedError,
  Output,
  streamText,
} from 'ai';
import { type ErrorContext, missingKeyError, toModelError } from './errors.js';
import { toModelMessages, toToolCall, toToolSet } from './messages.js';
import type { ModelClient, ModelRequest, ModelResponse, ToolCall } from './types.js';

// The SDK prints provider warnings to the console by default, which would mix into CLI output.
globalThis.AI_SDK_LOG_WARNINGS ??= false;

export type ProviderOptions = Record<string, Record<string, JSONValue>>;

export interface SdkClientConfig {
  provider: string;
  model: string;
  /** Name of the environment variable that holds the key. */
  apiKeyEnv: string;
  env: Record<string, string | undefined>;
  /** Builds the SDK model once the key is known. */
  build: (apiKey: string) => LanguageModel;
  defaults: { temperature?: number; maxOutputTokens?: number; topP?: number; seed?: number };
  maxRetries: number;
  /** Total time for one generate() call, retries included. */
  timeoutMs?: number;
  providerOptions?: ProviderOptions;
}

interface Usage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

function usageOf(usage: Usage | undefined) {
  return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

export function createSdkClient(config: SdkClientConfig): ModelClient {
  let built: { key: string; model: LanguageModel } | undefined;
  const label = `${config.provider} model ${config.model}`;

  function languageModel(): { key: string; model: LanguageModel } {
    const key = config.env[config.apiKeyEnv];
    if (key === undefined || key.trim() === '') throw missingKeyError(config.provider, config.apiKeyEnv);
    if (!built || built.key !== key) built = { key, model: config.build(key) };
    return built;
  }

  async function generate(request: ModelRequest): Promise<ModelResponse> {
    const { key, model } = languageModel();
    const ctx: ErrorContext = { label, secrets: [key] };
    if (config.timeoutMs !== undefined) ctx.timeoutMs = config.timeoutMs;
    if (request.signal?.aborted) {
      throw toModelError(request.signal.reason, {
        ...ctx,
        abort: isTimeoutReason(request.signal.reason) ? 'timeout' : 'aborted',
      });
    }

    const controller = new AbortController();
    const onAbort = () => {
      ctx.abort ??= isTimeoutReason(request.signal?.reason) ? 'timeout' : 'aborted';
      controller.abort(request.signal?.reason);
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      config.timeoutMs !== undefined
        ? setTimeout(() => {
            ctx.abort ??= 'timeout';
            controller.abort(new DOMException(`${label} timed out`, 'TimeoutError'));
          }, config.timeoutMs)
        : undefined;

    const settings = {
      model,
      ...(request.system !== undefined ? { system: request.system } : {}),
      messages: toModelMessages(request.messages),
      tools: toToolSet(request.tools),
      ...(request.outputSchema
        ? {
            output: Output.object({
              schema: jsonSchema(request.outputSchema as Parameters<typeof jsonSchema>[0]),
            }),
          }
        : {}),
      temperature: request.temperature ?? config.defaults.temperature,
      maxOutputTokens: request.maxOutputTokens ?? config.defaults.maxOutputTokens,
      topP: request.topP ?? config.defaults.topP,
      seed: request.seed ?? config.defaults.seed,
      maxRetries: config.maxRetries,
      abortSignal: controller.signal,
      ...(config.providerOptions ? { providerOptions: config.providerOptions } : {}),
    };

    try {
      if (request.onTextDelta) return await stream(settings, request.onTextDelta);
      const result = await generateText(settings);
      return {
        text: result.text,
        toolCalls: result.toolCalls.map(toToolCall),
        usage: usageOf(result.usage),
        finishReason: result.finishReason,
      };
    } catch (error) {
      // Invalid JSON for outputSchema: hand the raw text back; the engine validates and retries.
      if (!ctx.abort && NoObjectGeneratedError.isInstance(error)) {
        return {
          text: error.text ?? '',
          toolCalls: [],
          usage: usageOf(error.usage),
          finishReason: error.finishReason ?? 'stop',
        };
      }
      throw toModelError(error, ctx);
    } finally {
      if (timer) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  return { provider: config.provider, model: config.model, generate };
}

async function stream(
  settings: Parameters<typeof streamText>[0],
  onTextDelta: (delta: string) => void,
): Promise<ModelResponse> {
  const result = streamText({ ...settings, onError: () => {} });
  let text = '';
  const toolCalls: ToolCall[] = [];
  let usage = { inputTokens: 0, outputTokens: 0 };
  let finishReason = 'unknown';
  for await (const part of result.fullStream) {
    switch (part.type) {
      case 'text-delta':
        text += part.text;
        onTextDelta(part.text);
        break;
      case 'tool-call':
        toolCalls.push(toToolCall(part));
        break;
      case 'finish':
        usage = usageOf(part.totalUsage);
        finishReason = part.finishReason;
        break;
      case 'error':
        throw part.error;
      case 'abort':
        throw new DOMException('aborted', 'AbortError');
    }
  }
  return { text, toolCalls, usage, finishReason };
}
