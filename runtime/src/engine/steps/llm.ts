import type { JsonValue } from '../../language/types.js';
import type { LlmRequest } from '../commands.js';
import type { ModelCaller } from './model-call.js';
import { askForJson } from './structured.js';

export async function runLlm(
  request: LlmRequest,
  caller: ModelCaller,
  onTextDelta?: (delta: string) => void,
): Promise<JsonValue> {
  const base = {
    ...(request.system !== undefined ? { system: request.system } : {}),
    messages: [{ role: 'user' as const, content: request.prompt }],
  };
  if (request.outputSchema) {
    return askForJson(caller, request.model, base, request.outputSchema, request.maxAsks);
  }
  const response = await caller.call(request.model, { ...base, ...(onTextDelta ? { onTextDelta } : {}) });
  return { text: response.text };
}
