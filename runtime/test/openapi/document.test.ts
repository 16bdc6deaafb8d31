// The served /openapi.json: lints clean with Redocly's recommended rules (offline), documents every
// operation (operationId, 2xx body, error answers, security), and matches docs/openapi.json, the
// committed copy clients can be generated from. After a deliberate change to the API, refresh that
// copy with `npx vitest run runtime/test/openapi/document.test.ts -u`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_WORKFLOW } from '../../src/server/test-support.js';
import { startDocumentedServer } from './support.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
const REDOCLY = join(require.resolve('@redocly/cli/package.json'), '..', 'bin', 'cli.js');
const RUNTIME_VERSION = (
  JSON.parse(readFileSync(join(REPO, 'runtime', 'package.json'), 'utf8')) as { version: string }
).version;
const TWO_WORKFLOWS = {
  'echo.yaml': ECHO_WORKFLOW,
  'shout.yaml': ECHO_WORKFLOW.replace('name: echo', 'name: shout'),
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    responses?: Record<string, Response>;
    securitySchemes?: unknown;
  };
};
type Operation = {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, Response & { $ref?: string }>;
};
type Response = {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: { $ref?: string } }>;
};

function operations(doc: Doc): Array<[string, Operation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

/** `redocly lint` with the repo's redocly.yaml (recommended rules, telemetry off), no network needed. */
async function lint(
  doc: unknown,
): Promise<{ totals: { errors: number; warnings: number }; problems: unknown[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const { stdout } = await run(
      process.execPath,
      [REDOCLY, 'lint', '--config', join(REPO, 'redocly.yaml'), '--format', 'json', file],
      {
        cwd: dir,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
      },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`redocly lint did not report: ${error.stderr}`);
      return { stdout: error.stdout };
    });
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('/openapi.json with API keys and a rate limit', () => {
  let doc: Doc;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const served = await startDocumentedServer(TWO_WORKFLOWS, { version: RUNTIME_VERSION });
    close = served.close;
    doc = (await served.openapi()) as Doc;
  });
  afterAll(async () => close?.());

  it('lints with no error under the recommended rules', { timeout: 120_000 }, async () => {
    const report = await lint(doc);
    expect(report.problems.filter((p) => (p as { severity: string }).severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
    console.log(`redocly lint (recommended): ${report.totals.warnings} warning(s)`);
  });

  it('gives every operation a unique operationId, a 2xx answer with a body, and bearer security', () => {
    const all = operations(doc);
    expect(all.length).toBeGreaterThanOrEqual(16);
    const ids = all.map(([, op]) => op.operationId);
    expect(
      ids.every((id) => typeof id === 'string' && id.length > 0),
      ids.join(','),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, op] of all) {
      const ok = Object.entries(op.responses).filter(
        ([status]) => /^2\d\d$/.test(status) && status !== '204',
      );
      expect(ok.length, name).toBeGreaterThan(0);
      for (const [, response] of ok)
        expect(Object.keys(response.content ?? {}).length, name).toBeGreaterThan(0);
      const expected = name === 'GET /health' ? [] : [{ bearer: [] }];
      expect(op.security, name).toEqual(expected);
      expect(Boolean(op.responses['401']), name).toBe(name !== 'GET /health');
    }
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('documents the answers the server really sends, each error with the one Error schema', () => {
    const op = (name: string) => Object.fromEntries(operations(doc))[name]!;
    const statuses = (name: string) => Object.keys(op(name).responses);
    expect(statuses('POST /run')).toEqual(['200', '202', '400', '401', '413', '429', '503', '4XX', '5XX']);
    expect(statuses('POST /workflows/{name}/run')).toContain('404');
    expect(statuses('GET /runs/{id}')).toEqual(['200', '401', '404', '4XX', '5XX']);
    expect(statuses('POST /runs/{id}/cancel')).toEqual(['202', '401', '404', '409', '4XX', '5XX']);
    const accepted = op('POST /run').responses['202']!;
    expect(Object.keys(accepted.headers ?? {})).toContain('Location');
    expect(accepted.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/RunAccepted',
    });
    expect(op('GET /runs/{id}').responses['200']!.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/RunRecord',
    });
    const responses = doc.components.responses ?? {};
    for (const [name, response] of Object.entries(responses)) {
      expect(response.content?.['application/json']?.schema, name).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
    expect(Object.keys(responses.TooManyRequests?.headers ?? {})).toContain('Retry-After');
    expect(Object.keys(responses.Unauthorized?.headers ?? {})).toContain('WWW-Authenticate');
    for (const name of ['RunRecord', 'RunResult', 'RunSummary', 'RunAccepted', 'RunEvent', 'Error']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });

  it('is the committed docs/openapi.json', async () => {
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot(join(REPO, 'docs', 'openapi.json'));
  });
});

describe('/openapi.json without API keys', () => {
  it('declares no bearer scheme nor 401, every operation open, and lints with no error', {
    timeout: 120_000,
  }, async () => {
    const served = await startDocumentedServer(TWO_WORKFLOWS, { authenticated: false });
    try {
      const doc = (await served.openapi()) as Doc;
      expect(doc.components.securitySchemes).toBeUndefined();
      for (const [name, op] of operations(doc)) {
        expect(op.security, name).toEqual([]);
        expect(op.responses['401'], name).toBeUndefined();
      }
      expect((await lint(doc)).totals.errors).toBe(0);
    } finally {
      await served.close();
    }
  });
});
