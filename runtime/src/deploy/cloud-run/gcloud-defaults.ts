// Where a deploy's project and region come from when the profile does not say: the environment gcloud
// reads, `gcloud config get-value`, and the Application Default Credentials' quota project.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export interface Suggestion {
  value: string;
  /** where it came from, shown next to it */
  source: string;
}

type GcloudConfig = (key: string) => Promise<string | undefined>;

/** `gcloud config get-value KEY`, or undefined when gcloud is missing or the key unset. */
export function gcloudConfig(env: NodeJS.ProcessEnv = process.env): GcloudConfig {
  return (key) =>
    new Promise((resolve) =>
      execFile('gcloud', ['config', 'get-value', key], { env, timeout: 10_000 }, (error, stdout) => {
        const value = stdout?.trim();
        resolve(!error && value && !value.startsWith('(unset)') ? value : undefined);
      }),
    );
}

async function adcQuotaProject(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const files = [
    env.GOOGLE_APPLICATION_CREDENTIALS,
    path.join(
      env.CLOUDSDK_CONFIG ?? path.join(env.HOME ?? homedir(), '.config', 'gcloud'),
      'application_default_credentials.json',
    ),
  ].filter((f): f is string => Boolean(f));
  for (const file of files) {
    try {
      const json = JSON.parse(await readFile(file, 'utf8')) as {
        quota_project_id?: string;
        project_id?: string;
      };
      const project = json.quota_project_id ?? json.project_id;
      if (project) return project;
    } catch {
      // no such file, or not JSON: the next place
    }
  }
  return undefined;
}

const unique = (items: Array<Suggestion | undefined>): Suggestion[] => {
  const seen = new Set<string>();
  return items.filter((s): s is Suggestion => {
    if (!s?.value || seen.has(s.value)) return false;
    seen.add(s.value);
    return true;
  });
};

/** Projects gcloud and ADC would use, most specific first. */
export async function suggestedProjects(
  env: NodeJS.ProcessEnv = process.env,
  config: GcloudConfig = gcloudConfig(env),
): Promise<Suggestion[]> {
  const fromEnv = env.CLOUDSDK_CORE_PROJECT?.trim();
  const [configured, quota] = await Promise.all([
    fromEnv ? undefined : config('project'),
    adcQuotaProject(env),
  ]);
  return unique([
    fromEnv ? { value: fromEnv, source: 'CLOUDSDK_CORE_PROJECT' } : undefined,
    configured ? { value: configured, source: 'gcloud config' } : undefined,
    env.GOOGLE_CLOUD_PROJECT
      ? { value: env.GOOGLE_CLOUD_PROJECT, source: 'GOOGLE_CLOUD_PROJECT' }
      : undefined,
    quota ? { value: quota, source: 'Application Default Credentials' } : undefined,
  ]);
}

/** The Cloud Run region gcloud would use. */
export async function suggestedRegions(
  env: NodeJS.ProcessEnv = process.env,
  config: GcloudConfig = gcloudConfig(env),
): Promise<Suggestion[]> {
  const fromEnv = env.CLOUDSDK_RUN_REGION?.trim();
  const configured = fromEnv ? undefined : await config('run/region');
  return unique([
    fromEnv ? { value: fromEnv, source: 'CLOUDSDK_RUN_REGION' } : undefined,
    configured ? { value: configured, source: 'gcloud config' } : undefined,
  ]);
}
