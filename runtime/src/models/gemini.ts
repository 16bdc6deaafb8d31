// Google Gemini (Generative Language API).
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import type { ModelSpec } from '../language/types.js';
import { createSdkClient } from './sdk-client.js';
import type { ClientOptions, ModelClient } from './types.js';

export function createGeminiClient(spec: ModelSpec, options: ClientOptions): ModelClient {
  const env = options.env ?? process.env;
  return createSdkClient({
    provider: 'gemini',
    model: spec.model,
    apiKeyEnv: spec.apiKeyEnv ?? 'GOOGLE_API_KEY',
    env,
    build: (apiKey) =>
      createGoogleGenerativeAI({
        apiKey,
        ...(spec.baseUrl !== undefined ? { baseURL: spec.baseUrl } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      })(spec.model),
    defaults: spec.parameters,
    maxRetries: options.maxRetries ?? 2,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
