// The server loads a folder whose workflow calls another file (resolved relative to it), runs it, and serves the
// run with the child's trace nested under its step.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TempDir, type TestServer, tempDir } from './test-support.js';

const SAMPLE = fileURLToPath(new URL('../../../samples/sub-workflow/', import.meta.url));

describe('the server runs sub-workflows', () => {
  let dir: TempDir;
  let server: TestServer;
  beforeAll(async () => {
    dir = tempDir();
    cpSync(SAMPLE, dir.path, { recursive: true });
    server = await startTestServer(dir.path, { env: {} });
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('POST /workflows/brief/run: the child outputs reach the parent; the run has the child trace nested', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/workflows/brief/run',
      payload: { topic: 'owls' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('succeeded');
    expect(body.outputs.summary).toContain('Write a few notes about owls');
    const run = (await server.app.inject({ url: `/runs/${body.runId}` })).json();
    const step = run.trace.find((s: { name: string }) => s.name === 'step summarize');
    const child = run.trace.find(
      (s: { parentSpanId?: string; name: string }) => s.parentSpanId === step.spanId,
    );
    expect(child?.name).toBe('workflow summarize');
    expect(new Set(run.trace.map((s: { traceId: string }) => s.traceId)).size).toBe(1);
  });

  it('a broken child keeps the parent out of the registry, with the cross-file error reported', async () => {
    dir.write(
      'broken.workflow.yaml',
      'name: broken\nmodels: { fast: { provider: mock, model: m } }\nsteps:\n  - { id: s, kind: workflow, workflow: ./missing.yaml }\n',
    );
    server.registry.reload();
    const res = await server.app.inject({ method: 'POST', url: '/workflows/broken/run', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(JSON.stringify(server.registry.problems)).toContain('workflow-not-found');
  });
});
