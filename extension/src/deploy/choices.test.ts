import { describe, expect, it } from 'vitest';
import {
  CLOUD_RUN_REGIONS,
  checkImage,
  checkProject,
  checkService,
  projectChoices,
  regionChoices,
} from './choices.js';

describe('deploy quick pick choices', () => {
  it("the profile's project first, then gcloud's, then another", () => {
    expect(projectChoices('acme', [{ value: 'other', source: 'gcloud config' }])).toEqual([
      { label: 'acme', description: 'weft.deploy.yaml', value: 'acme' },
      { label: 'other', description: 'gcloud config', value: 'other' },
      { label: '$(edit) Another project…' },
    ]);
  });

  it('the generated placeholder project is not offered; a repeat is offered once', () => {
    const items = projectChoices('my-project', [
      { value: 'acme', source: 'CLOUDSDK_CORE_PROJECT' },
      { value: 'acme', source: 'Application Default Credentials' },
    ]);
    expect(items.map((i) => i.label)).toEqual(['acme', '$(edit) Another project…']);
  });

  it("regions: the profile's, gcloud's, then the common ones without repeats", () => {
    const items = regionChoices('us-central1', [{ value: 'asia-east1', source: 'gcloud config' }]);
    expect(items.slice(0, 2).map((i) => i.value)).toEqual(['us-central1', 'asia-east1']);
    expect(items.filter((i) => i.value === 'us-central1')).toHaveLength(1);
    expect(items).toHaveLength(CLOUD_RUN_REGIONS.length + 1 + 1);
    expect(items.at(-1)?.value).toBeUndefined();
  });

  it('input checks say what is expected', () => {
    expect(checkProject('acme-prod')).toBeUndefined();
    expect(checkProject('Acme')).toMatch(/project ID/);
    expect(checkService('weft-sales')).toBeUndefined();
    expect(checkService('Weft_Sales')).toMatch(/lowercase/);
    expect(checkImage('europe-west1-docker.pkg.dev/acme/weft/weft-sales:abc')).toBeUndefined();
    expect(checkImage('europe-west1-docker.pkg.dev/acme/weft/weft-sales:')).toMatch(/tag or digest/);
  });
});
