// Step failures carry a stable code, whether a retry may help, and what the step spent before failing.
import type { ErrorInfo, ModelCallRecord, Usage } from '../journal.js';

export class StepError extends Error {
  usage?: Usage;
  calls?: ModelCallRecord[];
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** Any thrown value as journal-ready error info (ModelError, ToolError and StepError carry a code). */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error && typeof error === 'object') {
    const e = error as {
      code?: unknown;
      message?: unknown;
      retryable?: unknown;
      status?: unknown;
      name?: unknown;
    };
    const message = typeof e.message === 'string' ? e.message : String(error);
    if (e.name === 'AbortError' || e.name === 'TimeoutError') {
      return { code: e.name === 'TimeoutError' ? 'timeout' : 'aborted', message };
    }
    const info: ErrorInfo = { code: typeof e.code === 'string' ? e.code : 'error', message };
    if (typeof e.retryable === 'boolean') info.retryable = e.retryable;
    if (typeof e.status === 'number') info.status = e.status;
    return info;
  }
  return { code: 'error', message: String(error) };
}
