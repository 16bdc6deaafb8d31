// The built `weft` CLI against a REAL Temporal dev server: `weft run --engine temporal` (with an
// in-process worker when none polls, and with `weft worker` running), the same record and exit codes
// as the embedded engine, and a clear error when Temporal is unreachable.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../../test/support/cli.js';
import {
  findFreePort,
  REPO_ROOT,
  startTemporal,
  type TemporalService,
} from '../../../test/support/services.js';

let cli: BuiltCli;
let temporal: TemporalService;
let dataDir: string;
let worker: ChildProcess | undefined;
const sample = (name: string) => path.join(REPO_ROOT, 'samples', name, 'workflow.yaml');

const NO_BRANCH = `name: no-branch
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: classify
    kind: llm
    model: fast
    prompt: hello
  - id: route
    kind: decision
    branches:
      - when: steps.classify.output.text == "never"
        then: [reply]
  - id: reply
    kind: llm
    model: fast
    prompt: reply
`;

function env(taskQueue: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    WEFT_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...extra,
  };
}

beforeAll(async () => {
  [cli, temporal] = await Promise.all([buildCli('cli-temporal'), startTemporal()]);
  dataDir = mkdtempSync(path.join(tmpdir(), 'weft-cli-temporal-'));
  writeFileSync(path.join(dataDir, 'no-branch.yaml'), NO_BRANCH);
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  cli?.remove();
  await temporal?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('weft run --engine temporal', () => {
  it('runs a sample with an in-process worker: same record and progress as the embedded engine', async () => {
    const [onTemporal, onEmbedded] = await Promise.all([
      cli.runAsync(['run', sample('research'), '--engine', 'temporal', '--json'], {
        cwd: dataDir,
        env: env('cli-inprocess'),
      }),
      cli.runAsync(['run', sample('research'), '--json'], { cwd: dataDir, env: env('unused') }),
    ]);
    expect(onTemporal.stderr).toContain('no worker polls queue cli-inprocess');
    expect(onTemporal.stderr).toContain('bundling workflows…');
    expect(onTemporal.stderr).toContain('worker ready on queue cli-inprocess');
    expect(onTemporal.code).toBe(0);
    expect(onEmbedded.code).toBe(0);
    const a = JSON.parse(onTemporal.stdout);
    const b = JSON.parse(onEmbedded.stdout);
    expect({ ...a, runId: undefined }).toEqual({ ...b, runId: undefined });
    const progress = (stderr: string) =>
      stderr
        .split('\n')
        .filter((line) => /^ {2}[…✓✗–◆]/.test(line))
        .map((line) => line.replace(/\s+\d+(\.\d+)?m?s\b/, '').replace(/\s+/g, ' '))
        .sort();
    expect(progress(onTemporal.stderr)).toEqual(progress(onEmbedded.stderr));
    expect(onTemporal.stderr).toContain(`▶ research run ${a.runId}`);
    expect(onTemporal.stderr).toContain('✓ succeeded');
  }, 60_000);

  it('uses a running `weft worker`, exits 1 on a failed run, and the worker stops on SIGTERM', async () => {
    worker = spawn(process.execPath, [cli.file, 'worker'], {
      cwd: dataDir,
      env: { ...process.env, NO_COLOR: '1', ...env('cli-worker') },
    });
    let workerLog = '';
    worker.stderr?.on('data', (d) => {
      workerLog += d;
    });
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 45_000;
    while (!workerLog.includes('worker ready on queue cli-worker')) {
      if (Date.now() > deadline || worker.exitCode !== null)
        throw new Error(`worker not ready:\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(workerLog).toContain('bundling workflows…');

    const failed = await cli.runAsync(
      ['run', path.join(dataDir, 'no-branch.yaml'), '--engine', 'temporal', '--json'],
      { cwd: dataDir, env: env('cli-worker') },
    );
    expect(failed.stderr).not.toContain('no worker polls');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      status: 'failed',
      error: { code: 'no_branch_matched', step: 'route' },
    });
    expect(failed.stderr).toContain('✗ failed: no_branch_matched at step route');

    const ok = await cli.runAsync(
      ['run', sample('sales-inquiry'), '--engine', 'temporal', '-i', 'message=We want 40 seats, sales'],
      { cwd: dataDir, env: env('cli-worker') },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).category).toBe('sales');

    // `weft runs` lists them from Temporal (TEMPORAL_ADDRESS is set), through the visibility API
    const failedId = JSON.parse(failed.stdout).runId;
    let listed: Array<{ runId: string; workflow: string; status: string }> = [];
    for (let i = 0; i < 25 && !listed.some((r) => r.runId === failedId && r.status === 'failed'); i++) {
      const runs = await cli.runAsync(['runs', '--json', '--limit', '50'], {
        cwd: dataDir,
        env: env('cli-worker'),
      });
      expect(runs.code).toBe(0);
      listed = JSON.parse(runs.stdout);
      if (!listed.some((r) => r.runId === failedId)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed.find((r) => r.runId === failedId)).toMatchObject({
      workflow: 'no-branch',
      status: 'failed',
    });
    expect(listed.some((r) => r.workflow === 'sales-inquiry' && r.status === 'succeeded')).toBe(true);

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workerLog).toContain('worker stopped');
  }, 120_000);

  it('says how to start Temporal when nothing answers (exit 2)', async () => {
    const address = `127.0.0.1:${await findFreePort()}`;
    const r = await cli.runAsync(['run', sample('research'), '--engine', 'temporal'], {
      cwd: dataDir,
      env: env('cli-none', { TEMPORAL_ADDRESS: address }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot reach Temporal at ${address}: start one with \`temporal server start-dev\` or set TEMPORAL_ADDRESS`,
    );
  }, 30_000);
});
