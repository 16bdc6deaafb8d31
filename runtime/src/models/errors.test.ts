import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { codeForStatus, missingKeyError, redact, toModelError } from './errors.js';

const ctx = { label: 'openai model m', secrets: ['sk-secret'] };

function apiError(statusCode: number | undefined, responseBody = 'body') {
  return new APICallError({
    message: 'failed',
    url: 'http://x',
    requestBodyValues: {},
    ...(statusCode !== undefined ? { statusCode } : {}),
    responseBody,
    isRetryable: statusCode === undefined || statusCode === 429 || statusCode >= 500,
  });
}

describe('error mapping', () => {
  it('maps HTTP statuses to codes', () => {
    expect(codeForStatus(401)).toEqual({ code: 'auth', retryable: false });
    expect(codeForStatus(403).code).toBe('auth');
    expect(codeForStatus(408).code).toBe('timeout');
    expect(codeForStatus(429)).toEqual({ code: 'rate_limited', retryable: true });
    expect(codeForStatus(503)).toEqual({ code: 'server', retryable: true });
    expect(codeForStatus(422)).toEqual({ code: 'bad_request', retryable: false });
  });

  it('unwraps RetryError and reports the attempts', () => {
    const last = apiError(429, 'too many');
    const error = toModelError(
      new RetryError({ message: 'retries', reason: 'maxRetriesExceeded', errors: [apiError(429), last] }),
      ctx,
    );
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('openai model m: HTTP 429 (after 2 attempts): too many');
  });

  it('treats an API error without status as a network error', () => {
    expect(toModelError(apiError(undefined), ctx).code).toBe('network');
  });

  it('lets the abort cause win over the error shape', () => {
    expect(toModelError(new Error('x'), { ...ctx, abort: 'timeout', timeoutMs: 50 }).message).toBe(
      'openai model m: timed out after 50ms',
    );
    expect(toModelError(new Error('x'), { ...ctx, abort: 'aborted' }).code).toBe('aborted');
  });

  it('redacts secrets from every message', () => {
    expect(toModelError(apiError(400, 'key sk-secret is bad'), ctx).message).not.toContain('sk-secret');
    expect(toModelError(new Error('sk-secret'), ctx).message).toContain('[redacted]');
    expect(redact('a sk-secret b sk-secret', ['sk-secret', ''])).toBe('a [redacted] b [redacted]');
  });

  it('names the variable in a missing-key error', () => {
    const error = missingKeyError('anthropic', 'ANTHROPIC_API_KEY');
    expect(error.code).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Set the environment variable ANTHROPIC_API_KEY');
  });
});
