// Writing deploy choices (project, region, service) back into `weft.deploy.yaml` text, keeping the
// team's comments, order and formatting (yaml's Document API). Pure.
import { parseDocument } from 'yaml';
import { PROFILE_FILE, ProfileError } from './profile.js';

export interface ProfileChoices {
  project?: string;
  region?: string;
  service?: string;
}

export function saveChoices(text: string, choices: ProfileChoices): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ProfileError(document.errors.map((e) => `${PROFILE_FILE}: ${e.message}`));
  }
  const set = (keys: string[], value: string | undefined) => {
    if (value === undefined || document.getIn(keys) === value) return;
    document.setIn(keys, value);
  };
  set(['service'], choices.service);
  set(['cloudRun', 'project'], choices.project);
  set(['cloudRun', 'region'], choices.region);
  return document.toString();
}
