// A TypeScript client generated from the served /openapi.json (openapi-typescript) and used through
// openapi-fetch: it must typecheck under strict (with runId, status and outputs typed, not never or
// any) and, run against the server, start a workflow and read its record.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, type DocumentedServer, startDocumentedServer } from './support.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type IsNever<T> = [T] extends [never] ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
const typed = <T>(_value: T, _notNever: IsNever<T>, _notAny: IsAny<T>) => {};

const baseUrl = process.env.WEFT_URL!;
const client = createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${process.env.WEFT_KEY}\` } });

// compile-time only: the body of POST /run is the served workflow's inputs
export async function wrongInputs() {
  // @ts-expect-error message is a string
  await client.POST('/run', { body: { message: 42 } });
}

const sync = await client.POST('/run', { body: { message: 'hello' } });
if (!sync.data) throw new Error(\`POST /run: \${sync.response.status} \${JSON.stringify(sync.error)}\`);
const runId: string = sync.data.runId;
typed(runId, false, false);
typed(sync.data.status, false, false);
if ('statusUrl' in sync.data) throw new Error('the echo workflow did not finish within the sync timeout');
// one served workflow: the sync answer has its outputs typed
const reply: string | undefined = sync.data.outputs?.reply;

const later = await client.POST('/run', {
  body: { message: 'later', count: 2 },
  params: { header: { prefer: 'respond-async' } },
});
if (!later.data || !('statusUrl' in later.data)) throw new Error(\`async POST /run: \${later.response.status}\`);
const accepted: components['schemas']['RunAccepted'] = later.data;

let polled = await client.GET('/status/{id}', { params: { path: { id: accepted.runId } } });
for (let i = 0; i < 200 && polled.data?.status === 'running'; i++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  polled = await client.GET('/status/{id}', { params: { path: { id: accepted.runId } } });
}

const got = await client.GET('/runs/{id}', { params: { path: { id: runId } } });
if (!got.data) throw new Error(\`GET /runs/{id}: \${got.response.status}\`);
const record: components['schemas']['RunRecord'] = got.data;
const status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'damaged' = record.status;
const outputs: Record<string, unknown> | undefined = record.outputs;
const tokens: number = record.usage.totalTokens;
const firstSpan: string | undefined = record.trace[0]?.name;
// @ts-expect-error a record has no such field
record.notAField;

const list = await client.GET('/runs', { params: { query: { status: 'succeeded', limit: '10' } } });
const listed: string[] = (list.data?.runs ?? []).map((r) => r.runId);

const missing = await client.GET('/runs/{id}', { params: { path: { id: 'no-such-run' } } });
const missingCode: string | undefined = missing.error?.error.code;

const anonymous = createClient<paths>({ baseUrl });
const refused = await anonymous.GET('/runs/{id}', { params: { path: { id: runId } } });

console.log(
  JSON.stringify({
    runId,
    syncStatus: sync.response.status,
    reply,
    status,
    outputs,
    tokens,
    firstSpan,
    acceptedStatus: later.response.status,
    location: later.response.headers.get('location'),
    statusUrl: accepted.statusUrl,
    polled: polled.data?.status,
    polledOutputs: polled.data?.outputs,
    listed,
    missing: [missing.response.status, missingCode],
    refused: [refused.response.status, refused.error?.error.code],
  }),
);
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  },
  files: ['client.ts', 'schema.ts'],
};

describe('a client generated from /openapi.json', () => {
  let served: DocumentedServer;
  let dir: string;
  beforeAll(async () => {
    served = await startDocumentedServer();
    dir = mkdtempSync(join(tmpdir(), 'weft-openapi-client-'));
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(dir, 'client.ts'), CLIENT);
  });
  afterAll(async () => {
    await served?.close();
    if (dir && !process.env.KEEP_CLIENT) rmSync(dir, { recursive: true, force: true });
  });

  it('compiles under strict with full types and runs a workflow through openapi-fetch', {
    timeout: 180_000,
  }, async () => {
    const schema = astToString(await openapiTS((await served.openapi()) as never));
    writeFileSync(join(dir, 'schema.ts'), schema);
    expect(schema).toMatch(/operations\["runWorkflow"\]/);

    const compiled = await run(process.execPath, [TSC, '-p', dir], { cwd: dir }).catch(
      (error: { stdout?: string; stderr?: string }) => error,
    );
    expect(`${compiled.stdout ?? ''}${compiled.stderr ?? ''}`).toBe('');

    const { stdout } = await run(process.execPath, [join(dir, 'out', 'client.js')], {
      cwd: dir,
      env: { ...process.env, WEFT_URL: served.url, WEFT_KEY: API_KEY },
    });
    const result = JSON.parse(stdout);
    expect(result.syncStatus).toBe(200);
    expect(result.runId).toMatch(/\S/);
    expect(result.status).toBe('succeeded');
    expect(result.outputs.reply).toEqual(expect.any(String));
    expect(result.reply).toBe(result.outputs.reply);
    expect(result.tokens).toBeGreaterThan(0);
    expect(result.firstSpan).toEqual(expect.any(String));
    expect(result.acceptedStatus).toBe(202);
    expect(result.location).toBe(result.statusUrl);
    expect(result.statusUrl).toMatch(/^\/status\//);
    expect(result.polled).toBe('succeeded');
    expect(result.polledOutputs.reply).toEqual(expect.any(String));
    expect(result.listed).toContain(result.runId);
    expect(result.missing).toEqual([404, 'run_not_found']);
    expect(result.refused).toEqual([401, 'unauthorized']);
  });
});
