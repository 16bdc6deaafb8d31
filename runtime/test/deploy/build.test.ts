// `weft deploy generate` then `weft deploy build` on a real Docker engine: the generated Dockerfile
// builds on a local Node base (no registry here), runs as non-root, becomes healthy (Docker's
// HEALTHCHECK), answers /health and one run, carries no node_modules and its Temporal worker loads;
// a planted key in the project's .env never reaches the image.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../support/cli.js';
import {
  type DockerEngine,
  dockerMissing,
  ensureTestImages,
  startDockerd,
  TEST_IMAGES,
} from '../support/docker.js';
import { REPO_ROOT } from '../support/services.js';
import { deployProject } from './project.js';

const missing = dockerMissing();
const PLANTED = 'sk-planted-in-dotenv-7f3a9c2e1b';

describe.skipIf(missing !== undefined)('weft deploy build (real dockerd)', () => {
  let engine: DockerEngine;
  let cli: BuiltCli;
  let project: string;

  beforeAll(async () => {
    engine = await startDockerd();
    ensureTestImages(engine);
    cli = await buildCli('deploy-build');
    const workflow = readFileSync(path.join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), 'utf8');
    project = deployProject(cli, 'weft-smoke', workflow).dir;
    writeFileSync(path.join(project, '.env'), `OPENAI_API_KEY=${PLANTED}\n`);
  }, 300_000);

  afterAll(async () => {
    engine?.docker(['rmi', '-f', 'weft-smoke:local']);
    cli?.remove();
    await engine?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('builds, runs as non-root, is healthy and runs the workflow; the key in .env is not in the image', {
    timeout: 900_000,
  }, async () => {
    const args = [
      'deploy',
      'build',
      '--node-image',
      TEST_IMAGES.node,
      '--network',
      'host',
      '--timeout',
      '90',
      '--keep',
    ];
    const r = await cli.runAsync([...args, '--input', 'message=We would like 40 seats. What does it cost?'], {
      cwd: project,
      env: engine.env,
    });
    expect(r.stderr).toContain('[3/4] waiting for /health');
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const result = JSON.parse(r.stdout) as { image: string; sizeBytes: number; user: string; runId: string };
    expect(result.user).toBe('1000:1000');
    expect(result.runId).toMatch(/\S/);
    console.log(`image ${result.image}: ${(result.sizeBytes / 1e6).toFixed(1)} MB`);
    // --keep left it running: Docker's own HEALTHCHECK turns healthy (GET /health at $PORT)
    const container = /left running: (\w+)/.exec(r.stderr)?.[1] ?? '';
    expect(container).toMatch(/\w{12}/);
    let health = '';
    for (let i = 0; i < 120 && health !== 'healthy'; i++) {
      health = engine.docker(['inspect', '--format', '{{.State.Health.Status}}', container]).stdout.trim();
      if (health !== 'healthy') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(health).toBe('healthy');
    expect(engine.docker(['rm', '-f', container]).code).toBe(0);
    expect(engine.docker(['ps', '-q']).stdout.trim()).toBe('');
    // the bundle, not node_modules; the worker's native core loads (it fails on the address, not on a module)
    const probe = engine.docker([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'node',
      'weft-smoke:local',
      '-e',
      "console.log(require('fs').existsSync('/app/node_modules'), require('fs').existsSync('/app/bin/weft.js'))",
    ]);
    expect(probe.stdout.trim()).toBe('false true');
    const worker = engine.docker([
      'run',
      '--rm',
      '--network',
      'none',
      '-e',
      'TEMPORAL_ADDRESS=127.0.0.1:9',
      'weft-smoke:local',
      'worker',
    ]);
    expect(worker.code).not.toBe(0);
    expect(worker.stderr).toContain('connecting to Temporal at 127.0.0.1:9');
    expect(worker.stderr).toContain('cannot reach Temporal at 127.0.0.1:9');
    expect(worker.stderr).not.toMatch(
      /Cannot find module|ERR_MODULE_NOT_FOUND|PrebuildError|not in this image/,
    );
    // the planted key is in no layer
    const saved = path.join(project, 'image.tar');
    const save = engine.docker(['save', '-o', saved, 'weft-smoke:local']);
    expect(save.code, save.stderr).toBe(0);
    const grep = spawnSync('grep', ['-a', '-c', PLANTED, saved], { encoding: 'utf8' });
    expect(grep.stdout.trim()).toBe('0');
    expect(readFileSync(path.join(project, '.dockerignore'), 'utf8')).toContain('.env*');
  });

  it('a run that cannot start says why, with the container log', { timeout: 300_000 }, async () => {
    const r = await cli.runAsync(['deploy', 'build', '--node-image', TEST_IMAGES.node, '--network', 'host'], {
      cwd: project,
      env: engine.env,
    });
    // no --input: the server refuses the run and the command says which inputs to pass
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pass the inputs with --input NAME=VALUE');
    expect(engine.docker(['ps', '-q']).stdout.trim()).toBe('');
  });
});
