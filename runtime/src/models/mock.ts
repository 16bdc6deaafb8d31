// The offline `mock` provider: instant, deterministic, no network, no clock, no randomness.
//  - text: "[<model>] Reply to: <first 80 chars of the last user message>"
//  - outputSchema: JSON of a value valid against the schema (see mock-values.ts)
//  - tools and no tool result yet: one call to the first tool, args generated from its parameters
//  - after a tool result: text that includes the tool result content (JSON as above with outputSchema)
import type { ModelSpec } from '../language/types.js';
import { mockValue } from './mock-values.js';
import type { ChatMessage, ModelClient, ModelRequest, ModelResponse, ToolCall } from './types.js';
import { ModelError } from './types.js';

export function createMockClient(spec: ModelSpec): ModelClient {
  return {
    provider: 'mock',
    model: spec.model,
    generate: async (request) => mockGenerate(spec.model, request),
  };
}

export function lastUserMessage(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

function inputChars(request: ModelRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) {
    chars += message.content.length;
    if (message.role === 'assistant' && message.toolCalls) chars += JSON.stringify(message.toolCalls).length;
  }
  return chars;
}

/** Word-sized chunks that concatenate back to the text. */
export function chunkWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function mockGenerate(model: string, request: ModelRequest): ModelResponse {
  if (request.signal?.aborted) {
    const timeout = request.signal.reason instanceof Error && request.signal.reason.name === 'TimeoutError';
    throw new ModelError(
      `mock model ${model}: ${timeout ? 'timed out' : 'aborted'}`,
      timeout ? 'timeout' : 'aborted',
      timeout,
    );
  }
  const message = lastUserMessage(request.messages);
  const toolResults = request.messages.filter((m) => m.role === 'tool');
  const firstTool = request.tools?.[0];

  let text = '';
  const toolCalls: ToolCall[] = [];
  if (firstTool && toolResults.length === 0) {
    const args = mockValue({ type: 'object', ...firstTool.parameters }, { message });
    toolCalls.push({
      id: `mock-call-${request.messages.length}`,
      name: firstTool.name,
      args: args !== null && typeof args === 'object' && !Array.isArray(args) ? args : {},
    });
  } else if (request.outputSchema) {
    text = JSON.stringify(mockValue(request.outputSchema, { message }));
  } else if (toolResults.length > 0) {
    const results = toolResults.map((m) => `${m.toolName}: ${m.content}`).join('\n');
    text = `[${model}] Tool results:\n${results}`;
  } else {
    text = `[${model}] Reply to: ${message.slice(0, 80)}`;
  }

  if (request.onTextDelta) {
    for (const chunk of chunkWords(text)) request.onTextDelta(chunk);
  }
  const outputChars = text.length + (toolCalls.length > 0 ? JSON.stringify(toolCalls).length : 0);
  return {
    text,
    toolCalls,
    usage: { inputTokens: Math.ceil(inputChars(request) / 4), outputTokens: Math.ceil(outputChars / 4) },
    finishReason: toolCalls.length > 0 ? 'tool-calls' : 'stop',
  };
}
