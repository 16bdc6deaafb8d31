/**
 * A fake OpenAI-compatible server (POST {url}/chat/completions) for tests: a real HTTP server on
 * 127.0.0.1, port chosen by the OS. Streams (SSE, with a final usage chunk and `data: [DONE]`) when
 * the request body has `stream: true`, else answers one `chat.completion` JSON.
 *
 *   const fake = await startFakeOpenAI({ script: [
 *     { status: 429, headers: { 'retry-after-ms': '1' } },      // an error (body: {error:{message}})
 *     { text: 'Hello', usage: { inputTokens: 12, outputTokens: 3 } },
 *     { toolCalls: [{ name: 'search', args: { query: 'x' } }] },
 *     { text: 'late', delayMs: 5000 },                            // slow answer, for timeouts
 *   ] });
 *   const client = createModelClient(
 *     { provider: 'openai', model: 'gpt-test', baseUrl: fake.url, parameters: {} },
 *     { env: { OPENAI_API_KEY: 'sk-test' } },
 *   );
 *   fake.requests.length;       // calls received so far (errors included)
 *   fake.requests[0]?.body;     // parsed JSON body (messages, tools, response_format, stream...)
 *   fake.requests[0]?.headers;  // e.g. authorization: 'Bearer sk-test'
 *   await fake.close();
 *
 * `script` is a list consumed one step per request (after it runs out every request gets
 * `{ text: 'ok' }`) or a function `(request, index) => step`. Steps: FakeReply (text, chunks,
 * toolCalls, usage, finishReason, delayMs) or FakeError (status, message, body, headers, delayMs).
 * Retry tip: the AI SDK waits 2s before a retry unless the error carries `retry-after-ms`.
 */
import {
  dataFrame,
  type FakeError,
  type FakeReply,
  type FakeScript,
  type FakeServer,
  replyChunks,
  replyFinish,
  replyUsage,
  requestModel,
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

function usageOf(reply: FakeReply) {
  const { inputTokens, outputTokens } = replyUsage(reply);
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

function finishOf(reply: FakeReply): string {
  return replyFinish(reply, 'tool_calls', 'stop');
}

function toolCallsOf(reply: FakeReply) {
  return (reply.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${i + 1}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }));
}

export function startFakeOpenAI(options: { script?: FakeScript } = {}): Promise<FakeServer> {
  return startFakeServer({
    ...options,
    basePath: '/v1',
    renderer: {
      isStream: (request) => request.body?.stream === true,
      json: (reply, request) => {
        const toolCalls = toolCallsOf(reply);
        return {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 0,
          model: requestModel(request),
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: reply.text ?? (toolCalls.length > 0 ? null : ''),
                ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
              },
              finish_reason: finishOf(reply),
            },
          ],
          usage: usageOf(reply),
        };
      },
      sse: (reply, request) => {
        const base = {
          id: 'chatcmpl-fake',
          object: 'chat.completion.chunk',
          created: 0,
          model: requestModel(request),
        };
        const frames = [
          dataFrame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }),
        ];
        for (const chunk of replyChunks(reply)) {
          frames.push(
            dataFrame({ ...base, choices: [{ index: 0, delta: { content: chunk }, finish_reason: null }] }),
          );
        }
        toolCallsOf(reply).forEach((call, index) => {
          frames.push(
            dataFrame({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, ...call }] } }] }),
          );
        });
        frames.push(
          dataFrame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishOf(reply) }] }),
        );
        frames.push(dataFrame({ ...base, choices: [], usage: usageOf(reply) }));
        frames.push('data: [DONE]');
        return frames;
      },
      errorBody: (error: FakeError) => ({
        error: {
          message: error.message ?? `fake error ${error.status}`,
          type: error.status === 429 ? 'rate_limit_exceeded' : 'server_error',
          code: null,
        },
      }),
    },
  });
}
