// `weft serve` end to end over real HTTP: security plugins, SSE, secrets, OTLP export.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServeResult, startServe } from '../cli/commands/serve.js';
import { startFakeOpenAI } from '../models/testing/fake-openai.js';
import type { FakeServer } from '../models/testing/fake-server.js';
import { ECHO_WORKFLOW, slowWorkflow, type TempDir, tempDir } from './test-support.js';

const API_KEY = 'weft-test-api-key-0123456789abcdef';
const MODEL_KEY = 'sk-model-secret-9876543210zyxwvu';

class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

let dir: TempDir;
let data: TempDir;
let fake: FakeServer;
const servers: ServeResult[] = [];

async function serve(env: Record<string, string>, workflows = dir.path, logs = new LogCapture()) {
  const server = await startServe(
    { host: '127.0.0.1', port: 0, workflows },
    { WEFT_DATA_DIR: data.path, WEFT_LOG_LEVEL: 'info', ...env },
    logs,
  );
  servers.push(server);
  return { ...server, logs };
}

beforeAll(async () => {
  fake = await startFakeOpenAI({
    script: (request) => {
      const prompt = JSON.stringify(request.body);
      if (prompt.includes('leak')) {
        // a provider that echoes the key it was sent, as some do in auth errors
        return { status: 401, message: `Incorrect API key provided: ${request.headers.authorization}` };
      }
      return { text: 'one two three four', delayMs: prompt.includes('slow') ? 700 : 0 };
    },
  });
  dir = tempDir();
  data = tempDir('weft-data-');
  dir.write('echo.yaml', ECHO_WORKFLOW);
  dir.write('slow.yaml', slowWorkflow(fake.url));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(async () => {
  await fake.close();
  dir.remove();
  data.remove();
});

describe('weft serve: start-up safety', () => {
  it('refuses a non-loopback host without API keys, naming the fix', async () => {
    await expect(startServe({ host: '0.0.0.0', port: 0, workflows: dir.path }, {})).rejects.toThrow(
      /WEFT_API_KEYS/,
    );
  });
  it('refuses production without its identity variables unless SKIP_IDENTITY_CHECK=true', async () => {
    const env = {
      WEFT_ENV: 'production',
      WEFT_REQUIRED_ENV: 'GOOGLE_CLOUD_PROJECT',
      WEFT_DATA_DIR: data.path,
    };
    await expect(startServe({ port: 0, workflows: dir.path }, env, new LogCapture())).rejects.toThrow(
      /GOOGLE_CLOUD_PROJECT/,
    );
    const ok = await startServe(
      { port: 0, workflows: dir.path },
      { ...env, SKIP_IDENTITY_CHECK: 'true' },
      new LogCapture(),
    );
    servers.push(ok);
    expect((await fetch(`${ok.url}/health`)).status).toBe(200);
  });
});

describe('weft serve: API keys', () => {
  it('requires a bearer key on every route but /health', async () => {
    const { url } = await serve({ WEFT_API_KEYS: API_KEY });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    for (const path of [
      '/',
      '/runs',
      '/ready',
      '/schema',
      '/docs',
      '/openapi.json',
      '/metrics',
      '/ui',
      '/events',
      '/runs/x/events',
    ]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const post = await fetch(`${url}/workflows/echo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-key-wrong-key-wrong' },
      body: '{"message":"x"}',
    });
    expect(post.status).toBe(401);
    const ok = await fetch(`${url}/workflows/echo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: '{"message":"x"}',
    });
    expect(ok.status).toBe(200);
  });
});

describe('weft serve: CORS', () => {
  it('answers allowlisted origins only', async () => {
    const { url } = await serve({ WEFT_CORS_ORIGINS: 'https://app.example' });
    const good = await fetch(`${url}/runs`, { headers: { origin: 'https://app.example' } });
    expect(good.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const bad = await fetch(`${url}/runs`, { headers: { origin: 'https://evil.example' } });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${url}/workflows/echo/run`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
  });
  it('sends * without credentials when configured with *', async () => {
    const { url } = await serve({ WEFT_CORS_ORIGINS: '*' });
    const res = await fetch(`${url}/runs`, { headers: { origin: 'https://any.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('weft serve: rate limit', () => {
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/workflows/echo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"message":"hi"}',
    });

  it('limits run routes per client IP with Retry-After; other routes are not limited', async () => {
    const { url } = await serve({ WEFT_RATE_LIMIT: '2/minute,100/day' });
    expect((await post(url)).status).toBe(200);
    const second = await post(url);
    expect(second.status).toBe(200);
    expect(second.headers.get('ratelimit-remaining')).toBe('0');
    const third = await post(url);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await third.json()).error.code).toBe('rate_limited');
    expect((await fetch(`${url}/runs`)).status).toBe(200);
    // without TRUST_PROXY, X-Forwarded-For is ignored: same client
    expect((await post(url, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
  });

  it('with TRUST_PROXY, X-Forwarded-For names the client', async () => {
    const { url } = await serve({ WEFT_RATE_LIMIT: '1/minute', TRUST_PROXY: 'true' });
    expect((await post(url, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
    expect((await post(url, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(429);
    expect((await post(url, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
  });
});

describe('weft serve: secrets', () => {
  it('an API key and a model key never appear in any response body or log line', async () => {
    const { url, logs } = await serve({ WEFT_API_KEYS: API_KEY, FAKE_OPENAI_KEY: MODEL_KEY });
    const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    const bodies: string[] = [];
    const run = await fetch(`${url}/workflows/slow/run`, {
      method: 'POST',
      headers: auth,
      body: '{"message":"leak please"}',
    });
    bodies.push(await run.text());
    const { runId } = JSON.parse(bodies[0] ?? '{}');
    expect(JSON.parse(bodies[0] ?? '{}').status).toBe('failed');
    for (const path of [`/runs/${runId}`, `/status/${runId}`, '/runs', '/', '/metrics', '/openapi.json']) {
      bodies.push(await (await fetch(`${url}${path}`, { headers: auth })).text());
    }
    const events = await fetch(`${url}/runs/${runId}/events`, { headers: auth });
    bodies.push(await events.text());
    bodies.push(await (await fetch(`${url}/nope?key=${API_KEY}`, { headers: auth })).text());
    const all = bodies.join('\n');
    expect(all).toContain('failed');
    expect(all).not.toContain(MODEL_KEY);
    expect(all).not.toContain(API_KEY);
    expect(logs.text.length).toBeGreaterThan(0);
    expect(logs.text).not.toContain(MODEL_KEY);
    expect(logs.text).not.toContain(API_KEY);
    // the log is structured JSON with the authorization header redacted
    const lines = logs.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'weft serve listening')).toBe(true);
  });
});

/** Read an SSE response incrementally. */
async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  return {
    res,
    get text() {
      return buffer;
    },
    async until(pattern: RegExp, timeoutMs = 5000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(buffer)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${buffer}`);
        pending ??= reader.read();
        const result = await Promise.race([
          pending,
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)),
        ]);
        if (!result) continue;
        pending = undefined;
        if (result.value) buffer += decoder.decode(result.value, { stream: true });
        if (result.done) break;
      }
      return buffer;
    },
    close: () => controller.abort(),
  };
}

describe('weft serve: SSE', () => {
  it('writes `: connected` at once, ids on every event, heartbeats, model deltas, and resumes after Last-Event-ID', async () => {
    const { url } = await serve({ WEFT_SSE_HEARTBEAT_MS: '200', FAKE_OPENAI_KEY: MODEL_KEY });
    const start = await fetch(`${url}/workflows/slow/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: '{"message":"slow please"}',
    });
    const { runId, eventsUrl } = await start.json();
    const sse = await openSse(`${url}${eventsUrl}`);
    expect(sse.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.res.headers.get('cache-control')).toBe('no-cache');
    expect(sse.res.headers.get('x-accel-buffering')).toBe('no');
    await sse.until(/^: connected\n\n/);
    await sse.until(/: heartbeat/);
    const text = await sse.until(/event: run\.finished/, 8000);
    const frames = text.split('\n\n').filter((f) => f.includes('data: '));
    for (const frame of frames) expect(frame).toMatch(/^id: \S+/m);
    const types = frames.map((f) => /event: (\S+)/.exec(f)?.[1]);
    expect(types[0]).toBe('run.started');
    expect(types).toContain('step.started');
    expect(types).toContain('model.delta');
    expect(types).toContain('step.finished');
    expect(types.at(-1)).toBe('run.finished');
    const deltas = frames
      .filter((f) => f.includes('event: model.delta'))
      .map((f) => JSON.parse(/data: (.*)/.exec(f)?.[1] ?? '{}').text)
      .join('');
    expect(deltas).toBe('one two three four');
    // every delta names its step and the model
    for (const frame of frames.filter((f) => f.includes('event: model.delta'))) {
      expect(JSON.parse(/data: (.*)/.exec(frame)?.[1] ?? '{}')).toMatchObject({
        runId,
        step: 'answer',
        model: 'gpt-test',
      });
    }
    sse.close();

    // resume: only the events after the given id
    const ids = frames.map((f) => /id: (\S+)/.exec(f)?.[1] ?? '');
    const resumed = await openSse(`${url}/runs/${runId}/events`, { 'last-event-id': ids[1] ?? '' });
    const again = await resumed.until(/event: run\.finished/);
    const resumedIds = again
      .split('\n\n')
      .map((f) => /id: (\S+)/.exec(f)?.[1])
      .filter(Boolean);
    expect(resumedIds).toEqual(ids.slice(2));
    resumed.close();
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});

describe('weft serve: OTLP export', () => {
  let receiver: Server;
  const received: unknown[] = [];
  let endpoint = '';
  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({
          path: req.url,
          type: req.headers['content-type'],
          auth: req.headers['x-otlp-key'],
          body: JSON.parse(body),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it('POSTs each finished run as OTLP/HTTP JSON with GenAI attributes', async () => {
    const { url } = await serve({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-otlp-key=abc',
      FAKE_OPENAI_KEY: MODEL_KEY,
    });
    const res = await fetch(`${url}/workflows/slow/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message":"hello"}',
    });
    expect(res.status).toBe(200);
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    const got = received[0] as { path: string; type: string; auth: string; body: any };
    expect(got.path).toBe('/v1/traces');
    expect(got.type).toBe('application/json');
    expect(got.auth).toBe('abc');
    const resource = got.body.resourceSpans[0];
    expect(resource.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'weft' },
    });
    const spans = resource.scopeSpans[0].spans;
    const call = spans.find((s: any) => s.attributes.some((a: any) => a.key === 'gen_ai.request.model'));
    expect(call).toBeDefined();
    const attrs = Object.fromEntries(call.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]));
    expect(attrs['gen_ai.request.model']).toBe('gpt-test');
    expect(attrs['gen_ai.provider.name']).toBe('openai');
    expect(attrs['gen_ai.usage.input_tokens']).toBe('10');
    expect(attrs['gen_ai.usage.output_tokens']).toBe('5');
    expect(call.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(call.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(call.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(call.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(call.startTimeUnixNano));
    expect(JSON.stringify(got.body)).not.toContain(MODEL_KEY);
  });
});
