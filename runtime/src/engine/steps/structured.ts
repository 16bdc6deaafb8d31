// Ask a model for JSON matching a schema; on an invalid reply, re-ask with the validation error.
import type { JsonSchema, JsonValue } from '../../language/types.js';
import type { ChatMessage, ModelRequest } from '../../models/types.js';
import { StepError } from './errors.js';
import { parseOutput, reaskMessage } from './json-output.js';
import type { ModelCaller } from './model-call.js';

export async function askForJson(
  caller: ModelCaller,
  modelName: string,
  request: Omit<ModelRequest, 'signal' | 'outputSchema' | 'messages'> & { messages: ChatMessage[] },
  schema: JsonSchema,
  maxAsks: number,
): Promise<JsonValue> {
  const messages = [...request.messages];
  let lastError = '';
  for (let ask = 1; ask <= Math.max(maxAsks, 1); ask++) {
    const response = await caller.call(modelName, {
      ...request,
      messages: [...messages],
      outputSchema: schema,
    });
    const parsed = parseOutput(response.text, schema);
    if (parsed.ok) return parsed.value;
    lastError = parsed.error;
    messages.push(
      { role: 'assistant', content: response.text },
      { role: 'user', content: reaskMessage(parsed.error) },
    );
  }
  throw new StepError('invalid_output', `model ${modelName}: ${lastError} (after ${maxAsks} asks)`, false);
}
