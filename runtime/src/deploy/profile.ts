// The deploy profile (`weft.deploy.yaml`): what a team commits so every deploy of a service is the
// same. Pure: parse + check + defaults; it holds secret references (names and versions), never values.
import { parseDocument } from 'yaml';

export const PROFILE_FILE = 'weft.deploy.yaml';
export const TARGETS = ['cloud-run', 'kubernetes', 'compose', 'swarm', 'hf-space'] as const;
export type Target = (typeof TARGETS)[number];

/** A Secret Manager (or Kubernetes Secret) reference: the secret's name and a pinned version. */
export interface SecretRef {
  secret: string;
  version: string;
}

export interface DeployProfile {
  target: Target;
  service: string;
  /** a workflow file or a folder of workflows, relative to the profile's folder */
  workflows: string;
  /** an npm spec (`@weft/runtime@0.1.0`) or a local package file (`./weft-runtime-0.1.0.tgz`) */
  runtime: string;
  nodeImage: string;
  port: number;
  cloudRun: {
    project: string;
    region: string;
    repository: string;
    minInstances: number;
    maxInstances: number;
    concurrency: number;
    cpu: string;
    memory: string;
    serviceAccount: string;
  };
  kubernetes: { namespace: string; replicas: number; maxReplicas: number; image: string };
  env: Record<string, string>;
  secrets: Record<string, SecretRef>;
}

export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export const NODE_IMAGE = 'node:22.12.0-bookworm-slim';
/** Variables the identity guard (WEFT_ENV=production) refuses to start without. */
export const REQUIRED_IN_PRODUCTION = ['WEFT_API_KEYS'];
const SECRET_LIKE = /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)S?$/;
const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export function defaultProfile(service: string, workflows: string, runtimeVersion: string): DeployProfile {
  return {
    target: 'cloud-run',
    service,
    workflows,
    runtime: `@weft/runtime@${runtimeVersion}`,
    nodeImage: NODE_IMAGE,
    port: 8080,
    cloudRun: {
      project: 'my-project',
      region: 'europe-west1',
      repository: 'weft',
      minInstances: 0,
      maxInstances: 10,
      concurrency: 80,
      cpu: '1',
      memory: '512Mi',
      serviceAccount: `${service}-runtime`,
    },
    kubernetes: { namespace: 'default', replicas: 2, maxReplicas: 10, image: `${service}:latest-build` },
    env: { WEFT_LOG_LEVEL: 'info' },
    secrets: {
      WEFT_API_KEYS: { secret: `${service}-api-keys`, version: '1' },
      OPENAI_API_KEY: { secret: 'openai-api-key', version: '1' },
    },
  };
}

/** A service name as Cloud Run and Kubernetes accept it, from a folder or file name. */
export function serviceNameFrom(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 49);
  return name ? `weft-${name}`.replace(/^weft-weft/, 'weft') : 'weft-service';
}

/** Parse `weft.deploy.yaml` text over the defaults; every problem is reported with its key. */
export function parseProfile(text: string, defaults: DeployProfile): DeployProfile {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ProfileError(document.errors.map((e) => `${PROFILE_FILE}: ${e.message}`));
  }
  const raw = (document.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProfileError([`${PROFILE_FILE}: expected a mapping of settings`]);
  }
  const profile = mergeDeep(defaults, raw) as DeployProfile;
  profile.secrets = normalizeSecrets(raw.secrets, defaults.secrets);
  const problems = checkProfile(profile, raw);
  if (problems.length > 0) throw new ProfileError(problems);
  return profile;
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (over === undefined || over === null) return base;
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = mergeDeep(base[key], value);
    return out;
  }
  return over;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalizeSecrets(value: unknown, defaults: Record<string, SecretRef>): Record<string, SecretRef> {
  if (value === undefined || value === null) return defaults;
  if (!isObject(value)) return value as never;
  const out: Record<string, SecretRef> = {};
  for (const [name, ref] of Object.entries(value)) {
    if (typeof ref === 'string') {
      const [secret = '', version = ''] = ref.split(':');
      out[name] = { secret, version };
    } else out[name] = ref as SecretRef;
  }
  return out;
}

function checkProfile(p: DeployProfile, raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const at = (key: string, message: string) => problems.push(`${PROFILE_FILE}: ${key}: ${message}`);
  const known = new Set([
    'target',
    'service',
    'workflows',
    'runtime',
    'nodeImage',
    'port',
    'cloudRun',
    'kubernetes',
    'env',
    'secrets',
  ]);
  for (const key of Object.keys(raw))
    if (!known.has(key)) at(key, `unknown setting (known: ${[...known].join(', ')})`);
  if (!TARGETS.includes(p.target)) at('target', `must be one of ${TARGETS.join(', ')} (got "${p.target}")`);
  if (typeof p.service !== 'string' || !NAME.test(p.service)) {
    at('service', 'lowercase letters, digits and "-", starting with a letter, at most 63 characters');
  }
  if (typeof p.workflows !== 'string' || p.workflows === '') at('workflows', 'a workflow file or folder');
  if (typeof p.runtime !== 'string' || p.runtime === '') at('runtime', 'an npm spec or a .tgz file');
  if (typeof p.nodeImage !== 'string' || /:latest$|^[^:@]+$/.test(p.nodeImage)) {
    at('nodeImage', `pin the Node base image by version (e.g. ${NODE_IMAGE}), never :latest`);
  }
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) at('port', 'an integer from 1 to 65535');
  const cr = p.cloudRun;
  if (!Number.isInteger(cr.minInstances) || cr.minInstances < 0)
    at('cloudRun.minInstances', 'an integer >= 0');
  if (!Number.isInteger(cr.maxInstances) || cr.maxInstances < Math.max(1, cr.minInstances)) {
    at('cloudRun.maxInstances', 'an integer >= 1 and >= minInstances');
  }
  if (!Number.isInteger(cr.concurrency) || cr.concurrency < 1 || cr.concurrency > 1000) {
    at('cloudRun.concurrency', 'an integer from 1 to 1000');
  }
  if (!isObject(p.env)) at('env', 'a mapping of VARIABLE: value');
  else {
    for (const [name, value] of Object.entries(p.env)) {
      if (!ENV_NAME.test(name)) at(`env.${name}`, 'variable names are UPPER_SNAKE_CASE');
      if (SECRET_LIKE.test(name)) {
        at(
          `env.${name}`,
          `looks like a secret: move it to secrets (${name}: secret-name:VERSION); values never go in the profile`,
        );
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        at(`env.${name}`, 'a string, number or boolean');
      }
    }
  }
  if (!isObject(p.secrets)) at('secrets', 'a mapping of VARIABLE: secret-name:VERSION');
  else {
    for (const [name, ref] of Object.entries(p.secrets)) {
      if (!ENV_NAME.test(name)) at(`secrets.${name}`, 'variable names are UPPER_SNAKE_CASE');
      if (!ref || typeof ref.secret !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(ref.secret)) {
        at(
          `secrets.${name}`,
          'write secret-name:VERSION (a Secret Manager secret name; the value stays in Secret Manager)',
        );
      } else if (!/^(\d+|latest)$/.test(String(ref.version))) {
        at(`secrets.${name}`, `pin a version number (e.g. ${ref.secret}:1)`);
      }
    }
  }
  return problems;
}

/** Warnings that do not stop generation. */
export function profileWarnings(p: DeployProfile): string[] {
  const warnings: string[] = [];
  for (const [name, ref] of Object.entries(p.secrets)) {
    if (ref.version === 'latest') {
      warnings.push(
        `secrets.${name}: "latest" changes under a running service; pin a version number for repeatable deploys`,
      );
    }
  }
  for (const name of REQUIRED_IN_PRODUCTION) {
    if (!(name in p.secrets))
      warnings.push(`secrets.${name}: missing; the server refuses to listen beyond loopback without it`);
  }
  return warnings;
}

/** The profile as YAML, with comments a team can follow. */
export function profileToYaml(p: DeployProfile): string {
  const secrets = Object.entries(p.secrets)
    .map(([name, ref]) => `  ${name}: ${ref.secret}:${ref.version}`)
    .join('\n');
  const env = Object.entries(p.env)
    .map(([name, value]) => `  ${name}: ${JSON.stringify(String(value))}`)
    .join('\n');
  return `# Weft deploy profile: commit it; \`weft deploy generate\` writes every deploy artifact from it.
# Secret references only (NAME: secret-name:VERSION in Secret Manager / a Kubernetes Secret), never values.
target: ${p.target}            # ${TARGETS.join(' | ')}
service: ${p.service}
workflows: ${p.workflows}
runtime: "${p.runtime}"        # npm spec, or a local package file (npm pack)
nodeImage: ${p.nodeImage}
port: ${p.port}
cloudRun:
  project: ${p.cloudRun.project}
  region: ${p.cloudRun.region}
  repository: ${p.cloudRun.repository}        # Artifact Registry (docker) repository
  minInstances: ${p.cloudRun.minInstances}
  maxInstances: ${p.cloudRun.maxInstances}
  concurrency: ${p.cloudRun.concurrency}
  cpu: "${p.cloudRun.cpu}"
  memory: ${p.cloudRun.memory}
  serviceAccount: ${p.cloudRun.serviceAccount}
kubernetes:
  namespace: ${p.kubernetes.namespace}
  replicas: ${p.kubernetes.replicas}
  maxReplicas: ${p.kubernetes.maxReplicas}
  image: ${p.kubernetes.image}
env:
${env || '  {}'}
secrets:
${secrets}
`;
}
