// weft deploy cloud-run: preflight, build and push the image (or --image), create or update the service
// with env vars and secret references merged, wait for the revision, print the URL.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import packageJson from '../../../package.json' with { type: 'json' };
import { deployToCloudRun } from '../../deploy/cloud-run/deploy.js';
import { connectGcp, GcpError } from '../../deploy/cloud-run/gcp.js';
import { buildAndPush, imageForBuild } from '../../deploy/cloud-run/image.js';
import { defaultProfile, PROFILE_FILE, ProfileError, parseProfile } from '../../deploy/profile.js';
import { saveChoices } from '../../deploy/profile-edit.js';

interface CloudRunFlags {
  dir: string;
  project?: string;
  region?: string;
  service?: string;
  image?: string;
  tag?: string;
  dryRun?: boolean;
  save?: boolean;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

async function cloudRun(flags: CloudRunFlags): Promise<number> {
  const file = path.join(flags.dir, PROFILE_FILE);
  if (!existsSync(file))
    throw new ProfileError([`no ${PROFILE_FILE} in ${flags.dir}: run weft deploy generate first`]);
  const defaults = defaultProfile('weft-service', 'workflow.yaml', packageJson.version);
  const text = await readFile(file, 'utf8');
  const profile = parseProfile(text, defaults);
  if (flags.project) profile.cloudRun.project = flags.project;
  if (flags.region) profile.cloudRun.region = flags.region;
  if (flags.service) profile.service = flags.service;
  if (flags.save) {
    await writeFile(
      file,
      saveChoices(text, { project: flags.project, region: flags.region, service: flags.service }),
    );
    say(`saved project, region and service to ${PROFILE_FILE} (commit it to share them)`);
  }
  const info = await stat(path.join(flags.dir, profile.workflows)).catch(() => undefined);
  if (!info) throw new ProfileError([`${PROFILE_FILE}: workflows: ${profile.workflows} does not exist`]);
  const gcp = await connectGcp();
  try {
    // without --image, the image is built and pushed once preflight has passed
    const build = () => buildAndPush(flags.dir, imageForBuild(profile, info.isFile()), say);
    const result = await deployToCloudRun(
      gcp,
      profile,
      {
        image: flags.image,
        build,
        previewTag: flags.tag,
        dryRun: flags.dryRun,
        workflowsIsFile: info.isFile(),
      },
      say,
    );
    if (!result.ok) {
      for (const failure of result.failures) say(`weft deploy: ${failure}`);
      return 1;
    }
    if (result.url) process.stdout.write(`${result.url}\n`);
    return 0;
  } finally {
    await gcp.close();
  }
}

export function registerCloudRun(deploy: Command): void {
  deploy
    .command('cloud-run')
    .description(
      'deploy to Cloud Run: preflight, build and push, create or update (merging env and secrets), wait, URL',
    )
    .option('--dir <dir>', 'the project folder holding weft.deploy.yaml', '.')
    .option('--project <id>', 'Google Cloud project (default: the profile)')
    .option('--region <region>', 'Cloud Run region (default: the profile)')
    .option('--service <name>', 'service name (default: the profile)')
    .option('--image <ref>', 'a pushed image to deploy instead of building one')
    .option('--tag <tag>', 'deploy a tagged preview revision with no traffic')
    .option('--dry-run', 'preflight and a server-side validateOnly request, no change')
    .option('--save', 'write --project/--region/--service back to weft.deploy.yaml')
    .action(async (flags: CloudRunFlags) => {
      try {
        process.exitCode = await cloudRun(flags);
      } catch (error) {
        if (error instanceof ProfileError) for (const p of error.problems) say(`weft deploy: ${p}`);
        else if (error instanceof GcpError || error instanceof Error) say(`weft deploy: ${error.message}`);
        else throw error;
        process.exitCode = 2;
      }
    });
}
