// A conservative token count for text before a model sees it: one token per 3 UTF-8 bytes (English
// runs about 4 characters a token, code about 3, CJK about one 3-byte character a token), plus a few
// tokens of framing per message and per request. An estimate: a provider that counts more input
// tokens than this can end a run a few tokens above its budget (the breaker then stops the run). Used by the runtime to size a call's max_tokens before it is made
// and by the checker's worst-case budget bound. Pure.

/** Default cap on one model call's output when the model sets no `max_output_tokens`. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

const BYTES_PER_TOKEN = 3;
const TOKENS_PER_MESSAGE = 4;
/** Framing of a request (reply priming, role markers) beyond its messages. */
const TOKENS_PER_REQUEST = 8;

export function estimateTextTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
}

export interface EstimatedRequest {
  system?: string;
  messages: ReadonlyArray<{ content: string; toolCalls?: unknown }>;
  tools?: unknown;
  outputSchema?: unknown;
}

/** The input tokens of a model request, estimated from above. */
export function estimateInputTokens(request: EstimatedRequest): number {
  let tokens = TOKENS_PER_REQUEST;
  if (request.system) tokens += estimateTextTokens(request.system) + TOKENS_PER_MESSAGE;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE + estimateTextTokens(message.content);
    if (message.toolCalls) tokens += estimateTextTokens(JSON.stringify(message.toolCalls));
  }
  if (request.tools) tokens += estimateTextTokens(JSON.stringify(request.tools));
  if (request.outputSchema) tokens += estimateTextTokens(JSON.stringify(request.outputSchema));
  return tokens;
}
