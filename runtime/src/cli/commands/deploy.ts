// weft deploy generate [PATH] | check [PATH]: production artifacts from the committed deploy profile
// (weft.deploy.yaml). The generators are pure (../../deploy); this file reads and writes files.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import packageJson from '../../../package.json' with { type: 'json' };
import { findDrift, type GeneratedFile, generateArtifacts } from '../../deploy/generate.js';
import {
  type DeployProfile,
  defaultProfile,
  PROFILE_FILE,
  ProfileError,
  parseProfile,
  profileToYaml,
  profileWarnings,
  serviceNameFrom,
} from '../../deploy/profile.js';
import { checkWorkflow } from '../../language/index.js';
import { fileCheckOptions } from '../../workflow-files/resolver.js';
import { expandFileArguments } from '../files.js';
import { registerBuild } from './deploy-build.js';
import { registerCloudRun } from './deploy-cloud-run.js';

interface DeployOptions {
  dir: string;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/** The project folder's profile, or a default one for PATH (written, and said so). */
async function loadProfile(dir: string, target: string | undefined, write: boolean): Promise<DeployProfile> {
  const file = path.join(dir, PROFILE_FILE);
  const exists = existsSync(file);
  const workflows = target
    ? path.relative(dir, path.resolve(target)) || '.'
    : exists
      ? 'workflow.yaml'
      : findWorkflows(dir);
  const defaults = defaultProfile(
    serviceNameFrom(path.basename(path.resolve(dir, workflows)).replace(/\.ya?ml$/, '') || 'service'),
    workflows,
    packageJson.version,
  );
  if (exists) {
    const profile = parseProfile(await readFile(file, 'utf8'), defaults);
    if (target) profile.workflows = workflows;
    return profile;
  }
  if (write) {
    await writeFile(file, profileToYaml(defaults));
    say(
      `wrote ${path.relative(process.cwd(), file) || PROFILE_FILE}: a default profile (target cloud-run, service ${defaults.service}); edit it and commit it`,
    );
  }
  return defaults;
}

function findWorkflows(dir: string): string {
  for (const candidate of ['workflow.yaml', 'workflow.yml', 'workflows']) {
    if (existsSync(path.join(dir, candidate))) return candidate;
  }
  throw new ProfileError([
    `no workflow.yaml or workflows/ folder in ${dir}: name the workflow file or folder (weft deploy generate PATH)`,
  ]);
}

async function checkWorkflows(dir: string, workflows: string): Promise<string[]> {
  const { files, problems } = await expandFileArguments([path.join(dir, workflows)]);
  for (const file of files) {
    const result = checkWorkflow(await readFile(file, 'utf8'), fileCheckOptions(file));
    const first = result.diagnostics.find((d) => d.severity === 'error');
    if (first) problems.push(`${file}:${first.range.line}:${first.range.column}: ${first.message}`);
  }
  return problems;
}

async function expected(dir: string, target: string | undefined, write: boolean): Promise<GeneratedFile[]> {
  const profile = await loadProfile(dir, target, write);
  const workflowsPath = path.join(dir, profile.workflows);
  const info = await stat(workflowsPath).catch(() => undefined);
  if (!info) throw new ProfileError([`${PROFILE_FILE}: workflows: ${workflowsPath} does not exist`]);
  if (profile.runtime.endsWith('.tgz') && !existsSync(path.join(dir, profile.runtime))) {
    throw new ProfileError([
      `${PROFILE_FILE}: runtime: ${profile.runtime} does not exist (make it with npm pack)`,
    ]);
  }
  const problems = await checkWorkflows(dir, profile.workflows);
  if (problems.length > 0) {
    throw new ProfileError(['the workflows have errors; fix them first (weft validate):', ...problems]);
  }
  for (const warning of profileWarnings(profile)) say(`warning: ${warning}`);
  return generateArtifacts(profile, { workflowsIsFile: info.isFile() });
}

async function generate(target: string | undefined, options: DeployOptions): Promise<number> {
  const files = await expected(options.dir, target, true);
  for (const file of files) {
    const out = path.join(options.dir, file.path);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, file.content);
  }
  say(`wrote ${files.length} files: ${files.map((f) => f.path).join(', ')}`);
  say('next: weft deploy build (a local smoke test of the image), then see DEPLOY.md');
  return 0;
}

async function check(target: string | undefined, options: DeployOptions): Promise<number> {
  const files = await expected(options.dir, target, false);
  const drift = findDrift(files, (p) => {
    try {
      return readFileSync(path.join(options.dir, p), 'utf8');
    } catch {
      return undefined;
    }
  });
  for (const d of drift)
    say(`${d.path}: ${d.problem === 'missing' ? 'missing' : 'differs from the profile'}`);
  if (drift.length > 0) {
    say(`${drift.length} of ${files.length} files drifted from ${PROFILE_FILE}: run weft deploy generate`);
    return 1;
  }
  say(`${files.length} files match ${PROFILE_FILE}`);
  return 0;
}

function action(run: (target: string | undefined, options: DeployOptions) => Promise<number>) {
  return async (target: string | undefined, options: DeployOptions) => {
    try {
      process.exitCode = await run(target, options);
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      for (const problem of error.problems) say(`weft deploy: ${problem}`);
      process.exitCode = 2;
    }
  };
}

export function register(program: Command): void {
  const deploy = program.command('deploy').description('deploy artifacts from weft.deploy.yaml');
  deploy
    .command('generate')
    .argument('[path]', 'a workflow file or folder (default: workflow.yaml or workflows/ of --dir)')
    .option('--dir <dir>', 'the project folder holding weft.deploy.yaml', '.')
    .description('write Dockerfile, compose, Kubernetes, Cloud Run, Terraform, CI and DEPLOY.md')
    .action(action(generate));
  deploy
    .command('check')
    .argument('[path]', 'a workflow file or folder')
    .option('--dir <dir>', 'the project folder holding weft.deploy.yaml', '.')
    .description('exit 1 when a generated file is missing or differs from the profile')
    .action(action(check));
  registerBuild(deploy);
  registerCloudRun(deploy);
}
