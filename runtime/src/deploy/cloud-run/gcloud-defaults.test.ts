import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { suggestedProjects, suggestedRegions } from './gcloud-defaults.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const config =
  (values: Record<string, string>) =>
  async (key: string): Promise<string | undefined> =>
    values[key];

describe('project and region suggestions', () => {
  it('CLOUDSDK_CORE_PROJECT first, then GOOGLE_CLOUD_PROJECT and the ADC quota project, without repeats', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-adc-'));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'application_default_credentials.json'),
      JSON.stringify({ type: 'authorized_user', quota_project_id: 'billing-proj' }),
    );
    const env = { CLOUDSDK_CORE_PROJECT: 'acme', GOOGLE_CLOUD_PROJECT: 'acme', CLOUDSDK_CONFIG: dir };
    expect(await suggestedProjects(env, config({ project: 'ignored' }))).toEqual([
      { value: 'acme', source: 'CLOUDSDK_CORE_PROJECT' },
      { value: 'billing-proj', source: 'Application Default Credentials' },
    ]);
  });

  it('gcloud config when the environment says nothing; nothing when gcloud knows nothing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'weft-adc-'));
    dirs.push(empty);
    expect(await suggestedProjects({ CLOUDSDK_CONFIG: empty }, config({ project: 'from-config' }))).toEqual([
      { value: 'from-config', source: 'gcloud config' },
    ]);
    expect(await suggestedProjects({ CLOUDSDK_CONFIG: empty }, config({}))).toEqual([]);
  });

  it('regions from CLOUDSDK_RUN_REGION or gcloud config run/region', async () => {
    expect(await suggestedRegions({ CLOUDSDK_RUN_REGION: 'us-east1' }, config({}))).toEqual([
      { value: 'us-east1', source: 'CLOUDSDK_RUN_REGION' },
    ]);
    expect(await suggestedRegions({}, config({ 'run/region': 'asia-east1' }))).toEqual([
      { value: 'asia-east1', source: 'gcloud config' },
    ]);
  });
});
