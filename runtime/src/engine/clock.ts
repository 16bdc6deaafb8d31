// The wall clock as an ISO timestamp, formatted once per millisecond: a run stamps every journal
// event and model call, and under load many of them fall in the same millisecond.
let lastMs = Number.NaN;
let lastIso = '';

export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** `iso` plus `ms` milliseconds, as an ISO timestamp (no clock read). */
export function isoPlus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
