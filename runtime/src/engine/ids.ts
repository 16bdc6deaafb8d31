// Deterministic trace and span ids from run ids and step keys (FNV-1a based). Pure.
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function hex(text: string, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++)
    out += fnv1a(text, i * 0x9e3779b9)
      .toString(16)
      .padStart(8, '0');
  return out;
}

/**
 * The run id of the child run of a sub-workflow step instance: deterministic, so a parent that resumes finds the
 * child it started (`20260101-ab12.summarize`, `….each-3.summarize` for `each[3].summarize`, `--2` on attempt 2).
 */
export function childRunIdFor(parentRunId: string, stepKey: string, attempt: number): string {
  const key = stepKey.replace(/\[(\d+)\]/g, '-$1');
  return `${parentRunId}.${key}${attempt > 1 ? `--${attempt}` : ''}`;
}

/** 32 hex characters, as W3C trace context and OpenTelemetry expect. */
export function traceIdFor(runId: string): string {
  return hex(`trace:${runId}`, 4);
}

/** 16 hex characters. */
export function spanIdFor(runId: string, name: string): string {
  return hex(`span:${runId}:${name}`, 2);
}
