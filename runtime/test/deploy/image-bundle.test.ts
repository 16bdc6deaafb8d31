// runtime/image-bundle.mjs (dist/image/, what the images carry): copied to a folder with no
// node_modules above it, plus the native core as the Dockerfiles add it, it serves a run, and its
// Temporal worker (no webpack: the prebuilt workflow code) runs a workflow on a real Temporal server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, skipWithout, startTemporal, type TemporalService } from '../support/services.js';

const runtimeDir = path.join(REPO_ROOT, 'runtime');
const SAMPLE = path.join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml');

describe.skipIf(skipWithout('temporal'))('the image bundle (dist/image/)', () => {
  let app: string;
  let temporal: TemporalService;
  const children: ChildProcess[] = [];
  const weft = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [path.join(app, 'bin/weft.js'), ...args], {
      cwd: app,
      env: { ...process.env, NO_COLOR: '1', ...env },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    const built = spawnSync(process.execPath, ['image-bundle.mjs'], { cwd: runtimeDir, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    // /tmp: no node_modules in any parent folder, as in an image
    app = mkdtempSync(path.join(tmpdir(), 'weft-image-bundle-'));
    cpSync(path.join(runtimeDir, 'dist/image'), app, { recursive: true });
    const coreBridge = path.dirname(
      createRequire(path.join(runtimeDir, 'package.json')).resolve('@temporalio/core-bridge/package.json'),
    );
    const arch: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
    const target = `${arch[process.arch]}-unknown-linux-gnu`;
    const native = path.join(app, 'assets/@temporalio/core-bridge/releases', target);
    mkdirSync(native, { recursive: true });
    cpSync(path.join(coreBridge, 'releases', target, 'index.node'), path.join(native, 'index.node'));
    temporal = await startTemporal();
  }, 180_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await temporal?.stop();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('runs a workflow with no node_modules', () => {
    const r = weft(['run', SAMPLE, '--input', 'message=40 seats?', '--json'], {
      WEFT_DATA_DIR: path.join(app, 'data'),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded' });
  });

  it('its worker runs a workflow on Temporal from the prebuilt workflow code', async () => {
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'image-bundle',
      WEFT_WORKFLOW_BUNDLE: path.join(app, 'temporal-workflows.js'),
      WEFT_DATA_DIR: path.join(app, 'data'),
    };
    const worker = spawn(process.execPath, [path.join(app, 'bin/weft.js'), 'worker'], {
      cwd: app,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    children.push(worker);
    let log = '';
    worker.stderr?.on('data', (d) => {
      log += d;
    });
    const deadline = Date.now() + 60_000;
    while (!log.includes('worker ready on queue image-bundle')) {
      if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`worker not ready:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const run = weft(['run', SAMPLE, '--engine', 'temporal', '--input', 'message=40 seats?', '--json'], env);
    expect(run.stderr).not.toContain('no worker polls');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded' });

    // without the prebuilt code the bundled worker says what is missing (its bundler is not in the image)
    const bare = weft(['worker'], { ...env, WEFT_WORKFLOW_BUNDLE: '' });
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('WEFT_WORKFLOW_BUNDLE');
  }, 120_000);
});
