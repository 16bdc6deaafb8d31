// The deploy's questions: project, region, service, traffic and image, each prefilled (the profile,
// then gcloud and ADC) and skipped when the command's argument answers it.
import {
  type Choice,
  checkImage,
  checkProject,
  checkRegion,
  checkService,
  IMAGE_CHOICES,
  PREVIEW_TAG,
  projectChoices,
  regionChoices,
  TRAFFIC_CHOICES,
} from './choices.js';
import type { DeployRuntime } from './load.js';
import type { Prompts } from './prompts.js';
import type { DeployProfile } from './runtime.js';

/** Answers given up front (automation, tests); each one given skips its question. */
export interface DeployArgs {
  folder?: string;
  project?: string;
  region?: string;
  service?: string;
  preview?: boolean;
  /** a pushed image instead of building one (`weft deploy cloud-run --image`) */
  image?: string;
}

export interface Answers {
  project: string;
  region: string;
  service: string;
  /** undefined: build and push one */
  image?: string;
  previewTag?: string;
}

export async function askChoices(
  prompts: Prompts,
  deploy: DeployRuntime,
  profile: DeployProfile,
  args: DeployArgs,
): Promise<Answers | undefined> {
  const choose = async (title: string, choices: Choice[], check: (v: string) => string | undefined) => {
    const picked = await prompts.pick(title, choices);
    if (!picked) return undefined;
    return picked.value ?? prompts.input(title, '', check);
  };
  const project =
    args.project ??
    (await choose(
      'Google Cloud project',
      projectChoices(profile.cloudRun.project, await deploy.suggestedProjects()),
      checkProject,
    ));
  if (!project) return undefined;
  const region =
    args.region ??
    (await choose(
      'Cloud Run region',
      regionChoices(profile.cloudRun.region, await deploy.suggestedRegions()),
      checkRegion,
    ));
  if (!region) return undefined;
  const service =
    args.service ?? (await prompts.input('Cloud Run service name', profile.service, checkService));
  if (!service) return undefined;
  let preview = args.preview;
  if (preview === undefined) {
    const traffic = await prompts.pick(`Deploy ${service}: traffic`, TRAFFIC_CHOICES);
    if (!traffic) return undefined;
    preview = traffic.value === 'preview';
  }
  let image = args.image;
  if (image === undefined) {
    const source = await prompts.pick(`Deploy ${service}: image`, IMAGE_CHOICES);
    if (!source) return undefined;
    if (source.value === 'pushed') {
      image = await prompts.input(
        'Image to deploy',
        `${region}-docker.pkg.dev/${project}/${profile.cloudRun.repository}/${service}:`,
        checkImage,
      );
      if (!image) return undefined;
    }
  }
  return { project, region, service, image, previewTag: preview ? PREVIEW_TAG : undefined };
}
