import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { REPO_ROOT } from '../../test/support/services.js';

let cli: BuiltCli;
let project: string;

beforeAll(async () => {
  cli = await buildCli('deploy');
  project = mkdtempSync(path.join(tmpdir(), 'weft-deploy-'));
  cpSync(path.join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), path.join(project, 'workflow.yaml'));
});
afterAll(() => {
  cli.remove();
  rmSync(project, { recursive: true, force: true });
});

describe('weft deploy', () => {
  it('generate with no profile writes a default one, says so, and writes the artifacts', () => {
    const r = cli.run(['deploy', 'generate'], { cwd: project });
    expect(r.stderr).toContain('wrote weft.deploy.yaml: a default profile');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(project, 'weft.deploy.yaml'), 'utf8')).toContain(
      'workflows: workflow.yaml',
    );
    expect(readFileSync(path.join(project, 'Dockerfile'), 'utf8')).toContain(
      'COPY --chown=root:root workflow.yaml',
    );
  });

  it('check passes on the generated set and fails, naming the file, after an edit', () => {
    expect(cli.run(['deploy', 'check'], { cwd: project }).code).toBe(0);
    const file = path.join(project, 'deploy/kubernetes/server.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# hand edit\n`);
    const r = cli.run(['deploy', 'check'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('deploy/kubernetes/server.yaml: differs from the profile');
    expect(cli.run(['deploy', 'generate'], { cwd: project }).code).toBe(0);
    expect(cli.run(['deploy', 'check'], { cwd: project }).code).toBe(0);
  });

  it('a profile change is drift until regenerated', () => {
    const profile = path.join(project, 'weft.deploy.yaml');
    writeFileSync(profile, readFileSync(profile, 'utf8').replace('maxInstances: 10', 'maxInstances: 3'));
    const r = cli.run(['deploy', 'check'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('deploy/cloud-run/service.yaml: differs from the profile');
  });

  it('a bad profile exits 2 naming the key and the fix', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-deploy-bad-'));
    cpSync(path.join(project, 'workflow.yaml'), path.join(dir, 'workflow.yaml'));
    writeFileSync(path.join(dir, 'weft.deploy.yaml'), 'env:\n  OPENAI_API_KEY: sk-secret-value\n');
    const r = cli.run(['deploy', 'generate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('env.OPENAI_API_KEY: looks like a secret');
    expect(r.stderr).not.toContain('sk-secret-value');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a workflow with errors is refused with its first diagnostic', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-deploy-invalid-'));
    writeFileSync(path.join(dir, 'workflow.yaml'), 'name: x\nsteps:\n  - id: a\n    kind: nope\n');
    const r = cli.run(['deploy', 'generate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/workflow\.yaml:\d+:\d+: /);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('weft deploy cloud-run (wire fake)', () => {
  it('deploys the generated project and prints the URL on stdout, progress on stderr', async () => {
    const { startFakeGcp } = await import('../deploy/cloud-run/testing/fake-gcp.js');
    const account = 'serviceAccount:weft-workflow-runtime@acme.iam.gserviceaccount.com';
    const fake = await startFakeGcp({
      enabledApis: new Set([
        'run.googleapis.com',
        'artifactregistry.googleapis.com',
        'secretmanager.googleapis.com',
      ]),
      repositories: new Set(['weft']),
      secrets: new Map([
        ['weft-workflow-api-keys', [account]],
        ['openai-api-key', [account]],
      ]),
    });
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'weft-deploy-cr-'));
      cpSync(path.join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), path.join(dir, 'workflow.yaml'));
      expect(cli.run(['deploy', 'generate'], { cwd: dir }).code).toBe(0);
      const env = { WEFT_GCP_API_ENDPOINT: fake.url, CLOUDSDK_AUTH_ACCESS_TOKEN: 'fake-token' };
      const args = [
        'deploy',
        'cloud-run',
        '--project',
        'acme',
        '--image',
        'europe-west1-docker.pkg.dev/acme/weft/x:1',
        '--save',
      ];
      const r = await cli.runAsync(args, { cwd: dir, env });
      expect(r.stderr).toContain('✓ API run.googleapis.com: enabled');
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe('https://weft-workflow-abc123-ew.a.run.app');
      expect(readFileSync(path.join(dir, 'weft.deploy.yaml'), 'utf8')).toContain('project: acme');
      const noCreds = await cli.runAsync(args, {
        cwd: dir,
        env: { WEFT_GCP_API_ENDPOINT: fake.url, CLOUDSDK_AUTH_ACCESS_TOKEN: 'wrong' },
      });
      expect(noCreds.code).toBe(1);
      expect(noCreds.stderr).toContain('UNAUTHENTICATED');
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await fake.close();
    }
  });
});
