// Model clients for engine tests: scripted replies, optional delays that honour the abort signal.
import type { ModelSpec } from '../../language/types.js';
import { type ModelClient, ModelError, type ModelRequest, type ModelResponse } from '../../models/types.js';

export interface ScriptedReply {
  text?: string;
  toolCalls?: ModelResponse['toolCalls'];
  inputTokens?: number;
  outputTokens?: number;
  delayMs?: number;
  error?: ModelError;
}

export interface ScriptedModel {
  factory: (spec: ModelSpec) => ModelClient;
  requests: Array<{ model: string; request: ModelRequest }>;
  /** Calls currently waiting on their delay. */
  inFlight: () => number;
  maxInFlight: () => number;
  aborted: () => number;
}

export function scriptedModel(
  reply: (request: ModelRequest, model: string, index: number) => ScriptedReply,
): ScriptedModel {
  const requests: ScriptedModel['requests'] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let aborted = 0;
  const factory = (spec: ModelSpec): ModelClient => ({
    provider: 'scripted',
    model: spec.model,
    async generate(request) {
      const index = requests.length;
      requests.push({ model: spec.model, request });
      const r = reply(request, spec.model, index);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (r.delayMs) {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              request.signal?.removeEventListener('abort', onAbort);
              resolve();
            }, r.delayMs);
            const onAbort = () => {
              clearTimeout(timer);
              aborted += 1;
              reject(new ModelError(`${spec.model}: aborted`, 'aborted', false));
            };
            if (request.signal?.aborted) onAbort();
            request.signal?.addEventListener('abort', onAbort, { once: true });
          });
        }
        if (r.error) throw r.error;
        return {
          text: r.text ?? '',
          toolCalls: r.toolCalls ?? [],
          usage: { inputTokens: r.inputTokens ?? 10, outputTokens: r.outputTokens ?? 5 },
          finishReason: 'stop',
        };
      } finally {
        inFlight -= 1;
      }
    },
  });
  return {
    factory,
    requests,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    aborted: () => aborted,
  };
}

export function lastUserText(request: ModelRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (m.role === 'user') return m.content;
  }
  return '';
}
