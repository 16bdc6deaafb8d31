// Model text deltas for live streaming. The engine's journal holds no deltas: the server passes each
// run a listener (`onTextDelta` of start/resume) that receives the streamed text of that run's model
// calls tagged with the step key, and coalesces it to at most one event per (step, model) every 50 ms.
export interface DeltaSink {
  /** Streamed text of one step's model call. */
  delta(step: string, text: string, model: string): void;
  /** Hands on everything pending now. */
  flush(): void;
}

interface Pending {
  step: string;
  model: string;
  text: string;
}

/**
 * Sinks with text pending, flushed together by one timer per interval: a step that streams costs a
 * set entry, not a timer of its own. A sink joins after its first pending delta; the timer fires every
 * `intervalMs` while any sink waits, so a sink emits at most once per interval.
 */
const ticks = new Map<number, { waiting: Set<() => void>; timer?: NodeJS.Timeout }>();

function flushSoon(flush: () => void, intervalMs: number): void {
  let tick = ticks.get(intervalMs);
  if (!tick) {
    tick = { waiting: new Set() };
    ticks.set(intervalMs, tick);
  }
  tick.waiting.add(flush);
  const current = tick;
  current.timer ??= setTimeout(() => {
    current.timer = undefined;
    const due = [...current.waiting];
    current.waiting.clear();
    for (const f of due) f();
  }, intervalMs);
}

function cancelFlush(flush: () => void, intervalMs: number): void {
  ticks.get(intervalMs)?.waiting.delete(flush);
}

/**
 * A sink that batches deltas and hands them on as `(step, model, text)` at least every `intervalMs`:
 * one emission per (step, model) with text pending, in the order they first had text.
 */
export function coalescingSink(
  emit: (step: string, model: string, text: string) => void,
  intervalMs = 50,
): DeltaSink {
  // Almost always one step streams one model at a time: a short array beats a Map of joined keys.
  let pending: Pending[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    cancelFlush(flush, intervalMs);
    const out = pending;
    pending = [];
    for (const p of out) emit(p.step, p.model, p.text);
  };
  return {
    delta(step, text, model) {
      if (pending.length === 0) flushSoon(flush, intervalMs);
      for (const p of pending) {
        if (p.step === step && p.model === model) {
          p.text += text;
          return;
        }
      }
      pending.push({ step, model, text });
    },
    flush,
  };
}
