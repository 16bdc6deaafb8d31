// One interface over every model provider. The engine talks only to ModelClient.
import type { JsonSchema, JsonValue } from '../language/types.js';

export interface ToolCall {
  id: string;
  name: string;
  args: { [key: string]: JsonValue };
  /**
   * Opaque provider data for this call (e.g. Gemini thought signatures). Keep it on the assistant
   * message's toolCalls when sending the conversation back; never shown to users.
   */
  metadata?: { [provider: string]: { [key: string]: JsonValue } };
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string };

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: JsonSchema;
}

export interface ModelRequest {
  system?: string;
  messages: ChatMessage[];
  /** Ask for JSON matching this schema (JSON mode / structured output where the provider has it). */
  outputSchema?: JsonSchema;
  tools?: ToolDefinition[];
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  seed?: number;
  /** Aborts the call in flight (timeout, cancellation, budget breaker). */
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onTextDelta?: (delta: string) => void;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  finishReason: string;
}

/** Options for createModelClient; everything optional. */
export interface ClientOptions {
  /** Where API keys (and OPENAI_BASE_URL) are read from. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Custom fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Retries on 429/5xx/network errors, with exponential backoff honouring retry-after. Default 2. */
  maxRetries?: number;
  /** Total time for one generate() call, retries included; exceeding it raises ModelError 'timeout'. */
  timeoutMs?: number;
}

export interface ModelClient {
  readonly provider: string;
  readonly model: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
}

/** Raised for failures the caller should report; `retryable` says whether a retry may help. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly code: 'auth' | 'rate_limited' | 'server' | 'timeout' | 'bad_request' | 'network' | 'aborted',
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
