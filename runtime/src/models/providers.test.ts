// Real client code against real local HTTP servers speaking each provider's wire protocol.
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../language/types.js';
import { createModelClient } from './index.js';
import { startFakeAnthropic } from './testing/fake-anthropic.js';
import { startFakeGemini } from './testing/fake-gemini.js';
import { startFakeOpenAI } from './testing/fake-openai.js';
import type { FakeScript, FakeServer } from './testing/fake-server.js';
import { ModelError } from './types.js';

const SECRET = 'sk-super-secret-key-123';
const fast = { 'retry-after-ms': '1' };

interface Case {
  provider: ModelSpec['provider'];
  model: string;
  keyEnv: string;
  start: (options: { script?: FakeScript }) => Promise<FakeServer>;
  /** The status the provider uses for "overloaded / server error". */
  serverStatus: number;
}

const cases: Case[] = [
  {
    provider: 'openai',
    model: 'gpt-test',
    keyEnv: 'OPENAI_API_KEY',
    start: startFakeOpenAI,
    serverStatus: 500,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    keyEnv: 'ANTHROPIC_API_KEY',
    start: startFakeAnthropic,
    serverStatus: 529,
  },
  {
    provider: 'gemini',
    model: 'gemini-test',
    keyEnv: 'GOOGLE_API_KEY',
    start: startFakeGemini,
    serverStatus: 503,
  },
];

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(c: Case, script: FakeScript, options: { timeoutMs?: number; maxRetries?: number } = {}) {
  const server = await c.start({ script });
  servers.push(server);
  const spec: ModelSpec = { provider: c.provider, model: c.model, baseUrl: server.url, parameters: {} };
  const client = createModelClient(spec, { env: { [c.keyEnv]: SECRET }, ...options });
  return { server, client };
}

const hi = [{ role: 'user' as const, content: 'Hello there' }];

async function rejection(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return error as ModelError;
  }
  throw new Error('expected a rejection');
}

describe.each(cases)('$provider provider', (c) => {
  it('returns text and token usage', async () => {
    const { server, client } = await setup(c, [
      { text: 'Hi, human.', usage: { inputTokens: 21, outputTokens: 4 } },
    ]);
    const response = await client.generate({ system: 'Be brief.', messages: hi });
    expect(response.text).toBe('Hi, human.');
    expect(response.usage).toEqual({ inputTokens: 21, outputTokens: 4 });
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe('stop');
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(server.requests[0]?.body)).toContain('Hello there');
    expect(JSON.stringify(server.requests[0]?.body)).toContain('Be brief.');
  });

  it('streams text deltas and still reports usage', async () => {
    const { client } = await setup(c, [
      { chunks: ['Once ', 'upon ', 'a time'], usage: { inputTokens: 7, outputTokens: 3 } },
    ]);
    const deltas: string[] = [];
    const response = await client.generate({ messages: hi, onTextDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual(['Once ', 'upon ', 'a time']);
    expect(response.text).toBe('Once upon a time');
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('retries a 429 and then succeeds', async () => {
    const { server, client } = await setup(c, [{ status: 429, headers: fast }, { text: 'after retry' }]);
    const response = await client.generate({ messages: hi });
    expect(response.text).toBe('after retry');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a server error and then succeeds', async () => {
    const { server, client } = await setup(c, [
      { status: c.serverStatus, headers: fast },
      { text: 'recovered' },
    ]);
    const response = await client.generate({ messages: hi });
    expect(response.text).toBe('recovered');
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxRetries with rate_limited', async () => {
    const { server, client } = await setup(c, () => ({ status: 429, headers: fast, message: 'slow down' }), {
      maxRetries: 1,
    });
    const error = await rejection(client.generate({ messages: hi }));
    expect(error.code).toBe('rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('429');
    expect(server.requests).toHaveLength(2);
  });

  it('maps 401 to auth without retrying and never leaks the key', async () => {
    const { server, client } = await setup(c, () => ({ status: 401, message: `bad key ${SECRET}` }));
    const error = await rejection(client.generate({ messages: hi }));
    expect(error.code).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(SECRET);
    expect(server.requests).toHaveLength(1);
  });

  it('maps 400 to bad_request', async () => {
    const { client } = await setup(c, () => ({ status: 400, message: 'messages: invalid' }));
    const error = await rejection(client.generate({ messages: hi }));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('messages: invalid');
  });

  it('returns invalid JSON raw when an output schema is set', async () => {
    const { client } = await setup(c, [{ text: 'Sure! {"category": sales' }]);
    const response = await client.generate({
      messages: hi,
      outputSchema: { type: 'object', properties: { category: { type: 'string' } }, required: ['category'] },
    });
    expect(response.text).toBe('Sure! {"category": sales');
    expect(response.usage.outputTokens).toBe(5);
  });

  it('returns valid JSON text when an output schema is set', async () => {
    const { client } = await setup(c, [{ text: '{"category":"sales"}' }]);
    const response = await client.generate({
      messages: hi,
      outputSchema: { type: 'object', properties: { category: { type: 'string' } }, required: ['category'] },
    });
    expect(JSON.parse(response.text)).toEqual({ category: 'sales' });
  });

  it('returns invalid JSON raw when streaming with an output schema', async () => {
    const { client } = await setup(c, [{ text: 'not json at all' }]);
    const deltas: string[] = [];
    const response = await client.generate({
      messages: hi,
      outputSchema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
      onTextDelta: (d) => deltas.push(d),
    });
    expect(response.text).toBe('not json at all');
    expect(deltas.join('')).toBe('not json at all');
  });

  it('maps a caller timeout signal to timeout', async () => {
    const { client } = await setup(c, [{ text: 'too late', delayMs: 2000 }]);
    const error = await rejection(client.generate({ messages: hi, signal: AbortSignal.timeout(50) }));
    expect(error.code).toBe('timeout');
  });

  it('times out a slow response with ModelError timeout', async () => {
    const { client } = await setup(c, [{ text: 'too late', delayMs: 2000 }], { timeoutMs: 100 });
    const started = performance.now();
    const error = await rejection(client.generate({ messages: hi }));
    expect(error.code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('maps a caller abort to aborted', async () => {
    const { client } = await setup(c, [{ text: 'too late', delayMs: 2000 }]);
    const controller = new AbortController();
    const pending = client.generate({ messages: hi, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(pending);
    expect(error.code).toBe('aborted');
  });

  it('returns tool calls without executing them', async () => {
    const { server, client } = await setup(c, [
      { toolCalls: [{ id: 'call_a', name: 'search', args: { query: 'seats' } }] },
    ]);
    const response = await client.generate({
      messages: hi,
      tools: [
        {
          name: 'search',
          description: 'Search the web',
          parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
        },
      ],
    });
    expect(response.toolCalls).toHaveLength(1);
    expect(response.toolCalls[0]).toMatchObject({ name: 'search', args: { query: 'seats' } });
    expect(response.toolCalls[0]?.id).toBeTruthy();
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(server.requests[0]?.body)).toContain('Search the web');
  });

  it('streams tool calls', async () => {
    const { client } = await setup(c, [{ toolCalls: [{ name: 'search', args: { query: 'q' } }] }]);
    const response = await client.generate({
      messages: hi,
      onTextDelta: () => {},
      tools: [{ name: 'search', parameters: { type: 'object', properties: { query: { type: 'string' } } } }],
    });
    expect(response.toolCalls.map((t) => [t.name, t.args])).toEqual([['search', { query: 'q' }]]);
  });

  it('sends tool results back in the conversation', async () => {
    const { server, client } = await setup(c, [{ text: 'The answer is 42.' }]);
    const response = await client.generate({
      messages: [
        { role: 'user', content: 'What is the answer?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'lookup', args: { q: 'answer' } }],
        },
        { role: 'tool', toolCallId: 'call_1', toolName: 'lookup', content: '{"value":42}' },
      ],
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    });
    expect(response.text).toBe('The answer is 42.');
    const body = JSON.stringify(server.requests[0]?.body);
    expect(body).toContain('lookup');
    expect(body).toContain('42');
  });

  it('fails with auth naming the variable when the key is missing, without calling the server', async () => {
    const server = await c.start({});
    servers.push(server);
    const client = createModelClient(
      { provider: c.provider, model: c.model, baseUrl: server.url, parameters: {} },
      { env: {} },
    );
    const error = await rejection(client.generate({ messages: hi }));
    expect(error.code).toBe('auth');
    expect(error.message).toContain(c.keyEnv);
    expect(server.requests).toHaveLength(0);
  });

  it('reads the key from the variable named by apiKeyEnv', async () => {
    const server = await c.start({ script: [{ text: 'ok' }] });
    servers.push(server);
    const spec: ModelSpec = {
      provider: c.provider,
      model: c.model,
      baseUrl: server.url,
      apiKeyEnv: 'MY_CUSTOM_KEY',
      parameters: {},
    };
    const missing = await rejection(
      createModelClient(spec, { env: { [c.keyEnv]: SECRET } }).generate({ messages: hi }),
    );
    expect(missing.message).toContain('MY_CUSTOM_KEY');
    const response = await createModelClient(spec, { env: { MY_CUSTOM_KEY: SECRET } }).generate({
      messages: hi,
    });
    expect(response.text).toBe('ok');
    expect(JSON.stringify(server.requests[0]?.headers)).toContain(SECRET);
  });

  it('maps a refused connection to network', async () => {
    const server = await c.start({});
    const url = server.url;
    await server.close();
    const client = createModelClient(
      { provider: c.provider, model: c.model, baseUrl: url, parameters: {} },
      { env: { [c.keyEnv]: SECRET }, maxRetries: 0 },
    );
    const error = await rejection(client.generate({ messages: hi }));
    expect(error.code).toBe('network');
    expect(error.message).not.toContain(SECRET);
  });
});
