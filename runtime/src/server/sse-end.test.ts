// A finished run's event stream ends for EventSource clients: after the last event, a reconnect gets
// 204 and the client stops (no reconnect loop). Also: unlabelled counters are exported at 0 at once.
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_WORKFLOW, startTestServer, type TempDir, type TestServer, tempDir } from './test-support.js';

describe('SSE end of a finished run, and counters at 0', () => {
  let dir: TempDir;
  let server: TestServer;
  let base: string;
  const streamRequests: Array<string | undefined> = [];
  beforeAll(async () => {
    dir = tempDir();
    server = await startTestServer(dir.write('workflow.yaml', ECHO_WORKFLOW));
    server.app.addHook('onRequest', async (request) => {
      if (request.url.includes('/events')) {
        streamRequests.push(request.headers['last-event-id'] as string | undefined);
      }
    });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('exports weft_rate_limited_total and other unlabelled series at 0 before anything happened', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^weft_rate_limited_total 0$/m);
    expect(text).toMatch(/^weft_runs_active 0$/m);
    expect(text).toMatch(/^weft_sse_clients 0$/m);
  });

  it('an EventSource on a finished run gets every event once, then a 204 that closes it', async () => {
    const run = await (
      await fetch(`${base}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"message":"hi"}',
      })
    ).json();
    expect(run.status).toBe('succeeded');
    const types: string[] = [];
    const ids: string[] = [];
    const source = new EventSource(`${base}/runs/${run.runId}/events`);
    const closed = await new Promise<boolean>((resolve) => {
      for (const type of ['run.started', 'step.started', 'step.finished', 'run.finished']) {
        source.addEventListener(type, (event) => {
          types.push(type);
          ids.push(event.lastEventId);
        });
      }
      // EventSource fires `error` on every drop; after a 204 its readyState is CLOSED for good.
      source.onerror = () => {
        if (source.readyState === EventSource.CLOSED) resolve(true);
      };
    });
    source.close();
    expect(closed).toBe(true);
    expect(types[0]).toBe('run.started');
    expect(types.at(-1)).toBe('run.finished');
    expect(types.filter((t) => t === 'run.finished')).toHaveLength(1);
    // One stream with the events, then one reconnect after the last id, answered 204.
    expect(streamRequests).toEqual([undefined, ids.at(-1)]);
    const again = await fetch(`${base}/runs/${run.runId}/events`, {
      headers: { 'last-event-id': ids.at(-1)! },
    });
    expect(again.status).toBe(204);
    // resuming from an earlier id still streams what follows it
    const earlier = await fetch(`${base}/runs/${run.runId}/events`, {
      headers: { 'last-event-id': ids[0]! },
    });
    expect(earlier.status).toBe(200);
    expect(await earlier.text()).toContain('event: run.finished');
  });
});
