// `weft deploy cloud-run`: preflight, dry run, the merged service with its diff, apply, wait for the
// revision, the URL. Output goes through `say`, so the CLI and VS Code show the same progress.
import { deployContext } from '../context.js';
import type { DeployProfile } from '../profile.js';
import { desiredService, mergeService, type RunService } from './desired.js';
import { asGcpError, type Gcp } from './gcp.js';
import { type CheckResult, preflight } from './preflight.js';

export interface CloudRunOptions {
  /** a pushed image; without it `build` makes one once preflight has passed */
  image?: string;
  build?: () => Promise<string>;
  previewTag?: string;
  dryRun?: boolean;
  workflowsIsFile: boolean;
  /** each preflight item as it is checked (a checklist in an editor) */
  onCheck?: (result: CheckResult) => void;
  /** asked with the diff after the server-side dry run; false stops before any change */
  confirm?: (diff: string[], creating: boolean) => Promise<boolean>;
}

export interface CloudRunResult {
  ok: boolean;
  url?: string;
  image?: string;
  diff: string[];
  failures: string[];
  /** the preflight items that failed, each with its fix command */
  failedChecks?: CheckResult[];
  /** confirm said no: nothing was changed */
  cancelled?: boolean;
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
  const results = await preflight(gcp, profile, (r) => {
    say(`  ${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}${r.fix ? `\n      fix: ${r.fix}` : ''}`);
    options.onCheck?.(r);
  });
  const failedChecks = results.filter((r) => !r.ok);
  const failures = failedChecks.map((r) => `${r.name}: ${r.detail}${r.fix ? ` (fix: ${r.fix})` : ''}`);
  if (failures.length > 0) return { ok: false, diff: [], failures, failedChecks };

  let image = options.image;
  if (!image) {
    if (!options.build) return { ok: false, diff: [], failures: ['no image: pass one or a way to build it'] };
    try {
      image = await options.build();
    } catch (error) {
      return { ok: false, diff: [], failures: [(error as Error).message] };
    }
  }

  let existing: RunService | undefined;
  try {
    [existing] = (await gcp.services.getService({ name })) as unknown as [RunService];
  } catch (error) {
    const e = asGcpError(error);
    if (e.status !== 404)
      return { ok: false, diff: [], failures: [`reading ${name}: ${e.reason}: ${e.message}`] };
  }
  const desired = desiredService(deployContext(profile, { workflowsIsFile: options.workflowsIsFile }), image);
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
  if (options.dryRun) return { ok: true, image, diff, failures: [] };
  if (options.confirm && !(await options.confirm(diff, !existing))) {
    say('cancelled: nothing was changed');
    return { ok: false, image, diff, failures: [], cancelled: true };
  }

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
  return { ok: true, url, image, diff, failures: [] };
}
