import { describe, expect, it } from 'vitest';
import { defaultProfile, ProfileError, parseProfile, profileToYaml } from './profile.js';
import { saveChoices } from './profile-edit.js';

const defaults = defaultProfile('weft-sales', 'workflow.yaml', '0.1.0');

describe('saveChoices', () => {
  it('writes project, region and service and keeps the comments and order', () => {
    const text = `# our deploy settings: ask #platform before changing
service: weft-sales   # the public name
workflows: workflow.yaml
cloudRun:
  project: my-project  # set per team
  region: europe-west1
  maxInstances: 3
`;
    const saved = saveChoices(text, { project: 'acme', region: 'us-central1', service: 'weft-orders' });
    expect(saved).toContain('# our deploy settings: ask #platform before changing');
    expect(saved).toContain('service: weft-orders # the public name');
    expect(saved).toContain('project: acme # set per team');
    expect(saved).toContain('region: us-central1');
    expect(saved).toContain('maxInstances: 3');
    const profile = parseProfile(saved, defaults);
    expect(profile.cloudRun.project).toBe('acme');
    expect(profile.service).toBe('weft-orders');
  });

  it('adds a cloudRun section when the profile has none, and leaves unchanged text alone', () => {
    const text = 'service: weft-sales\n';
    expect(saveChoices(text, { service: 'weft-sales' })).toBe(text);
    const saved = saveChoices(text, { project: 'acme' });
    expect(parseProfile(saved, defaults).cloudRun.project).toBe('acme');
  });

  it('round-trips the generated profile with its comments', () => {
    const saved = saveChoices(profileToYaml(defaults), { project: 'acme' });
    expect(saved).toContain('# Weft deploy profile: commit it');
    expect(saved).toContain('repository: weft # Artifact Registry (docker) repository');
    expect(parseProfile(saved, defaults).cloudRun.project).toBe('acme');
  });

  it('refuses text that is not YAML, naming the file', () => {
    expect(() => saveChoices('service: [', { project: 'acme' })).toThrow(ProfileError);
  });
});
