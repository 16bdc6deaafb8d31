// Anthropic Messages API.
import { createAnthropic } from '@ai-sdk/anthropic';
import type { ModelSpec } from '../language/types.js';
import { createSdkClient } from './sdk-client.js';
import type { ClientOptions, ModelClient } from './types.js';

export function createAnthropicClient(spec: ModelSpec, options: ClientOptions): ModelClient {
  const env = options.env ?? process.env;
  return createSdkClient({
    provider: 'anthropic',
    model: spec.model,
    apiKeyEnv: spec.apiKeyEnv ?? 'ANTHROPIC_API_KEY',
    env,
    build: (apiKey) =>
      createAnthropic({
        apiKey,
        ...(spec.baseUrl !== undefined ? { baseURL: spec.baseUrl } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })(spec.model),
    defaults: spec.parameters,
    maxRetries: options.maxRetries ?? 2,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
