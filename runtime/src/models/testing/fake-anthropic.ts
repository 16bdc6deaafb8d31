/**
 * A fake Anthropic Messages server (POST {url}/messages) for tests: a real HTTP server on 127.0.0.1.
 * Streams SSE events (message_start, content_block_start/delta/stop, message_delta, message_stop)
 * when the body has `stream: true`, else answers one `message` JSON. Tool calls become `tool_use`
 * blocks. Same script format as fake-openai.ts:
 *
 *   const fake = await startFakeAnthropic({ script: [{ status: 529 }, { text: 'Hi' }] });
 *   createModelClient({ provider: 'anthropic', model: 'claude-sonnet-4-5', baseUrl: fake.url, parameters: {} },
 *     { env: { ANTHROPIC_API_KEY: 'k' } });
 *   fake.requests[0]?.headers['x-api-key'];
 */
import {
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

function stopReason(reply: FakeReply): string {
  return replyFinish(reply, 'tool_use', 'end_turn');
}

function toolBlocks(reply: FakeReply) {
  return (reply.toolCalls ?? []).map((call, i) => ({
    type: 'tool_use',
    id: call.id ?? `toolu_${i + 1}`,
    name: call.name,
    input: call.args,
  }));
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

export function startFakeAnthropic(options: { script?: FakeScript } = {}): Promise<FakeServer> {
  return startFakeServer({
    ...options,
    basePath: '/v1',
    renderer: {
      isStream: (request) => request.body?.stream === true,
      json: (reply, request) => {
        const { inputTokens, outputTokens } = replyUsage(reply);
        return {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: requestModel(request),
          content: [...(reply.text ? [{ type: 'text', text: reply.text }] : []), ...toolBlocks(reply)],
          stop_reason: stopReason(reply),
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        };
      },
      sse: (reply, request) => {
        const { inputTokens, outputTokens } = replyUsage(reply);
        const event = (type: string, data: object) =>
          `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}`;
        const frames = [
          event('message_start', {
            message: {
              id: 'msg_fake',
              type: 'message',
              role: 'assistant',
              model: requestModel(request),
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: inputTokens, output_tokens: 1 },
            },
          }),
        ];
        let index = 0;
        const chunks = replyChunks(reply);
        if (chunks.length > 0) {
          frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
          for (const text of chunks) {
            frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
          }
          frames.push(event('content_block_stop', { index }));
          index++;
        }
        for (const block of toolBlocks(reply)) {
          frames.push(
            event('content_block_start', {
              index,
              content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
            }),
          );
          frames.push(
            event('content_block_delta', {
              index,
              delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
            }),
          );
          frames.push(event('content_block_stop', { index }));
          index++;
        }
        frames.push(
          event('message_delta', {
            delta: { stop_reason: stopReason(reply), stop_sequence: null },
            usage: { output_tokens: outputTokens },
          }),
        );
        frames.push(event('message_stop', {}));
        return frames;
      },
      errorBody: (error: FakeError) => ({
        type: 'error',
        error: {
          type: ERROR_TYPES[error.status] ?? 'api_error',
          message: error.message ?? `fake error ${error.status}`,
        },
      }),
    },
  });
}
