// `weft deploy cloud-run`: preflight, dry run, the merged service with its diff, apply, wait for the
// revision, the URL. Output goes through `say`, so the CLI and VS Code show the same progress.
import { deployContext } from '../context.js';
import type { DeployProfile } from '../profile.js';
import { desiredService, mergeService, type RunService } from './desired.js';
import { asGcpError, type Gcp } from './gcp.js';
import { preflight } from './preflight.js';

export interface CloudRunOptions {
  image: string;
  previewTag?: string;
  dryRun?: boolean;
  workflowsIsFile: boolean;
}

export interface CloudRunResult {
  ok: boolean;
  url?: string;
  diff: string[];
  failures: string[];
}

export async function deployToCloudRun(
  gcp: Gcp,
  profile: DeployProfile,
  options: CloudRunOptions,
  say: (line: string) => void,
): Promise<CloudRunResult> {
  const { project, region } = profile.cloudRun;
  const parent = `projects/${project}/locations/${region}`;
  const name = `${parent}/services/${profile.service}`;
  say(`preflight for ${profile.service} in ${project}/${region}`);
  const results = await preflight(gcp, profile, (r) =>
    say(`  ${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}${r.fix ? `\n      fix: ${r.fix}` : ''}`),
  );
  const failures = results
    .filter((r) => !r.ok)
    .map((r) => `${r.name}: ${r.detail}${r.fix ? ` (fix: ${r.fix})` : ''}`);
  if (failures.length > 0) return { ok: false, diff: [], failures };

  let existing: RunService | undefined;
  try {
    [existing] = (await gcp.services.getService({ name })) as unknown as [RunService];
  } catch (error) {
    const e = asGcpError(error);
    if (e.status !== 404)
      return { ok: false, diff: [], failures: [`reading ${name}: ${e.reason}: ${e.message}`] };
  }
  const desired = desiredService(
    deployContext(profile, { workflowsIsFile: options.workflowsIsFile }),
    options.image,
  );
  const { service, diff } = mergeService(existing, desired, { previewTag: options.previewTag });
  say(existing ? `changes to ${profile.service}:` : `${profile.service} does not exist yet; creating it:`);
  for (const line of diff) say(`  ${line}`);

  const send = (validateOnly: boolean) =>
    existing
      ? gcp.services.updateService({ service: { ...service, name } as never, validateOnly })
      : gcp.services.createService({
          parent,
          serviceId: profile.service,
          service: service as never,
          validateOnly,
        });
  try {
    say('dry run (validateOnly) ...');
    await send(true);
    say('  ✓ the API accepts the service');
  } catch (error) {
    const e = asGcpError(error);
    return { ok: false, diff, failures: [`dry run refused: ${e.reason}: ${e.message}`] };
  }
  if (options.dryRun) return { ok: true, diff, failures: [] };

  let deployed: RunService;
  try {
    say(existing ? 'updating the service ...' : 'creating the service ...');
    const [operation] = await send(false);
    say('waiting for the revision to be ready ...');
    [deployed] = (await operation.promise()) as unknown as [RunService];
  } catch (error) {
    const e = asGcpError(error);
    return {
      ok: false,
      diff,
      failures: [
        `the revision did not become ready: ${e.message} (logs: gcloud run services logs read ${profile.service} --region ${region} --project ${project})`,
      ],
    };
  }
  const url =
    options.previewTag && deployed.uri
      ? deployed.uri.replace('https://', `https://${options.previewTag}---`)
      : deployed.uri;
  say(`✓ ${profile.service} is ready: ${url}`);
  return { ok: true, url, diff, failures: [] };
}
