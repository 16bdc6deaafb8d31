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
 * A sink that batches deltas and hands them on as `(step, model, text)` every `intervalMs`: one
 * emission per (step, model) with text pending, in the order they first had text.
 */
export function coalescingSink(
  emit: (step: string, model: string, text: string) => void,
  intervalMs = 50,
): DeltaSink {
  // Almost always one step streams one model at a time: a short array beats a Map of joined keys.
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const out = pending;
    pending = [];
    for (const p of out) emit(p.step, p.model, p.text);
  };
  return {
    delta(step, text, model) {
      let entry: Pending | undefined;
      for (const p of pending) {
        if (p.step === step && p.model === model) {
          entry = p;
          break;
        }
      }
      if (entry) entry.text += text;
      else pending.push({ step, model, text });
      timer ??= setTimeout(flush, intervalMs);
    },
    flush,
  };
}
