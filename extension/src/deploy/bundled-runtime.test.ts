// The runtime's deploy module as the extension loads it (out/runtime/deploy.mjs, made by `npm run
// build`, minified, sharing its chunks with the bundled `weft`): it reads back and updates an existing
// Cloud Run service at the wire fake, keeping the service's secret references.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGcp, startFakeGcp } from '../../../runtime/src/deploy/cloud-run/testing/fake-gcp.js';
import type { DeployRuntime } from './load.js';

const entry = path.join(__dirname, '..', '..', 'out', 'runtime', 'deploy.mjs');
const NAME = 'projects/acme/locations/europe-west1/services/weft-sales';
const ACCOUNT = 'serviceAccount:weft-sales-runtime@acme.iam.gserviceaccount.com';
let fake: FakeGcp;
let deploy: DeployRuntime;

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build -w extension\` first`);
  deploy = (await import(pathToFileURL(entry).href)) as DeployRuntime;
  fake = await startFakeGcp({
    enabledApis: new Set([
      'run.googleapis.com',
      'artifactregistry.googleapis.com',
      'secretmanager.googleapis.com',
    ]),
    repositories: new Set(['weft']),
    secrets: new Map([
      ['weft-sales-api-keys', [ACCOUNT]],
      ['openai-api-key', [ACCOUNT]],
    ]),
  });
});
afterAll(() => fake?.close());

describe('the bundled deploy module (out/runtime/deploy.mjs)', () => {
  it('updates an existing service (int64 fields read back and sent again), keeping its secret references', async () => {
    fake.state.services.set(NAME, {
      name: NAME,
      generation: '3',
      uri: 'https://weft-sales-abc123-ew.a.run.app',
      latestReadyRevision: `${NAME}/revisions/weft-sales-00003`,
      template: {
        containers: [
          {
            image: 'old',
            env: [
              {
                name: 'LEGACY_TOKEN',
                valueSource: { secretKeyRef: { secret: 'legacy-token', version: '4' } },
              },
            ],
          },
        ],
      },
    });
    const profile = deploy.defaultProfile('weft-sales', 'workflow.yaml', deploy.RUNTIME_VERSION);
    profile.cloudRun.project = 'acme';
    const gcp = await deploy.connectGcp({
      WEFT_GCP_API_ENDPOINT: fake.url,
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'fake-token',
    });
    try {
      const result = await deploy.deployToCloudRun(
        gcp,
        profile,
        { image: 'europe-west1-docker.pkg.dev/acme/weft/weft-sales:b1', workflowsIsFile: true },
        () => {},
      );
      expect(result.failures).toEqual([]);
      expect(result.url).toBe('https://weft-sales-abc123-ew.a.run.app');
    } finally {
      await gcp.close();
    }
    const env = (fake.state.services.get(NAME) as { template: { containers: Array<{ env: unknown[] }> } })
      .template.containers[0]?.env;
    expect(env).toContainEqual({
      name: 'LEGACY_TOKEN',
      valueSource: { secretKeyRef: { secret: 'legacy-token', version: '4' } },
    });
  });
});
