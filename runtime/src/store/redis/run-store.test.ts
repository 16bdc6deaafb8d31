// RedisRunStore and the server on real redis-server processes (started and stopped by pid).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisService, requireService, startRedis } from '../../../test/support/services.js';
import { startFakeOpenAI } from '../../models/testing/fake-openai.js';
import type { FakeServer } from '../../models/testing/fake-server.js';
import { FixedWindowLimiter, parseRateLimit } from '../../server/limiter.js';
import {
  ECHO_WORKFLOW,
  slowWorkflow,
  startTestServer,
  type TempDir,
  type TestServer,
  tempDir,
} from '../../server/test-support.js';
import type { RunEvent, StoredEvent, StoredRun } from '../run-store.js';
import { RedisCounterStore } from './rate-limit-store.js';
import { compareStreamIds, RedisRunStore } from './run-store.js';

// requireService throws under CI=true when redis-server is missing: never a silent skip there
const missing = requireService('redis');

const run = (id: string, ms: number, extra: Partial<StoredRun> = {}): StoredRun => ({
  runId: id,
  workflow: 'wf',
  status: 'succeeded',
  inputs: {},
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, costUsd: 0 },
  startedAt: new Date(ms).toISOString(),
  trace: [],
  ...extra,
});
const ev = (runId: string, type: string): RunEvent => ({ type, runId, at: new Date().toISOString() });
const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

it('compares stream ids numerically', () => {
  expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
  expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
  expect(compareStreamIds('10-2', '10-2')).toBe(0);
});

describe.skipIf(missing)('RedisRunStore on a real redis-server', () => {
  let redis: RedisService;
  let aofDir: string;
  beforeAll(async () => {
    aofDir = mkdtempSync(join(tmpdir(), 'weft-redis-'));
    redis = await startRedis({ appendOnlyDir: aofDir });
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(aofDir, { recursive: true, force: true });
  });

  it('stores runs and pages them newest first with filters', async () => {
    const store = new RedisRunStore({ url: redis.url, prefix: `t1:` });
    try {
      for (let i = 0; i < 7; i++)
        await store.putRun(run(`r${i}`, 1000 + i, { status: i % 2 ? 'failed' : 'succeeded' }));
      await store.putRun(run('tie-a', 1006));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ limit: 3, cursor });
        seen.push(...page.runs.map((r) => r.runId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['tie-a', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
      const failed = await store.listRuns({ limit: 10, status: 'failed' });
      expect(failed.runs.map((r) => r.runId)).toEqual(['r5', 'r3', 'r1']);
      expect(await store.getRun('r3')).toMatchObject({ runId: 'r3', status: 'failed' });
      expect(await store.getRun('nope')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('streams events: backlog then live, in order, resuming after an id, across two connections', async () => {
    const a = new RedisRunStore({ url: redis.url, prefix: 't2:' });
    const b = new RedisRunStore({ url: redis.url, prefix: 't2:' });
    try {
      const id1 = await a.appendEvent('run1', ev('run1', 'run.started'));
      const id2 = await a.appendEvent('run1', ev('run1', 'step.started'));
      const got: StoredEvent[] = [];
      const stop = await b.subscribe('run1', id1, (e) => got.push(e));
      expect(got.map((e) => e.id)).toEqual([id2]);
      await a.appendEvent('run1', ev('run1', 'step.finished'));
      await a.appendEvent('run1', ev('run1', 'run.finished'));
      await waitFor(() => got.length === 3);
      expect(got.map((e) => e.event.type)).toEqual(['step.started', 'step.finished', 'run.finished']);
      stop();
      expect(await b.latestEventId('run1')).toBe(got[2]?.id);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('shares fixed-window counters between limiters (replicas)', async () => {
    const a = new RedisRunStore({ url: redis.url, prefix: 't3:' });
    try {
      const windows = parseRateLimit('3/minute');
      const one = new FixedWindowLimiter({ windows, store: new RedisCounterStore(a.redis, 't3:') });
      const two = new FixedWindowLimiter({ windows, store: new RedisCounterStore(a.redis, 't3:') });
      const results = [
        await one.hit('1.2.3.4'),
        await two.hit('1.2.3.4'),
        await one.hit('1.2.3.4'),
        await two.hit('1.2.3.4'),
      ];
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    } finally {
      await a.close();
    }
  });
});

describe.skipIf(missing)('two server replicas sharing one redis-server', () => {
  let redis: RedisService;
  let fake: FakeServer;
  let dir: TempDir;
  let aofDir: string;
  let storeA: RedisRunStore;
  let storeB: RedisRunStore;
  let A: TestServer;
  let B: TestServer;
  const errors: string[] = [];
  beforeAll(async () => {
    aofDir = mkdtempSync(join(tmpdir(), 'weft-redis-'));
    redis = await startRedis({ appendOnlyDir: aofDir });
    fake = await startFakeOpenAI({
      script: (request) => ({
        text: 'alpha beta gamma',
        delayMs: JSON.stringify(request.body).includes('slow') ? 1500 : 50,
      }),
    });
    dir = tempDir();
    dir.write('slow.yaml', slowWorkflow(fake.url));
    dir.write('echo.yaml', ECHO_WORKFLOW);
    storeA = new RedisRunStore({ url: redis.url, prefix: 'rep:', onError: (m) => errors.push(m) });
    storeB = new RedisRunStore({ url: redis.url, prefix: 'rep:', onError: (m) => errors.push(m) });
    A = await startTestServer(dir.path, { store: storeA, instanceId: 'A', syncTimeoutMs: 5000 });
    B = await startTestServer(dir.path, { store: storeB, instanceId: 'B', syncTimeoutMs: 5000 });
    await A.app.listen({ port: 0, host: '127.0.0.1' });
    await B.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await A?.close();
    await B?.close();
    await storeA?.close();
    await storeB?.close();
    await fake?.close();
    await redis?.stop();
    dir?.remove();
    rmSync(aofDir, { recursive: true, force: true });
  });

  const urlOf = (s: TestServer) => {
    const address = s.app.server.address();
    return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  };

  it('a client on replica A follows (SSE) and reads a run executing on replica B', async () => {
    const res = await fetch(`${urlOf(B)}/workflows/slow/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: '{"message":"slow one"}',
    });
    expect(res.status).toBe(202);
    const { runId } = await res.json();
    const sse = await fetch(`${urlOf(A)}/runs/${runId}/events`);
    const text = await sse.text(); // ends after run.finished
    expect(text.startsWith(': connected\n\n')).toBe(true);
    const types = [...text.matchAll(/event: (\S+)/g)].map((m) => m[1]);
    expect(types[0]).toBe('run.started');
    expect(types).toContain('model.delta');
    expect(types.at(-1)).toBe('run.finished');
    const record = await (await fetch(`${urlOf(A)}/runs/${runId}`)).json();
    expect(record).toMatchObject({
      status: 'succeeded',
      instance: 'B',
      outputs: { reply: 'alpha beta gamma' },
    });
    const list = await (await fetch(`${urlOf(A)}/runs?workflow=slow`)).json();
    expect(list.runs.map((r: { runId: string }) => r.runId)).toContain(runId);
  });

  it('cancelling on replica A stops a run executing on replica B', async () => {
    const res = await fetch(`${urlOf(B)}/workflows/slow/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: '{"message":"slow two"}',
    });
    const { runId } = await res.json();
    await waitFor(async () => (await storeA.getRun(runId)) !== undefined);
    const cancel = await fetch(`${urlOf(A)}/runs/${runId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(202);
    await waitFor(async () => (await storeA.getRun(runId))?.status === 'cancelled');
  });

  it('survives a Redis restart mid-run: /ready reports it, then nothing is lost', async () => {
    const res = await fetch(`${urlOf(B)}/workflows/slow/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: '{"message":"slow three"}',
    });
    const { runId } = await res.json();
    const follower = fetch(`${urlOf(A)}/runs/${runId}/events`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 200));
    await redis.restart({ hard: true }); // SIGKILL, as in a crash; AOF keeps what was written
    // during the outage the answers are clear errors, not hangs or 500s
    await redis.stop();
    const ready = await fetch(`${urlOf(A)}/ready`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).error.details.checks.store).toMatch(/unreachable/);
    const status = await fetch(`${urlOf(A)}/status/${runId}`);
    expect(status.status).toBe(503);
    expect((await status.json()).error.code).toBe('store_unavailable');
    await redis.restart();
    await waitFor(async () => (await fetch(`${urlOf(A)}/ready`)).status === 200, 10_000);
    await waitFor(async () => (await storeA.getRun(runId))?.status === 'succeeded', 15_000);
    const text = await follower;
    const types = [...text.matchAll(/event: (\S+)/g)].map((m) => m[1]);
    expect(types[0]).toBe('run.started');
    expect(types).toContain('step.started');
    expect(types).toContain('step.finished');
    expect(types.at(-1)).toBe('run.finished');
    const ids = [...text.matchAll(/id: (\S+)/g)].map((m) => m[1] ?? '');
    expect(new Set(ids).size).toBe(ids.length);
    const stored = await storeA.readEvents(runId);
    expect(stored.map((e) => e.id)).toEqual(ids);
    expect(errors.some((e) => /redis/.test(e))).toBe(true);
  }, 60_000);
});
