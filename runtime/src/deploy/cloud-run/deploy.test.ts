import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeployProfile, defaultProfile } from '../profile.js';
import { deployToCloudRun } from './deploy.js';
import { connectGcp, type Gcp } from './gcp.js';
import { type FakeGcp, startFakeGcp } from './testing/fake-gcp.js';

const PLANTED = 'sk-planted-secret-value-0123456789';
let fake: FakeGcp;
let gcp: Gcp;
let lines: string[];
const say = (line: string) => lines.push(line);
const profile: DeployProfile = {
  ...defaultProfile('weft-sales', 'workflow.yaml', '0.1.0'),
  cloudRun: {
    ...defaultProfile('x', 'w', '0').cloudRun,
    project: 'acme',
    region: 'europe-west1',
    serviceAccount: 'weft-sales-runtime',
  },
};
const account = 'serviceAccount:weft-sales-runtime@acme.iam.gserviceaccount.com';
const image = 'europe-west1-docker.pkg.dev/acme/weft/weft-sales:abc123';
const serviceName = 'projects/acme/locations/europe-west1/services/weft-sales';

beforeEach(async () => {
  lines = [];
  fake = await startFakeGcp({
    enabledApis: new Set([
      'run.googleapis.com',
      'artifactregistry.googleapis.com',
      'secretmanager.googleapis.com',
    ]),
    repositories: new Set(['weft']),
    secrets: new Map([
      ['weft-sales-api-keys', [account]],
      ['openai-api-key', [account]],
    ]),
  });
  gcp = await connectGcp({
    WEFT_GCP_API_ENDPOINT: fake.url,
    CLOUDSDK_AUTH_ACCESS_TOKEN: 'fake-token',
    OPENAI_API_KEY: PLANTED,
  });
});
afterEach(async () => {
  await gcp.close();
  await fake.close();
});

const deploy = (options: Partial<Parameters<typeof deployToCloudRun>[2]> = {}) =>
  deployToCloudRun(gcp, profile, { image, workflowsIsFile: true, ...options }, say);

describe('deploy to Cloud Run (against a wire fake of the Google APIs)', () => {
  it('creates a new service through the long-running operation and prints its URL', async () => {
    const result = await deploy();
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.url).toBe('https://weft-sales-abc123-ew.a.run.app');
    const stored = fake.state.services.get(serviceName) as {
      template: { containers: Array<{ image: string; env: unknown[] }> };
    };
    expect(stored.template.containers[0]?.image).toBe(image);
    expect(stored.template.containers[0]?.env).toContainEqual({
      name: 'OPENAI_API_KEY',
      valueSource: { secretKeyRef: { secret: 'openai-api-key', version: '1' } },
    });
    // a dry run (validateOnly) came before the real create, and the operation was polled
    const calls = fake.state.requests.map(
      (r) =>
        `${r.method} ${r.path.split('?')[0]}${r.path.includes('validateOnly=true') ? ' validateOnly' : ''}`,
    );
    const dry = calls.indexOf(`POST /v2/projects/acme/locations/europe-west1/services validateOnly`);
    const real = calls.lastIndexOf('POST /v2/projects/acme/locations/europe-west1/services');
    expect(dry).toBeGreaterThan(-1);
    expect(real).toBeGreaterThan(dry);
    expect(calls.filter((c) => c.includes('/operations/')).length).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toContain('✓ weft-sales is ready: https://weft-sales-abc123-ew.a.run.app');
    expect(JSON.stringify(fake.state.requests)).not.toContain(PLANTED);
  });

  it('an update keeps the env vars and secret references the service already has, and shows the diff', async () => {
    fake.state.services.set(serviceName, {
      name: serviceName,
      uri: 'https://weft-sales-abc123-ew.a.run.app',
      latestReadyRevision: `${serviceName}/revisions/weft-sales-00001`,
      template: {
        containers: [
          {
            image: 'old-image',
            env: [
              { name: 'FEATURE_FLAG', value: 'on' },
              {
                name: 'LEGACY_TOKEN',
                valueSource: { secretKeyRef: { secret: 'legacy-token', version: '4' } },
              },
              { name: 'WEFT_LOG_LEVEL', value: 'debug' },
            ],
          },
        ],
      },
    });
    const result = await deploy();
    expect(result.ok).toBe(true);
    const env =
      (
        fake.state.services.get(serviceName) as {
          template: { containers: Array<{ env: Array<{ name: string }> }> };
        }
      ).template.containers[0]?.env ?? [];
    const byName = Object.fromEntries(env.map((v) => [v.name, v]));
    expect(byName.FEATURE_FLAG).toEqual({ name: 'FEATURE_FLAG', value: 'on' });
    expect(byName.LEGACY_TOKEN).toEqual({
      name: 'LEGACY_TOKEN',
      valueSource: { secretKeyRef: { secret: 'legacy-token', version: '4' } },
    });
    expect(byName.WEFT_LOG_LEVEL).toEqual({ name: 'WEFT_LOG_LEVEL', value: 'info' });
    expect(result.diff).toContain(`~ image old-image -> ${image}`);
    expect(result.diff).toContain('= LEGACY_TOKEN kept (secret legacy-token:4; not in the profile)');
    expect(result.diff).toContain('~ WEFT_LOG_LEVEL (value -> value)');
    expect(fake.state.requests.some((r) => r.method === 'PATCH')).toBe(true);
  });

  it('preflight lists every problem with the command that fixes it, and deploys nothing', async () => {
    fake.state.enabledApis.delete('secretmanager.googleapis.com');
    fake.state.repositories.clear();
    fake.state.secrets.delete('openai-api-key');
    fake.state.secrets.set('weft-sales-api-keys', []);
    const result = await deploy();
    expect(result.ok).toBe(false);
    const text = result.failures.join('\n');
    expect(text).toContain('gcloud services enable secretmanager.googleapis.com --project acme');
    expect(text).toContain(
      'gcloud artifacts repositories create weft --repository-format=docker --location=europe-west1 --project acme',
    );
    expect(text).toContain('gcloud secrets create openai-api-key --data-file=- --project acme');
    expect(text).toContain(
      'gcloud secrets add-iam-policy-binding weft-sales-api-keys --member serviceAccount:weft-sales-runtime@acme.iam.gserviceaccount.com --role roles/secretmanager.secretAccessor',
    );
    expect(fake.state.requests.some((r) => r.path.startsWith('/v2/'))).toBe(false);
  });

  it('a permission error names the API and says how to get access', async () => {
    fake.state.denied.push('/v1/projects/acme/locations/europe-west1/repositories');
    const result = await deploy();
    expect(result.ok).toBe(false);
    expect(result.failures.join('\n')).toMatch(
      /Artifact Registry weft: PERMISSION_DENIED: Permission denied .*roles\/artifactregistry\.writer/,
    );
  });

  it('a revision that fails to start is reported with the container error and where to read logs', async () => {
    fake.state.failRevision = true;
    const result = await deploy();
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toContain('failed to start and listen on the port');
    expect(result.failures[0]).toContain(
      'gcloud run services logs read weft-sales --region europe-west1 --project acme',
    );
  });

  it('a tagged preview keeps all traffic on the current revision', async () => {
    fake.state.services.set(serviceName, {
      name: serviceName,
      uri: 'https://weft-sales-abc123-ew.a.run.app',
      latestReadyRevision: `${serviceName}/revisions/weft-sales-00007`,
      template: { containers: [{ image: 'old', env: [] }] },
    });
    const result = await deploy({ previewTag: 'preview' });
    expect(result.ok).toBe(true);
    expect(result.url).toBe('https://preview---weft-sales-abc123-ew.a.run.app');
    const traffic = (fake.state.services.get(serviceName) as { traffic: unknown[] }).traffic;
    // the client sends enums as numbers ($alt=json;enum-encoding=int): 2 REVISION, 1 LATEST
    expect(traffic).toEqual([
      { type: 2, revision: 'weft-sales-00007', percent: 100 },
      { type: 1, tag: 'preview', percent: 0 },
    ]);
  });

  it('dry run stops after validateOnly', async () => {
    const result = await deploy({ dryRun: true });
    expect(result.ok).toBe(true);
    expect(fake.state.services.size).toBe(0);
  });

  it('reports each preflight item as it is checked and builds the image only after preflight', async () => {
    const checked: string[] = [];
    let built = 0;
    const result = await deploy({
      image: undefined,
      build: async () => {
        built += 1;
        expect(checked.length).toBeGreaterThan(0);
        return image;
      },
      onCheck: (r) => checked.push(`${r.ok ? 'ok' : 'failed'} ${r.name}`),
    });
    expect(result.ok).toBe(true);
    expect(result.image).toBe(image);
    expect(built).toBe(1);
    expect(checked).toContain('ok API run.googleapis.com');
    expect(checked).toContain('ok secret openai-api-key (OPENAI_API_KEY)');
  });

  it('a failed preflight gives its items with their fixes and builds nothing', async () => {
    fake.state.secrets.delete('openai-api-key');
    let built = false;
    const result = await deploy({
      image: undefined,
      build: async () => {
        built = true;
        return image;
      },
    });
    expect(result.ok).toBe(false);
    expect(built).toBe(false);
    expect(result.failedChecks?.map((c) => c.fix)).toEqual([
      'printf %s "$OPENAI_API_KEY" | gcloud secrets create openai-api-key --data-file=- --project acme',
    ]);
  });

  it('confirm sees the diff after the dry run; no changes nothing', async () => {
    let seen: string[] = [];
    const result = await deploy({
      confirm: async (diff, creating) => {
        seen = diff;
        expect(creating).toBe(true);
        return false;
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.ok).toBe(false);
    expect(seen[0]).toBe(`+ new service, image ${image}`);
    expect(fake.state.services.size).toBe(0);
    expect(fake.state.requests.some((r) => r.path.includes('validateOnly=true'))).toBe(true);
  });

  it('credentials the APIs refuse are reported with the login command', async () => {
    fake.state.token = 'another-token';
    const result = await deploy();
    expect(result.ok).toBe(false);
    expect(result.failedChecks?.[0]?.detail).toContain('UNAUTHENTICATED');
    expect(result.failedChecks?.[0]?.fix).toBe('gcloud auth application-default login');
  });
});
