// Model providers behind one interface. The engine calls createModelClient(spec) and talks to ModelClient.
import type { ModelSpec } from '../language/types.js';
import { createAnthropicClient } from './anthropic.js';
import { createGeminiClient } from './gemini.js';
import { createMockClient } from './mock.js';
import { createOpenAIClient } from './openai.js';
import type { ClientOptions, ModelClient } from './types.js';
import { ModelError } from './types.js';

export { missingKeyError, redact, toModelError } from './errors.js';
export { mockValue } from './mock-values.js';
export * from './types.js';

/** The environment variable a provider reads its key from unless the spec names another. */
export const DEFAULT_API_KEY_ENV: Record<ModelSpec['provider'], string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GOOGLE_API_KEY',
  mock: undefined,
};

/** The name of the missing key variable, or undefined when the spec can authenticate (for preflight checks). */
export function missingApiKeyEnv(
  spec: ModelSpec,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const name = spec.apiKeyEnv ?? DEFAULT_API_KEY_ENV[spec.provider];
  if (spec.provider === 'mock' || name === undefined) return undefined;
  const value = env[name];
  return value === undefined || value.trim() === '' ? name : undefined;
}

/**
 * A client for one model. Never throws for a missing key here: generate() rejects with
 * ModelError 'auth' naming the variable, so unused models do not fail a run.
 */
export function createModelClient(spec: ModelSpec, options: ClientOptions = {}): ModelClient {
  switch (spec.provider) {
    case 'openai':
      return createOpenAIClient(spec, options);
    case 'anthropic':
      return createAnthropicClient(spec, options);
    case 'gemini':
      return createGeminiClient(spec, options);
    case 'mock':
      return createMockClient(spec);
    default:
      throw new ModelError(
        `unknown model provider: ${String((spec as ModelSpec).provider)}`,
        'bad_request',
        false,
      );
  }
}
