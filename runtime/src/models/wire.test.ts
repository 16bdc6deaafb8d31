// Provider-specific details of what goes over the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { createModelClient } from './index.js';
import { startFakeAnthropic } from './testing/fake-anthropic.js';
import { startFakeGemini } from './testing/fake-gemini.js';
import { startFakeOpenAI } from './testing/fake-openai.js';
import type { FakeServer } from './testing/fake-server.js';

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function track(server: Promise<FakeServer>): Promise<FakeServer> {
  const s = await server;
  servers.push(s);
  return s;
}

const schema = {
  type: 'object',
  properties: { category: { type: 'string', enum: ['sales', 'support'] } },
  required: ['category'],
};

describe('openai wire format', () => {
  it('sends bearer auth, model parameters and a non-strict json_schema response format', async () => {
    const fake = await track(startFakeOpenAI({ script: [{ text: '{"category":"sales"}' }] }));
    const client = createModelClient(
      {
        provider: 'openai',
        model: 'gpt-test',
        baseUrl: fake.url,
        parameters: { temperature: 0.2, maxOutputTokens: 64, seed: 7 },
      },
      { env: { OPENAI_API_KEY: 'sk-abc' } },
    );
    await client.generate({
      messages: [{ role: 'user', content: 'hi' }],
      outputSchema: schema,
      temperature: 0,
    });
    const request = fake.requests[0];
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-abc');
    expect(request?.body).toMatchObject({
      model: 'gpt-test',
      temperature: 0,
      max_tokens: 64,
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { schema, strict: false } },
    });
  });

  it('asks for the usage chunk when streaming', async () => {
    const fake = await track(startFakeOpenAI({ script: [{ text: 'a b' }] }));
    const client = createModelClient(
      { provider: 'openai', model: 'gpt-test', baseUrl: fake.url, parameters: {} },
      { env: { OPENAI_API_KEY: 'k' } },
    );
    await client.generate({ messages: [{ role: 'user', content: 'hi' }], onTextDelta: () => {} });
    expect(fake.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('uses OPENAI_BASE_URL when the spec has no base URL', async () => {
    const fake = await track(startFakeOpenAI({ script: [{ text: 'from env url' }] }));
    const client = createModelClient(
      { provider: 'openai', model: 'gpt-test', parameters: {} },
      { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: fake.url } },
    );
    const response = await client.generate({ messages: [{ role: 'user', content: 'hi' }] });
    expect(response.text).toBe('from env url');
  });

  it('sends earlier tool calls and results as OpenAI messages', async () => {
    const fake = await track(startFakeOpenAI({ script: [{ text: 'done' }] }));
    const client = createModelClient(
      { provider: 'openai', model: 'gpt-test', baseUrl: fake.url, parameters: {} },
      { env: { OPENAI_API_KEY: 'k' } },
    );
    await client.generate({
      system: 'sys',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_9', name: 'lookup', args: { q: 'x' } }] },
        { role: 'tool', toolCallId: 'call_9', toolName: 'lookup', content: 'result text' },
      ],
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    });
    const messages = fake.requests[0]?.body.messages;
    expect(messages[0]).toEqual({ role: 'system', content: 'sys' });
    expect(messages[2].tool_calls[0]).toMatchObject({ id: 'call_9', function: { name: 'lookup' } });
    expect(JSON.parse(messages[2].tool_calls[0].function.arguments)).toEqual({ q: 'x' });
    expect(messages[3]).toMatchObject({ role: 'tool', tool_call_id: 'call_9', content: 'result text' });
    expect(fake.requests[0]?.body.tools[0]).toMatchObject({ type: 'function', function: { name: 'lookup' } });
  });
});

describe('anthropic wire format', () => {
  it('posts to /messages with x-api-key and a tool_result block', async () => {
    const fake = await track(startFakeAnthropic({ script: [{ text: 'ok' }] }));
    const client = createModelClient(
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        baseUrl: fake.url,
        parameters: { maxOutputTokens: 99 },
      },
      { env: { ANTHROPIC_API_KEY: 'ant-key' } },
    );
    await client.generate({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'lookup', args: {} }] },
        { role: 'tool', toolCallId: 'toolu_1', toolName: 'lookup', content: 'found it' },
      ],
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
    });
    const request = fake.requests[0];
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe('ant-key');
    expect(request?.body.max_tokens).toBe(99);
    expect(JSON.stringify(request?.body.messages)).toContain('"tool_result"');
    expect(JSON.stringify(request?.body.messages)).toContain('found it');
  });
});

describe('gemini wire format', () => {
  it('calls generateContent / streamGenerateContent with x-goog-api-key', async () => {
    const fake = await track(startFakeGemini({ script: [{ text: 'one' }, { text: 'two' }] }));
    const client = createModelClient(
      { provider: 'gemini', model: 'gemini-test', baseUrl: fake.url, parameters: {} },
      { env: { GOOGLE_API_KEY: 'g-key' } },
    );
    await client.generate({ messages: [{ role: 'user', content: 'hi' }], outputSchema: schema });
    await client.generate({ messages: [{ role: 'user', content: 'hi' }], onTextDelta: () => {} });
    expect(fake.requests[0]?.path).toBe('/v1beta/models/gemini-test:generateContent');
    expect(fake.requests[0]?.headers['x-goog-api-key']).toBe('g-key');
    expect(fake.requests[0]?.body.generationConfig.responseMimeType).toBe('application/json');
    expect(fake.requests[1]?.path).toBe('/v1beta/models/gemini-test:streamGenerateContent?alt=sse');
  });

  it('keeps the thought signature of a tool call and sends it back', async () => {
    const fake = await track(
      startFakeGemini({
        script: [
          { toolCalls: [{ name: 'lookup', args: { q: 'x' }, thoughtSignature: 'sig-123' }] },
          { text: 'done' },
        ],
      }),
    );
    const client = createModelClient(
      { provider: 'gemini', model: 'gemini-3-pro', baseUrl: fake.url, parameters: {} },
      { env: { GOOGLE_API_KEY: 'g-key' } },
    );
    const tools = [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }];
    const messages = [{ role: 'user' as const, content: 'q' }];
    const first = await client.generate({ messages, tools });
    expect(first.toolCalls[0]?.metadata).toMatchObject({ google: { thoughtSignature: 'sig-123' } });
    const call = first.toolCalls[0]!;
    await client.generate({
      messages: [
        ...messages,
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: call.id, toolName: call.name, content: 'ok' },
      ],
      tools,
    });
    const sent = JSON.stringify(fake.requests[1]?.body.contents);
    expect(sent).toContain('"thoughtSignature":"sig-123"');
  });
});
