// The quick picks' items for Weft: Deploy to Cloud Run: the profile's value first, then what gcloud
// and Application Default Credentials would use, then the rest. Pure.
import type { Suggestion } from './runtime.js';

export interface Choice {
  label: string;
  description?: string;
  /** undefined: "another value…" (asks with an input box) */
  value?: string;
}

/** The value `weft deploy generate` writes into a new profile: not a choice anyone made. */
export const PLACEHOLDER_PROJECT = 'my-project';

/** Cloud Run regions offered after the profile's and gcloud's (others can be typed). */
export const CLOUD_RUN_REGIONS = [
  'europe-west1',
  'europe-west4',
  'europe-north1',
  'us-central1',
  'us-east1',
  'us-west1',
  'asia-northeast1',
  'asia-southeast1',
  'australia-southeast1',
  'southamerica-east1',
];

const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$|^[a-z0-9.-]+:[a-z][-a-z0-9]{4,28}[a-z0-9]$/;

function ordered(
  fromProfile: string | undefined,
  suggestions: Suggestion[],
  rest: string[],
  other: string,
): Choice[] {
  const seen = new Set<string>();
  const items: Choice[] = [];
  const add = (value: string, description: string) => {
    if (!value || seen.has(value)) return;
    seen.add(value);
    items.push({ label: value, description, value });
  };
  if (fromProfile) add(fromProfile, 'weft.deploy.yaml');
  for (const s of suggestions) add(s.value, s.source);
  for (const value of rest) add(value, '');
  items.push({ label: other });
  return items;
}

export function projectChoices(profileProject: string, suggestions: Suggestion[]): Choice[] {
  const fromProfile = profileProject === PLACEHOLDER_PROJECT ? undefined : profileProject;
  return ordered(fromProfile, suggestions, [], '$(edit) Another project…');
}

export function regionChoices(profileRegion: string, suggestions: Suggestion[]): Choice[] {
  return ordered(profileRegion, suggestions, CLOUD_RUN_REGIONS, '$(edit) Another region…');
}

/** An input box's complaint, or undefined when the value is fine. */
export function checkProject(value: string): string | undefined {
  return PROJECT_ID.test(value.trim())
    ? undefined
    : 'a Google Cloud project ID: 6 to 30 lowercase letters, digits and "-", starting with a letter';
}

export function checkRegion(value: string): string | undefined {
  return /^[a-z]+-[a-z]+\d+$/.test(value.trim()) ? undefined : 'a Cloud Run region such as europe-west1';
}

export function checkService(value: string): string | undefined {
  return SERVICE_NAME.test(value.trim())
    ? undefined
    : 'lowercase letters, digits and "-", starting with a letter, at most 63 characters';
}

export function checkImage(value: string): string | undefined {
  return /^[a-z0-9.-]+(:\d+)?\/[^\s:@]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(value.trim())
    ? undefined
    : 'a pushed image with its tag or digest, e.g. europe-west1-docker.pkg.dev/PROJECT/weft/SERVICE:TAG';
}

export type Traffic = 'all' | 'preview';
export const TRAFFIC_CHOICES: Array<{ label: string; description: string; value: Traffic }> = [
  { label: 'Deploy', description: 'the new revision gets all traffic', value: 'all' },
  {
    label: 'Preview revision',
    description: 'tagged "preview", no traffic: its own URL to try first',
    value: 'preview',
  },
];
export const PREVIEW_TAG = 'preview';

export type ImageSource = 'docker' | 'pushed';
export const IMAGE_CHOICES: Array<{ label: string; description: string; value: ImageSource }> = [
  { label: 'Build and push with local Docker', description: 'docker build, docker push', value: 'docker' },
  { label: 'An image already pushed…', description: 'its Artifact Registry reference', value: 'pushed' },
];
