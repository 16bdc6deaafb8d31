import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../models/testing/fake-openai.js';
import type { FakeServer } from '../models/testing/fake-server.js';
import {
  ECHO_WORKFLOW,
  slowWorkflow,
  startTestServer,
  type TempDir,
  type TestServer,
  tempDir,
} from './test-support.js';

describe('buildServer: one workflow file', () => {
  let dir: TempDir;
  let server: TestServer;
  beforeAll(async () => {
    dir = tempDir();
    const file = dir.write('workflow.yaml', ECHO_WORKFLOW);
    server = await startTestServer(file);
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('runs synchronously: 200 with outputs, usage and timings', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/run', payload: { message: 'hello' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('succeeded');
    expect(body.outputs.reply).toContain('Reply to: Answer: hello');
    expect(body.usage.totalTokens).toBeGreaterThan(0);
    expect(body.usage.costUsd).toBeGreaterThan(0);
    expect(body.timings.durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof body.runId).toBe('string');
    const status = await server.app.inject({ url: `/status/${body.runId}` });
    expect(status.json()).toMatchObject({ runId: body.runId, status: 'succeeded' });
    const run = await server.app.inject({ url: `/runs/${body.runId}` });
    expect(run.statusCode).toBe(200);
    expect(run.json().trace.length).toBeGreaterThan(1);
    expect(run.json().inputs).toEqual({ message: 'hello', count: 1 });
  });

  it('validates inputs against the workflow: 400 with JSON pointers', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/run', payload: { count: 'x', extra: 1 } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('invalid_inputs');
    const pointers = body.error.details.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/count', '/extra', '/message']);
  });

  it('Prefer: respond-async answers 202 at once, then the status shows the result', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/run',
      headers: { prefer: 'respond-async' },
      payload: { message: 'later' },
    });
    expect(res.statusCode).toBe(202);
    const { runId, statusUrl } = res.json();
    expect(statusUrl).toBe(`/status/${runId}`);
    expect(res.headers.location).toBe(statusUrl);
    let status = '';
    for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
      status = (await server.app.inject({ url: statusUrl })).json().status;
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('succeeded');
  });

  it('one error shape: 404 run and route, 415 content type, 400 bad JSON, 413 body limit', async () => {
    const run = await server.app.inject({ url: '/runs/nope' });
    expect(run.statusCode).toBe(404);
    expect(run.json().error.code).toBe('run_not_found');
    const route = await server.app.inject({ url: '/nowhere' });
    expect(route.statusCode).toBe(404);
    expect(route.json().error.code).toBe('not_found');
    const wf = await server.app.inject({ method: 'POST', url: '/workflows/other/run', payload: {} });
    expect(wf.statusCode).toBe(404);
    expect(wf.json().error.code).toBe('workflow_not_found');
    const text = await server.app.inject({
      method: 'POST',
      url: '/run',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('unsupported_media_type');
    const bad = await server.app.inject({
      method: 'POST',
      url: '/run',
      headers: { 'content-type': 'application/json' },
      payload: '{"message":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    const huge = await server.app.inject({
      method: 'POST',
      url: '/run',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ message: 'x'.repeat(1_100_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
  });

  it('lists runs with filters and cursor paging', async () => {
    for (let i = 0; i < 3; i++) {
      await server.app.inject({ method: 'POST', url: '/run', payload: { message: `m${i}` } });
    }
    const first = (await server.app.inject({ url: '/runs?limit=2&status=succeeded&workflow=echo' })).json();
    expect(first.runs).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = (await server.app.inject({ url: first.next })).json();
    const ids = [...first.runs, ...second.runs].map((r: { runId: string }) => r.runId);
    expect(new Set(ids).size).toBe(ids.length);
    const none = (await server.app.inject({ url: '/runs?workflow=zzz' })).json();
    expect(none.runs).toEqual([]);
  });

  it('serves /, /health, /ready, /schema, /openapi.json, /docs, /metrics', async () => {
    const root = (await server.app.inject({ url: '/' })).json();
    expect(root.workflows.map((w: { name: string }) => w.name)).toEqual(['echo']);
    expect(root.links.run).toBe('/run');
    expect((await server.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await server.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    const schema = (await server.app.inject({ url: '/schema' })).json();
    expect(schema.inputs.required).toEqual(['message']);
    expect(schema.outputs.properties.reply.type).toBe('string');
    const language = await server.app.inject({ url: '/schema/workflow.schema.json' });
    expect(language.headers['content-type']).toMatch(/^application\/schema\+json/);
    expect(language.json().$id).toBe('https://weft.dev/schemas/workflow.schema.json');
    const openapi = (await server.app.inject({ url: '/openapi.json' })).json();
    expect(
      openapi.paths['/run'].post.requestBody.content['application/json'].schema.properties.message.type,
    ).toBe('string');
    expect(openapi.paths['/runs/{id}/events']).toBeDefined();
    const docs = await server.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
    const metrics = (await server.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/weft_runs_finished_total\{workflow="echo",status="succeeded"\} \d+/);
    expect(metrics).toMatch(/weft_step_duration_seconds_bucket/);
    expect(metrics).toMatch(/weft_tokens_total\{workflow="echo",direction="input"\} \d+/);
    expect(metrics).toMatch(/weft_cost_usd_total/);
  });
});

describe('buildServer: sync timeout and cancel', () => {
  let fake: FakeServer;
  let dir: TempDir;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ script: () => ({ text: 'slow answer', delayMs: 600 }) });
    dir = tempDir();
    dir.write('slow.yaml', slowWorkflow(fake.url));
    dir.write('echo.yaml', ECHO_WORKFLOW);
    server = await startTestServer(dir.path, { syncTimeoutMs: 150 });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
    dir.remove();
  });

  it('POST /run needs a name when a folder serves several workflows', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/run', payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('workflow_required');
  });

  it('answers 202 past WEFT_SYNC_TIMEOUT_MS while the run goes on', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/workflows/slow/run',
      payload: { message: 'hi' },
    });
    expect(res.statusCode).toBe(202);
    const { runId } = res.json();
    expect((await server.app.inject({ url: `/status/${runId}` })).json().status).toBe('running');
    let status = 'running';
    for (let i = 0; i < 100 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 30));
      status = (await server.app.inject({ url: `/status/${runId}` })).json().status;
    }
    expect(status).toBe('succeeded');
    const run = (await server.app.inject({ url: `/runs/${runId}` })).json();
    expect(run.outputs.reply).toBe('slow answer');
    expect(run.usage.inputTokens).toBe(10);
  });

  it('cancels a running run; cancelling again is a 409', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/workflows/slow/run',
      headers: { prefer: 'respond-async' },
      payload: { message: 'cancel me' },
    });
    const { runId } = res.json();
    const cancel = await server.app.inject({ method: 'POST', url: `/runs/${runId}/cancel` });
    expect(cancel.statusCode).toBe(202);
    let status = 'running';
    for (let i = 0; i < 100 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await server.app.inject({ url: `/status/${runId}` })).json().status;
    }
    expect(status).toBe('cancelled');
    const again = await server.app.inject({ method: 'POST', url: `/runs/${runId}/cancel` });
    expect(again.statusCode).toBe(409);
    const missing = await server.app.inject({ method: 'POST', url: '/runs/nope/cancel' });
    expect(missing.statusCode).toBe(404);
  });
});
