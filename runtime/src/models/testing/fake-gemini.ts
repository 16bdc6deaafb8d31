/**
 * A fake Gemini server for tests: a real HTTP server on 127.0.0.1 answering
 * POST {url}/models/<model>:generateContent (one JSON) and
 * POST {url}/models/<model>:streamGenerateContent?alt=sse (SSE, one candidate chunk per text piece,
 * the last one carrying finishReason and usageMetadata). Tool calls become `functionCall` parts.
 * Same script format as fake-openai.ts:
 *
 *   const fake = await startFakeGemini({ script: [{ text: 'Hi' }] });
 *   createModelClient({ provider: 'gemini', model: 'gemini-test', baseUrl: fake.url, parameters: {} },
 *     { env: { GOOGLE_API_KEY: 'k' } });
 *   fake.requests[0]?.headers['x-goog-api-key'];
 */
import {
  dataFrame,
  type FakeError,
  type FakeReply,
  type FakeScript,
  type FakeServer,
  replyChunks,
  replyUsage,
  startFakeServer,
} from './fake-server.js';

export type {
  FakeError,
  FakeReply,
  FakeScript,
  FakeServer,
  FakeStep,
  FakeToolCall,
  RecordedRequest,
} from './fake-server.js';

function usageMetadata(reply: FakeReply) {
  const { inputTokens, outputTokens } = replyUsage(reply);
  return {
    promptTokenCount: inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: inputTokens + outputTokens,
  };
}

function callParts(reply: FakeReply) {
  return (reply.toolCalls ?? []).map((call) => ({
    functionCall: { name: call.name, args: call.args },
    ...(call.thoughtSignature ? { thoughtSignature: call.thoughtSignature } : {}),
  }));
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function startFakeGemini(options: { script?: FakeScript } = {}): Promise<FakeServer> {
  return startFakeServer({
    ...options,
    basePath: '/v1beta',
    renderer: {
      isStream: (request) => request.path.includes(':streamGenerateContent'),
      json: (reply) => ({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [...(reply.text ? [{ text: reply.text }] : []), ...callParts(reply)],
            },
            finishReason: reply.finishReason ?? 'STOP',
            index: 0,
          },
        ],
        usageMetadata: usageMetadata(reply),
      }),
      sse: (reply) => {
        const frames = replyChunks(reply).map((text) =>
          dataFrame({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] }),
        );
        frames.push(
          dataFrame({
            candidates: [
              {
                content: { role: 'model', parts: callParts(reply) },
                finishReason: reply.finishReason ?? 'STOP',
                index: 0,
              },
            ],
            usageMetadata: usageMetadata(reply),
          }),
        );
        return frames;
      },
      errorBody: (error: FakeError) => ({
        error: {
          code: error.status,
          message: error.message ?? `fake error ${error.status}`,
          status: STATUS[error.status] ?? 'UNKNOWN',
        },
      }),
    },
  });
}
