// OpenAI-compatible chat completions: OpenAI, OpenRouter, Ollama, vLLM.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ModelSpec } from '../language/types.js';
import { createSdkClient } from './sdk-client.js';
import type { ClientOptions, ModelClient } from './types.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function createOpenAIClient(spec: ModelSpec, options: ClientOptions): ModelClient {
  const env = options.env ?? process.env;
  const baseURL = spec.baseUrl ?? env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL;
  return createSdkClient({
    provider: 'openai',
    model: spec.model,
    apiKeyEnv: spec.apiKeyEnv ?? 'OPENAI_API_KEY',
    env,
    build: (apiKey) =>
      createOpenAICompatible({
        name: 'openai',
        baseURL,
        apiKey,
        includeUsage: true,
        supportsStructuredOutputs: true,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }).chatModel(spec.model),
    defaults: spec.parameters,
    maxRetries: options.maxRetries ?? 2,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    // Workflow schemas are not written for OpenAI's strict mode (all-required, closed objects).
    providerOptions: { openai: { strictJsonSchema: false } },
  });
}
