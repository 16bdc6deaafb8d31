// Retry policy: whether a failed attempt is tried again, and after how long. Pure.
import type { StepSpec } from '../language/types.js';
import type { InstanceState } from './state.js';

const NEVER_RETRIED = new Set(['budget_exceeded', 'cancelled']);

/** Milliseconds to wait before the next attempt, or undefined when the step has failed for good. */
export function retryDelay(spec: StepSpec, failed: InstanceState): number | undefined {
  const error = failed.error;
  if (error && (error.retryable === false || NEVER_RETRIED.has(error.code))) return undefined;
  const attempts = spec.retry?.attempts ?? 1;
  if (failed.attempt >= attempts) return undefined;
  if (!spec.retry) return 0;
  return Math.round(spec.retry.backoffMs * spec.retry.factor ** (failed.attempt - 1));
}
