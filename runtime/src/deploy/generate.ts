// Every deploy artifact from a profile: a pure function from (profile, layout) to files.

import { type DeployContext, deployContext, type SourceLayout } from './context.js';
import { cloudRunFile } from './generators/cloud-run.js';
import { composeFile, envExample, nginxConf, swarmFile } from './generators/compose.js';
import { deployDoc } from './generators/deploy-doc.js';
import { dockerfile, dockerignore } from './generators/dockerfile.js';
import { githubWorkflows } from './generators/github-actions.js';
import { hfSpaceDockerfile, hfSpaceReadme } from './generators/hf-space.js';
import { kubernetesFiles } from './generators/kubernetes.js';
import { terraformFiles } from './generators/terraform.js';
import type { DeployProfile } from './profile.js';

/** A file to write, its path relative to the profile's folder (POSIX). */
export interface GeneratedFile {
  path: string;
  content: string;
}

export function generateArtifacts(profile: DeployProfile, layout: SourceLayout): GeneratedFile[] {
  const ctx: DeployContext = deployContext(profile, layout);
  const files: GeneratedFile[] = [];
  const add = (path: string, content: string) => files.push({ path, content });
  const serviceDockerfile = dockerfile(ctx);
  add('Dockerfile', serviceDockerfile);
  add('.dockerignore', dockerignore(ctx));
  add('deploy/compose/compose.yaml', composeFile(ctx));
  add('deploy/compose/nginx.conf', nginxConf(ctx));
  add('deploy/compose/.env.example', envExample(ctx));
  add('deploy/compose/swarm.yaml', swarmFile(ctx));
  for (const [name, content] of Object.entries(kubernetesFiles(ctx)))
    add(`deploy/kubernetes/${name}`, content);
  add('deploy/cloud-run/service.yaml', cloudRunFile(ctx));
  add('deploy/hf-space/README.md', hfSpaceReadme(ctx));
  add('deploy/hf-space/Dockerfile', hfSpaceDockerfile(serviceDockerfile));
  for (const [name, content] of Object.entries(terraformFiles(ctx))) add(`deploy/terraform/${name}`, content);
  for (const [name, content] of Object.entries(githubWorkflows(ctx)))
    add(`.github/workflows/${name}`, content);
  add('DEPLOY.md', deployDoc(ctx));
  return files;
}

export type Drift = { path: string; problem: 'missing' | 'changed' };

/** Which generated files are absent or differ from what is on disk (`read` gives undefined when absent). */
export function findDrift(expected: GeneratedFile[], read: (path: string) => string | undefined): Drift[] {
  const drift: Drift[] = [];
  for (const file of expected) {
    const actual = read(file.path);
    if (actual === undefined) drift.push({ path: file.path, problem: 'missing' });
    else if (actual !== file.content) drift.push({ path: file.path, problem: 'changed' });
  }
  return drift;
}
