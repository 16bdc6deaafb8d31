// Bounded load test: 1,000 concurrent POST /run with the rate limiter on, over real HTTP, on the
// memory store and on a real redis-server. Every answer is 200, 202 or 429 and every accepted run is
// recorded. Then abuse (malformed JSON, wrong types, huge bodies, SSE clients that vanish): still healthy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisService, requireService, startRedis } from '../../test/support/services.js';
import { RedisCounterStore } from '../store/redis/rate-limit-store.js';
import { RedisRunStore } from '../store/redis/run-store.js';
import type { RunStore } from '../store/run-store.js';
import { parseRateLimit } from './limiter.js';
import { ECHO_WORKFLOW, startTestServer, type TempDir, type TestServer, tempDir } from './test-support.js';

const redisMissing = requireService('redis');
const TOTAL = 1000;
const LIMIT = 700;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: await res.text() };
}

function loadSuite(
  name: string,
  makeStore: () => Promise<{ store?: RunStore; counters?: RedisCounterStore; stop(): Promise<void> }>,
) {
  describe(name, () => {
    let dir: TempDir;
    let server: TestServer;
    let base = '';
    let cleanup: () => Promise<void> = async () => {};
    beforeAll(async () => {
      dir = tempDir();
      const file = dir.write('workflow.yaml', ECHO_WORKFLOW);
      const made = await makeStore();
      cleanup = made.stop;
      server = await startTestServer(file, {
        store: made.store,
        syncTimeoutMs: 2000,
        rateLimit: { windows: parseRateLimit(`${LIMIT}/hour,5000/day`), store: made.counters },
        heartbeatMs: 50,
      });
      base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await server?.close();
      await cleanup();
      dir?.remove();
    });

    it(`${TOTAL} concurrent POST /run: only 200/202/429, accepted == recorded`, async () => {
      const answers = await Promise.all(
        Array.from({ length: TOTAL }, (_, i) =>
          post(`${base}/run`, JSON.stringify({ message: `load ${i}` })),
        ),
      );
      const counts: Record<number, number> = {};
      for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
      expect(Object.keys(counts).map(Number).sort()).toEqual(
        Object.keys(counts)
          .map(Number)
          .filter((s) => s === 200 || s === 202 || s === 429)
          .sort(),
      );
      const accepted = answers
        .filter((a) => a.status === 200 || a.status === 202)
        .map((a) => JSON.parse(a.body).runId);
      // exactly LIMIT, unless the burst straddled a window boundary (fixed windows restart on the hour)
      expect(accepted.length).toBeGreaterThanOrEqual(LIMIT);
      expect(accepted.length).toBeLessThanOrEqual(Math.min(TOTAL, 2 * LIMIT));
      expect(counts[429] ?? 0).toBe(TOTAL - accepted.length);
      // wait until every accepted run has finished, then count what the store recorded
      const deadline = Date.now() + 60_000;
      let recorded: { runId: string; status: string }[] = [];
      for (;;) {
        recorded = [];
        let next: string | undefined = '/runs?limit=200';
        while (next) {
          const page: { runs: { runId: string; status: string }[]; next?: string } = await (
            await fetch(`${base}${next}`)
          ).json();
          recorded.push(...page.runs);
          next = page.next;
        }
        if (recorded.every((r) => r.status !== 'running') || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(recorded.length).toBe(accepted.length);
      expect(new Set(recorded.map((r) => r.runId))).toEqual(new Set(accepted));
      expect(recorded.every((r) => r.status === 'succeeded')).toBe(true);
    }, 120_000);

    it('malformed JSON, wrong types, huge bodies and vanishing SSE clients leave it healthy', async () => {
      const url = `${base}/workflows/echo/run`;
      const bad = await Promise.all([
        ...Array.from({ length: 50 }, () => post(url, '{"message": ')),
        ...Array.from({ length: 50 }, () => post(url, '{"message": 42, "count": "many"}')),
        ...Array.from({ length: 10 }, () => post(url, JSON.stringify({ message: 'x'.repeat(3_000_000) }))),
        ...Array.from({ length: 20 }, () =>
          post(url, 'message=hi', { 'content-type': 'application/x-www-form-urlencoded' }),
        ),
      ]);
      const statuses = new Set(bad.map((b) => b.status));
      for (const s of statuses) expect([400, 413, 415, 429]).toContain(s);
      for (const b of bad) expect(JSON.parse(b.body).error.code).toBeTypeOf('string');
      // SSE clients that connect and drop at once
      await Promise.all(
        Array.from({ length: 100 }, async () => {
          const controller = new AbortController();
          const res = await fetch(`${base}/events`, { signal: controller.signal });
          const reader = res.body!.getReader();
          await reader.read(); // ": connected"
          controller.abort();
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      // every dropped SSE stream was noticed and released
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^weft_sse_clients 0$/m);
      const ok = await post(url, '{"message":"still fine"}', { 'x-forwarded-for': '1.1.1.1' });
      expect([200, 429]).toContain(ok.status);
    }, 60_000);
  });
}

loadSuite('load: memory store', async () => ({ stop: async () => {} }));

describe.skipIf(redisMissing)('on redis', () => {
  let redis: RedisService | undefined;
  loadSuite('load: redis store', async () => {
    redis = await startRedis();
    const store = new RedisRunStore({ url: redis.url, prefix: 'load:' });
    return {
      store,
      counters: new RedisCounterStore(store.redis, 'load:'),
      stop: async () => {
        await store.close();
        await redis?.stop();
      },
    };
  });
});
