// What editors (the VS Code extension) use of deploy: the profile, its edits, and the Cloud Run deploy
// with its preflight, image build and project/region suggestions.
import packageJson from '../../package.json' with { type: 'json' };

/** The runtime version a new profile pins (`runtime: "@weft/runtime@VERSION"`). */
export const RUNTIME_VERSION: string = packageJson.version;

export { type CloudRunOptions, type CloudRunResult, deployToCloudRun } from './cloud-run/deploy.js';
export { type Suggestion, suggestedProjects, suggestedRegions } from './cloud-run/gcloud-defaults.js';
export { connectGcp, type Gcp, GcpError } from './cloud-run/gcp.js';
export { buildAndPush, imageForBuild } from './cloud-run/image.js';
export { type CheckResult, REQUIRED_APIS } from './cloud-run/preflight.js';
export {
  type DeployProfile,
  defaultProfile,
  PROFILE_FILE,
  ProfileError,
  parseProfile,
  profileToYaml,
  serviceNameFrom,
} from './profile.js';
export { type ProfileChoices, saveChoices } from './profile-edit.js';
