import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { Service as KnativeService } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { deployContext } from './context.js';
import { findDrift, generateArtifacts } from './generate.js';
import { kubernetesManifests } from './generators/kubernetes.js';
import { defaultProfile, ProfileError, parseProfile } from './profile.js';

const defaults = defaultProfile('weft-sales', 'samples/sales-inquiry', '0.1.0');
const files = generateArtifacts(defaults, { workflowsIsFile: false });
const file = (p: string) => {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`not generated: ${p}`);
  return found.content;
};

describe('deploy profile', () => {
  it('reads secret references as NAME: secret:VERSION over the defaults', () => {
    const p = parseProfile('service: my-svc\nsecrets:\n  OPENAI_API_KEY: openai:3\n', defaults);
    expect(p.service).toBe('my-svc');
    expect(p.secrets).toEqual({ OPENAI_API_KEY: { secret: 'openai', version: '3' } });
    expect(p.cloudRun.region).toBe('europe-west1');
  });

  it.each([
    ['colour: blue', 'colour: unknown setting'],
    ['service: My_Service', 'service: lowercase letters'],
    ['target: heroku', 'target: must be one of cloud-run'],
    ['env:\n  OPENAI_API_KEY: sk-123', 'env.OPENAI_API_KEY: looks like a secret'],
    ['secrets:\n  OPENAI_API_KEY: openai', 'pin a version number'],
    ['nodeImage: node:latest', 'nodeImage: pin the Node base image'],
    ['cloudRun:\n  maxInstances: 0', 'cloudRun.maxInstances'],
    ['service: [unclosed', 'weft.deploy.yaml:'],
  ])('refuses %j with a message naming the key', (text, message) => {
    let error: unknown;
    try {
      parseProfile(text, defaults);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).message).toContain(message);
  });
});

describe('generated artifacts', () => {
  it('writes every artifact the issue lists', () => {
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        '.dockerignore',
        '.github/workflows/weft-build-push.yaml',
        '.github/workflows/weft-deploy-cloud-run.yaml',
        '.github/workflows/weft-test.yaml',
        'DEPLOY.md',
        'Dockerfile',
        'deploy/cloud-run/service.yaml',
        'deploy/compose/.env.example',
        'deploy/compose/compose.yaml',
        'deploy/compose/nginx.conf',
        'deploy/compose/swarm.yaml',
        'deploy/hf-space/Dockerfile',
        'deploy/hf-space/README.md',
        'deploy/kubernetes/configmap.yaml',
        'deploy/kubernetes/kustomization.yaml',
        'deploy/kubernetes/server.yaml',
        'deploy/kubernetes/worker.yaml',
        'deploy/terraform/main.tf',
        'deploy/terraform/outputs.tf',
        'deploy/terraform/variables.tf',
      ].sort(),
    );
  });

  it('Dockerfile: syntax directive first, pinned multi-stage base, non-root, HEALTHCHECK, PORT', () => {
    const text = file('Dockerfile');
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
    expect(text).toContain('ARG NODE_IMAGE=node:22.12.0-bookworm-slim');
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    expect(text).toMatch(/^USER 1000:1000$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n.*\/health/m);
    expect(text).toContain('PORT=8080');
    expect(text).toContain('COPY --chown=root:root samples/sales-inquiry /app/workflows/');
    expect(file('.dockerignore')).toMatch(/^\.env\*$/m);
    for (const kept of ['**/.weft', '**/node_modules', '**/*.pem'])
      expect(file('.dockerignore')).toContain(kept);
  });

  it('a local runtime package file is copied into the build, not fetched', () => {
    const local = generateArtifacts(
      { ...defaults, runtime: './weft-runtime-0.1.0.tgz' },
      { workflowsIsFile: false },
    );
    const text = local.find((f) => f.path === 'Dockerfile')?.content ?? '';
    expect(text).toContain('COPY weft-runtime-0.1.0.tgz /tmp/weft-runtime.tgz');
    expect(local.find((f) => f.path === '.dockerignore')?.content).toContain('!weft-runtime-0.1.0.tgz');
  });

  it('Kubernetes manifests validate against the Kubernetes schemas and pass restricted admission', () => {
    const manifests = kubernetesManifests(deployContext(defaults, { workflowsIsFile: false }));
    const kinds: string[] = [];
    for (const docs of Object.values(manifests)) {
      for (const raw of docs) {
        const doc = JSON.parse(JSON.stringify(raw));
        kinds.push(doc.kind);
        const model = { Deployment, Service, ConfigMap, HorizontalPodAutoscaler }[doc.kind as 'Service'];
        expect(model, doc.kind).toBeDefined();
        new model(doc).validate();
        if (doc.kind === 'Deployment') {
          const pod = doc.spec.template.spec;
          expect(pod.securityContext.runAsNonRoot).toBe(true);
          expect(JSON.stringify(pod)).not.toContain('hostPath');
          for (const c of pod.containers) {
            expect(c.securityContext).toMatchObject({
              runAsNonRoot: true,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            });
            expect(c.resources.limits.memory).toBeTruthy();
          }
        }
      }
    }
    expect(kinds.sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Service',
    ]);
    // the files hold the same documents
    const server = parseAllDocuments(file('deploy/kubernetes/server.yaml')).map((d) => d.toJS());
    expect(server.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
    // a broken manifest is caught by the same validator (the check can fail)
    const broken = JSON.parse(JSON.stringify(manifests['server.yaml']?.[0]));
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken).validate()).toThrow();
  });

  it('Cloud Run service: Knative shape, pinned secretKeyRef versions, identity guard variables', () => {
    const service = parseYaml(file('deploy/cloud-run/service.yaml'));
    expect(service.apiVersion).toBe('serving.knative.dev/v1');
    const container = service.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
    expect(env.WEFT_API_KEYS.valueFrom.secretKeyRef).toEqual({ name: 'weft-sales-api-keys', key: '1' });
    expect(env.WEFT_ENV.value).toBe('production');
    expect(env.WEFT_REQUIRED_ENV.value).toBe('WEFT_API_KEYS');
    expect(container.ports[0].containerPort).toBe(8080);
    // the Knative Serving schema (as `gcloud run services replace` takes it) accepts it, and catches a break
    new KnativeService(service).validate();
    const broken = structuredClone(service);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    expect(() => new KnativeService(broken).validate()).toThrow();
  });

  it('Terraform parses as HCL with the Cloud Run v2 service, the secrets and their accessors', async () => {
    const main = await parseHcl('main.tf', file('deploy/terraform/main.tf'));
    const resources = main.resource as Record<string, Record<string, unknown>>;
    expect(Object.keys(resources).sort()).toEqual(
      [
        'google_artifact_registry_repository',
        'google_cloud_run_v2_service',
        'google_project_service',
        'google_secret_manager_secret',
        'google_secret_manager_secret_iam_member',
        'google_service_account',
      ].sort(),
    );
    expect(Object.keys(resources.google_secret_manager_secret ?? {}).sort()).toEqual([
      'openai_api_key',
      'weft_api_keys',
    ]);
    await parseHcl('variables.tf', file('deploy/terraform/variables.tf'));
    await expect(parseHcl('bad.tf', 'resource "x" {')).rejects.toThrow();
  });

  it('compose: only nginx publishes a port; SSE unbuffered; Swarm on an overlay network', () => {
    const compose = parseYaml(file('deploy/compose/compose.yaml'));
    const published = Object.entries(compose.services as Record<string, { ports?: unknown }>)
      .filter(([, s]) => s.ports)
      .map(([name]) => name);
    expect(published).toEqual(['nginx']);
    for (const [name, service] of Object.entries(
      compose.services as Record<string, Record<string, unknown>>,
    )) {
      expect(service.healthcheck, name).toBeDefined();
      expect(String(service.image), name).not.toMatch(/:latest\}?$/);
    }
    expect(file('deploy/compose/nginx.conf')).toMatch(/proxy_buffering off;[\s\S]*proxy_read_timeout 1h;/);
    // /ready answers 401 without a key: the healthcheck sends the first of WEFT_API_KEYS
    expect(compose.services.weft.healthcheck.test.join(' ')).toMatch(/\/ready.*authorization:'Bearer '\+k/);
    const swarm = parseYaml(file('deploy/compose/swarm.yaml'));
    expect(swarm.networks.weft.driver).toBe('overlay');
    expect(swarm.services.weft.deploy.restart_policy.condition).toBe('on-failure');
  });

  it('Kubernetes: the readiness probe sends a key to /ready', () => {
    const server = parseYaml(file('deploy/kubernetes/server.yaml').split('\n---\n')[0] ?? '');
    const probe = server.spec.template.spec.containers[0].readinessProbe;
    expect(probe.exec.command.join(' ')).toMatch(/WEFT_API_KEYS.*\/ready.*Bearer/);
  });

  it('Hugging Face Space: front matter with the docker SDK on port 7860', () => {
    const readme = file('deploy/hf-space/README.md');
    const front = parseYaml(readme.split('---')[1] ?? '');
    expect(front).toMatchObject({ sdk: 'docker', app_port: 7860 });
    expect(file('deploy/hf-space/Dockerfile')).toContain('EXPOSE 7860');
    expect(file('deploy/hf-space/Dockerfile')).toContain('PORT=7860');
  });

  it('no generated file holds a secret value, only references', () => {
    const planted = 'sk-planted-0123456789abcdef';
    const env = { ...process.env, OPENAI_API_KEY: planted, WEFT_API_KEYS: planted };
    const again = generateArtifacts(parseProfile('env:\n  WEFT_LOG_LEVEL: debug\n', defaults), {
      workflowsIsFile: false,
    });
    expect(env.OPENAI_API_KEY).toBe(planted);
    for (const f of again) expect(f.content, f.path).not.toContain(planted);
  });

  it('drift: missing and changed files are reported, matching files are not', () => {
    const disk = new Map(files.map((f) => [f.path, f.content]));
    disk.delete('DEPLOY.md');
    disk.set('Dockerfile', `${file('Dockerfile')}# local edit\n`);
    expect(findDrift(files, (p) => disk.get(p))).toEqual([
      { path: 'Dockerfile', problem: 'changed' },
      { path: 'DEPLOY.md', problem: 'missing' },
    ]);
  });
});

const actionlint = process.env.ACTIONLINT_BIN;
describe.skipIf(!actionlint && process.env.CI !== 'true')('generated GitHub workflows', () => {
  it('pass actionlint', () => {
    if (!actionlint || !existsSync(actionlint))
      throw new Error('ACTIONLINT_BIN is not set: run scripts/provision.sh');
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-actionlint-'));
    execFileSync('mkdir', ['-p', path.join(dir, '.github/workflows')]);
    const workflows = files.filter((f) => f.path.startsWith('.github/workflows/'));
    for (const f of workflows) writeFileSync(path.join(dir, f.path), f.content);
    const paths = workflows.map((f) => f.path);
    const result = spawnSync(actionlint, ['-no-color', ...paths], { cwd: dir, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
    // the linter does find a broken workflow
    writeFileSync(path.join(dir, '.github/workflows/bad.yaml'), 'on: push\njobs:\n  x:\n    steps: []\n');
    const bad = spawnSync(actionlint, ['-no-color', '.github/workflows/bad.yaml'], { cwd: dir });
    expect(bad.status).not.toBe(0);
    expect(readFileSync(path.join(dir, '.github/workflows/weft-test.yaml'), 'utf8')).toContain(
      'weft deploy check',
    );
  });
});

const composePlugins = process.env.DOCKER_COMPOSE_PLUGIN_DIR;
describe.skipIf(!composePlugins && process.env.CI !== 'true')('generated Compose files', () => {
  it('pass `docker compose config` (one host and Swarm), which names a secret left unset', () => {
    const compose = composePlugins && path.join(composePlugins, 'docker-compose');
    if (!compose || !existsSync(compose))
      throw new Error('DOCKER_COMPOSE_PLUGIN_DIR is not set: run scripts/provision.sh');
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-compose-config-'));
    execFileSync('mkdir', ['-p', path.join(dir, 'deploy/compose')]);
    for (const f of files.filter((f) => f.path.startsWith('deploy/compose/')))
      writeFileSync(path.join(dir, f.path), f.content);
    const cwd = path.join(dir, 'deploy/compose');
    writeFileSync(path.join(cwd, '.env'), file('deploy/compose/.env.example'));
    const config = (name: string, env: Record<string, string>) =>
      spawnSync(compose, ['-f', name, 'config', '--quiet'], {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
      });
    const secrets = { WEFT_API_KEYS: 'k', OPENAI_API_KEY: 'k' };
    for (const name of ['compose.yaml', 'swarm.yaml']) {
      const result = config(name, secrets);
      expect(result.stderr.replace(/^.*level=warning.*\n/gm, ''), name).toBe('');
      expect(result.status, name).toBe(0);
    }
    const unset = config('compose.yaml', { OPENAI_API_KEY: 'k' });
    expect(unset.status).not.toBe(0);
    expect(unset.stderr).toContain('set WEFT_API_KEYS in .env');
  });
});
