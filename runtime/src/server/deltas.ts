// Model text deltas for live streaming. The engine's journal holds no deltas, so the server wraps
// the model clients: each run starts inside an AsyncLocalStorage context whose sink receives the
// streamed text of that run's model calls (coalesced to at most one event per model every 50 ms).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ModelSpec } from '../language/types.js';
import type { ModelClient } from '../models/types.js';

export interface DeltaSink {
  delta(model: string, text: string): void;
}

export const textDeltaContext = new AsyncLocalStorage<DeltaSink>();

/** Wrap a model-client factory so streamed text also reaches the current run's sink. */
export function withTextDeltas(factory: (spec: ModelSpec) => ModelClient): (spec: ModelSpec) => ModelClient {
  return (spec) => {
    const client = factory(spec);
    return {
      provider: client.provider,
      model: client.model,
      generate(request) {
        const sink = textDeltaContext.getStore();
        if (!sink) return client.generate(request);
        const previous = request.onTextDelta;
        return client.generate({
          ...request,
          onTextDelta: (delta) => {
            previous?.(delta);
            sink.delta(client.model, delta);
          },
        });
      },
    };
  };
}

/** A sink that batches deltas and hands them on as `{ model, text }` every `intervalMs`. */
export function coalescingSink(
  emit: (model: string, text: string) => void,
  intervalMs = 50,
): DeltaSink & { flush(): void } {
  const pending = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const [model, text] of pending) emit(model, text);
    pending.clear();
  };
  return {
    delta(model, text) {
      pending.set(model, (pending.get(model) ?? '') + text);
      timer ??= setTimeout(flush, intervalMs);
    },
    flush,
  };
}
