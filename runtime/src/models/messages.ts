// Converts Weft's provider-neutral messages and tools to the AI SDK's shapes. Pure.
import { jsonSchema, type ModelMessage, type ToolSet, tool } from 'ai';
import type { JsonValue } from '../language/types.js';
import type { ChatMessage, ToolCall, ToolDefinition } from './types.js';

export function toModelMessages(messages: ChatMessage[]): ModelMessage[] {
  return messages.map(toModelMessage);
}

function toModelMessage(message: ChatMessage): ModelMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant': {
      if (!message.toolCalls || message.toolCalls.length === 0) {
        return { role: 'assistant', content: message.content };
      }
      return {
        role: 'assistant',
        content: [
          ...(message.content.length > 0 ? [{ type: 'text' as const, text: message.content }] : []),
          ...message.toolCalls.map((call) => ({
            type: 'tool-call' as const,
            toolCallId: call.id,
            toolName: call.name,
            input: call.args,
            ...(call.metadata ? { providerOptions: call.metadata } : {}),
          })),
        ],
      };
    }
    case 'tool':
      return {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: message.toolCallId,
            toolName: message.toolName,
            output: { type: 'text', value: message.content },
          },
        ],
      };
  }
}

/** Tools without `execute`: the SDK reports the calls and the engine runs them. */
export function toToolSet(tools: ToolDefinition[] | undefined): ToolSet | undefined {
  if (!tools || tools.length === 0) return undefined;
  const set: ToolSet = {};
  for (const def of tools) {
    set[def.name] = tool({
      ...(def.description !== undefined ? { description: def.description } : {}),
      inputSchema: jsonSchema(def.parameters as Parameters<typeof jsonSchema>[0]),
    });
  }
  return set;
}

export function toToolCall(part: {
  toolCallId: string;
  toolName: string;
  input: unknown;
  providerMetadata?: Record<string, Record<string, unknown>> | undefined;
}): ToolCall {
  let input = part.input;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      input = {};
    }
  }
  const args =
    input !== null && typeof input === 'object' && !Array.isArray(input)
      ? (input as { [key: string]: JsonValue })
      : {};
  const call: ToolCall = { id: part.toolCallId, name: part.toolName, args };
  if (part.providerMetadata && Object.keys(part.providerMetadata).length > 0) {
    call.metadata = part.providerMetadata as NonNullable<ToolCall['metadata']>;
  }
  return call;
}
