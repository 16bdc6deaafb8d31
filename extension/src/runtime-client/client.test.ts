import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingApprovals, type RunEvent, RuntimeClient, RuntimeError } from './client.js';
import { SseParser } from './sse.js';

// A tiny stand-in for the runtime's HTTP API, enough to exercise the client's wire handling.
let server: Server;
let base: string;
const seen: Array<{
  method?: string;
  url?: string;
  auth?: string;
  body?: string;
  lastEventId?: string;
  prefer?: string;
}> = [];

const TIMINGS = {
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:01.000Z',
  durationMs: 1000,
};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handler(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  for await (const chunk of req) body += chunk;
  seen.push({
    method: req.method,
    url: req.url,
    auth: req.headers.authorization,
    body,
    lastEventId: req.headers['last-event-id'] as string | undefined,
    prefer: String(req.headers.prefer ?? ''),
  });
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/health') return json(res, 200, { status: 'ok' });
  if (url.pathname === '/runs' && req.method === 'GET') {
    return json(res, 200, {
      runs: [{ runId: 'r1', workflow: 'triage', status: 'succeeded', timings: TIMINGS }],
      nextCursor: 'c2',
    });
  }
  if (url.pathname === '/runs/r1')
    return json(res, 200, { runId: 'r1', workflow: 'triage', status: 'succeeded', trace: [] });
  if (url.pathname === '/runs/missing')
    return json(res, 404, { error: { code: 'not_found', message: 'no run missing' } });
  if (url.pathname === '/workflows/triage/run' && req.method === 'POST') {
    return json(res, 202, {
      runId: 'r2',
      workflow: 'triage',
      status: 'running',
      eventsUrl: '/runs/r2/events',
    });
  }
  if (url.pathname === '/runs/r2/cancel' && req.method === 'POST') return json(res, 202, { runId: 'r2' });
  if (url.pathname === '/runs/r2/approvals/review' && req.method === 'POST') {
    const answer = JSON.parse(body) as { decision: string; by?: string };
    if (answer.decision !== 'approve' && answer.decision !== 'reject')
      return json(res, 400, { error: { code: 'invalid_decision', message: 'allowed: approve, reject' } });
    return json(res, 200, {
      runId: 'r2',
      step: 'review',
      decision: answer.decision,
      by: answer.by,
      at: 'now',
    });
  }
  if (url.pathname === '/runs/r2/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': connected\n\n');
    const events = [
      { type: 'run.started', runId: 'r2' },
      { type: 'step.started', runId: 'r2', step: 'classify' },
      { type: 'step.finished', runId: 'r2', step: 'classify' },
      { type: 'run.finished', runId: 'r2', status: 'succeeded' },
    ];
    events.forEach((e, i) => {
      // split a message across writes to exercise the incremental parser
      const text = `id: ${i + 1}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
      setTimeout(() => {
        res.write(text.slice(0, 7));
        res.write(text.slice(7));
      }, 10 * i);
    });
    return; // the client hangs up after run.finished
  }
  json(res, 404, { error: { code: 'not_found', message: 'no route' } });
}

beforeAll(async () => {
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('RuntimeClient', () => {
  it('checks health, lists and reads runs, with the API key as a bearer token', async () => {
    const client = new RuntimeClient({ baseUrl: `${base}/`, apiKey: 'k1' });
    expect(await client.health()).toBe(true);
    const runs = await client.listRuns({ workflow: 'triage', limit: 5 });
    expect(runs.map((r) => [r.runId, r.startedAt, r.endedAt])).toEqual([
      ['r1', TIMINGS.startedAt, TIMINGS.endedAt],
    ]);
    expect(seen.at(-1)).toMatchObject({ url: '/runs?workflow=triage&limit=5', auth: 'Bearer k1' });
    expect(await client.getRun('r1')).toMatchObject({ runId: 'r1', status: 'succeeded' });
  });

  it('starts, streams and cancels a run', async () => {
    const client = new RuntimeClient({ baseUrl: base });
    const run = await client.startRun({ workflow: 'triage', inputs: { message: 'hi' } });
    expect(run).toMatchObject({ runId: 'r2', status: 'running', workflow: 'triage' });
    expect(seen.at(-1)).toMatchObject({ url: '/workflows/triage/run', prefer: 'respond-async' });
    expect(JSON.parse(seen.at(-1)!.body!)).toEqual({ message: 'hi' });
    const events: RunEvent[] = [];
    const last = await client.streamEvents('r2', (e) => events.push(e), { lastEventId: '0' });
    expect(events.map((e) => `${e.type}${e.step ? `:${e.step}` : ''}`)).toEqual([
      'run.started',
      'step.started:classify',
      'step.finished:classify',
      'run.finished',
    ]);
    expect(last).toBe('4');
    expect(seen.at(-1)?.lastEventId).toBe('0');
    await client.cancel('r2');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/runs/r2/cancel' });
  });

  it('turns error answers and unreachable servers into RuntimeErrors that say what happened', async () => {
    const client = new RuntimeClient({ baseUrl: base });
    await expect(client.getRun('missing')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    const down = new RuntimeClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    expect(await down.health()).toBe(false);
    const error = await down.listRuns().catch((e) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.message).toMatch(/cannot reach the Weft runtime at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('approvals', () => {
  it('decides through POST /runs/{id}/approvals/{step}; a refused decision is a RuntimeError with the code', async () => {
    const client = new RuntimeClient({ baseUrl: base, apiKey: 'k1' });
    expect(await client.decideApproval('r2', 'review', { decision: 'approve', by: 'ada' })).toMatchObject({
      decision: 'approve',
      by: 'ada',
    });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/runs/r2/approvals/review',
      auth: 'Bearer k1',
    });
    await expect(client.decideApproval('r2', 'review', { decision: 'maybe' })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_decision',
    });
  });

  it('lists the approvals still waiting, only while the run runs', () => {
    const approvals = [
      { step: 'a', prompt: 'p', decisions: ['approve'], decision: 'approve' },
      { step: 'b', prompt: 'p', decisions: ['approve'] },
    ];
    expect(pendingApprovals({ status: 'running', approvals }).map((a) => a.step)).toEqual(['b']);
    expect(pendingApprovals({ status: 'cancelled', approvals })).toEqual([]);
    expect(pendingApprovals({ status: 'running' })).toEqual([]);
  });
});

describe('SseParser', () => {
  it('handles comments, multi-line data, CRLF and chunk boundaries', () => {
    const p = new SseParser();
    expect(p.push(': hi\r\n\r\nid: 7\r\nevent: x\r\ndata: a\r')).toEqual([]);
    expect(p.push('\ndata: b\r\n\r\ndata:c\n\n')).toEqual([
      { id: '7', event: 'x', data: 'a\nb' },
      { id: '7', data: 'c' },
    ]);
  });
});
