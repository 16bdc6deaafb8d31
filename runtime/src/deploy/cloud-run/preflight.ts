// Cloud Run preflight: a checklist, each failed item with the command that fixes it.
import type { DeployProfile } from '../profile.js';
import { type Gcp, GcpError } from './gcp.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export const REQUIRED_APIS = ['run', 'artifactregistry', 'secretmanager'];

export async function preflight(
  gcp: Gcp,
  profile: DeployProfile,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const { project, region, repository, serviceAccount } = profile.cloudRun;
  const account = `${serviceAccount}@${project}.iam.gserviceaccount.com`;
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    onResult(result);
  };
  const guard = async (name: string, check: () => Promise<CheckResult>) => {
    try {
      record(await check());
    } catch (error) {
      const e = error instanceof GcpError ? error : new GcpError(0, 'ERROR', String(error));
      const fix =
        e.status === 403
          ? `ask a project owner for access (gcloud projects add-iam-policy-binding ${project} --member user:YOU --role roles/run.admin, roles/serviceusage.serviceUsageViewer, roles/secretmanager.admin, roles/artifactregistry.writer)`
          : e.status === 401
            ? 'gcloud auth application-default login'
            : undefined;
      record({ name, ok: false, detail: `${e.reason}: ${e.message}`, fix });
    }
  };

  for (const api of REQUIRED_APIS) {
    await guard(`API ${api}.googleapis.com`, async () => {
      const found = (await gcp.call(
        'serviceusage',
        'GET',
        `/v1/projects/${project}/services/${api}.googleapis.com`,
      )) as { state?: string } | undefined;
      if (!found) {
        return {
          name: `API ${api}.googleapis.com`,
          ok: false,
          detail: `project ${project} not found`,
          fix: 'check cloudRun.project in weft.deploy.yaml (gcloud projects list)',
        };
      }
      const enabled = found.state === 'ENABLED';
      return {
        name: `API ${api}.googleapis.com`,
        ok: enabled,
        detail: enabled ? 'enabled' : 'not enabled',
        fix: enabled ? undefined : `gcloud services enable ${api}.googleapis.com --project ${project}`,
      };
    });
  }
  await guard(`Artifact Registry ${repository}`, async () => {
    const repo = await gcp.call(
      'artifactregistry',
      'GET',
      `/v1/projects/${project}/locations/${region}/repositories/${repository}`,
    );
    return {
      name: `Artifact Registry ${repository}`,
      ok: repo !== undefined,
      detail: repo ? `${region}-docker.pkg.dev/${project}/${repository}` : 'missing',
      fix: repo
        ? undefined
        : `gcloud artifacts repositories create ${repository} --repository-format=docker --location=${region} --project ${project}`,
    };
  });
  for (const [variable, ref] of Object.entries(profile.secrets)) {
    const name = `secret ${ref.secret} (${variable})`;
    await guard(name, async () => {
      const secret = await gcp.call('secretmanager', 'GET', `/v1/projects/${project}/secrets/${ref.secret}`);
      if (!secret) {
        return {
          name,
          ok: false,
          detail: 'missing',
          fix: `printf %s "$${variable}" | gcloud secrets create ${ref.secret} --data-file=- --project ${project}`,
        };
      }
      const policy = (await gcp.call(
        'secretmanager',
        'POST',
        `/v1/projects/${project}/secrets/${ref.secret}:getIamPolicy`,
        {},
      )) as {
        bindings?: Array<{ role: string; members?: string[] }>;
      };
      const readable = (policy?.bindings ?? []).some(
        (b) =>
          b.role === 'roles/secretmanager.secretAccessor' && b.members?.includes(`serviceAccount:${account}`),
      );
      return {
        name,
        ok: readable,
        detail: readable ? `readable by ${account}` : `${account} may not read it`,
        fix: readable
          ? undefined
          : `gcloud secrets add-iam-policy-binding ${ref.secret} --member serviceAccount:${account} --role roles/secretmanager.secretAccessor --project ${project}`,
      };
    });
  }
  return results;
}
