// `weft deploy generate` then `weft deploy build` on a real Docker engine: the generated Dockerfile
// builds on a local Node base (no registry here), runs as non-root, answers /health and one run; a
// planted key in the project's .env never reaches the image.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    project = mkdtempSync(path.join(tmpdir(), 'weft-deploy-build-'));
    cpSync(path.join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), path.join(project, 'workflow.yaml'));
    writeFileSync(path.join(project, '.env'), `OPENAI_API_KEY=${PLANTED}\n`);
    const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', project], {
      cwd: path.join(REPO_ROOT, 'runtime'),
      encoding: 'utf8',
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = pack.stdout.trim().split('\n').pop() ?? '';
    writeFileSync(path.join(project, 'weft.deploy.yaml'), `service: weft-smoke\nruntime: ./${tarball}\n`);
    const generated = cli.run(['deploy', 'generate'], { cwd: project });
    expect(generated.code, generated.stderr).toBe(0);
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
    // nothing left running
    expect(engine.docker(['ps', '-q']).stdout.trim()).toBe('');
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
