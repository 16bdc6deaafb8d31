// Maps whatever the AI SDK (or fetch) throws to a ModelError. Pure: no I/O.

import { APICallError, RetryError } from 'ai';
import { truncateText } from '../language/text.js';
import { ModelError } from './types.js';

export interface ErrorContext {
  /** e.g. "openai model gpt-4o", used as the message prefix. */
  label: string;
  /** Secrets that must never appear in a message (the API key). */
  secrets: string[];
  /** Set when our own timeout fired, or when the caller's signal aborted. */
  abort?: 'timeout' | 'aborted';
  timeoutMs?: number;
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

export function missingKeyError(provider: string, envName: string): ModelError {
  return new ModelError(
    `${provider}: no API key. Set the environment variable ${envName} (or point api_key_env in the model definition at the variable that holds the key).`,
    'auth',
    false,
  );
}

export function codeForStatus(status: number): { code: ModelError['code']; retryable: boolean } {
  if (status === 401 || status === 403) return { code: 'auth', retryable: false };
  if (status === 408) return { code: 'timeout', retryable: true };
  if (status === 429) return { code: 'rate_limited', retryable: true };
  if (status >= 500) return { code: 'server', retryable: true };
  return { code: 'bad_request', retryable: false };
}

function shortDetail(error: APICallError): string {
  const body = error.responseBody?.trim();
  const detail = body && body.length > 0 ? body : error.message;
  return truncateText(detail, 300);
}

export function toModelError(error: unknown, ctx: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  const make = (message: string, code: ModelError['code'], retryable: boolean) =>
    new ModelError(redact(`${ctx.label}: ${message}`, ctx.secrets), code, retryable);

  if (ctx.abort === 'timeout') {
    return make(
      `timed out${ctx.timeoutMs !== undefined ? ` after ${ctx.timeoutMs}ms` : ''}`,
      'timeout',
      true,
    );
  }
  if (ctx.abort === 'aborted') return make('aborted', 'aborted', false);

  let cause = error;
  let attempts = 1;
  if (RetryError.isInstance(error)) {
    cause = error.lastError;
    attempts = error.errors.length;
  }
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';

  if (APICallError.isInstance(cause)) {
    if (cause.statusCode === undefined) {
      return make(`network error${tries}: ${cause.message}`, 'network', true);
    }
    const { code, retryable } = codeForStatus(cause.statusCode);
    return make(`HTTP ${cause.statusCode}${tries}: ${shortDetail(cause)}`, code, retryable);
  }
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError') return make('timed out', 'timeout', true);
    if (cause.name === 'AbortError') return make('aborted', 'aborted', false);
    if (
      cause.name === 'AI_InvalidPromptError' ||
      cause.name === 'AI_InvalidArgumentError' ||
      cause.name === 'AI_UnsupportedFunctionalityError'
    ) {
      return make(cause.message, 'bad_request', false);
    }
    if (cause instanceof TypeError && /fetch failed|ECONNREFUSED|ENOTFOUND/i.test(cause.message)) {
      return make(`network error: ${cause.message}`, 'network', true);
    }
    // Malformed responses (invalid JSON, unexpected shapes) and anything else.
    return make(cause.message, 'server', true);
  }
  return make(String(cause), 'server', false);
}
