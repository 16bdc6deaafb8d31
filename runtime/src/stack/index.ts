// The local stack, for the CLI and anyone else (VS Code extension, Dev Container Feature, tests):
// stackUp / stackStatus / stackDown / stackLogs over one definition and two backends.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogsOptions, Progress, ServiceStatus, StackBackend, StackStatus } from './backend.js';
import { ComposeBackend } from './compose.js';
import {
  type BackendName,
  resolveStackConfig,
  SERVICES,
  type ServiceName,
  type StackConfig,
  type StackFlags,
  serviceUrl,
  serviceUrls,
} from './definition.js';
import { dockerPreflight } from './docker.js';
import { backendMismatch, StackError } from './errors.js';
import { probeService } from './probes.js';
import { ProcessesBackend } from './processes.js';
import { readState, removeState, writeState } from './state.js';

export type { LogsOptions, Progress, ServiceStatus, StackBackend, StackStatus } from './backend.js';
export {
  type BackendChoice,
  type BackendName,
  DEFAULT_PORTS,
  projectName,
  resolveStackConfig,
  SERVICES,
  type ServiceName,
  type ServiceState,
  type StackConfig,
  type StackFlags,
  StackUsageError,
  serviceUrls,
} from './definition.js';
export { StackError, type StackErrorCode } from './errors.js';

export interface StackOptions {
  /** how to run the weft CLI for `weft serve` / `weft worker` (default: this package's bin/weft.js under this Node) */
  weftCommand?: string[];
  env?: NodeJS.ProcessEnv;
  /** the compose file (default: the one shipped with the runtime) */
  composeFile?: string;
}

/** The runtime package's folder (works from src/stack/ and from the dist/cli.js bundle). */
export function runtimeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'bin', 'weft.js')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the weft runtime package above ${fileURLToPath(import.meta.url)}`);
}

export function defaultWeftCommand(): string[] {
  return [process.execPath, join(runtimeDir(), 'bin', 'weft.js')];
}

export function createBackend(
  name: BackendName,
  config: StackConfig,
  options: StackOptions = {},
): StackBackend {
  const env = options.env ?? process.env;
  if (name === 'processes') {
    return new ProcessesBackend(config, { weftCommand: options.weftCommand ?? defaultWeftCommand(), env });
  }
  return new ComposeBackend(config, {
    env,
    composeFile: options.composeFile ?? join(runtimeDir(), 'stack', 'compose.yaml'),
  });
}

/** The configuration as `up` left it: the recorded ports and project win over defaults. */
function withState(config: StackConfig): { config: StackConfig; backend?: BackendName } {
  const state = readState(config.dataDir);
  if (!state) return { config };
  return { config: { ...config, ports: state.ports, project: state.project }, backend: state.backend };
}

async function probeAll(config: StackConfig): Promise<ServiceStatus[]> {
  return Promise.all(
    SERVICES.map(async (name): Promise<ServiceStatus> => {
      const status: ServiceStatus = {
        name,
        state: (await probeService(config, name)) ? 'healthy' : 'stopped',
        url: serviceUrl(config, name),
      };
      if (name === 'temporal') status.uiUrl = serviceUrls(config).temporalUi;
      return status;
    }),
  );
}

export interface Choice {
  /** 'external': a healthy stack already answers on the ports; nothing is started */
  backend: BackendName | 'external';
  reason: string;
}

/** auto: attach to a healthy stack, else the recorded backend, else compose when Docker answers, else processes. */
export async function chooseBackend(config: StackConfig, options: StackOptions = {}): Promise<Choice> {
  const env = options.env ?? process.env;
  const state = readState(config.dataDir);
  if (config.backend !== 'auto') {
    if (state && state.backend !== config.backend) {
      const recorded = createBackend(state.backend, { ...config, ports: state.ports }, options);
      if ((await recorded.status()).some((s) => s.state !== 'stopped')) {
        throw backendMismatch(state.backend, config.backend);
      }
    }
    return { backend: config.backend, reason: `--backend ${config.backend}` };
  }
  if (state) {
    return {
      backend: state.backend,
      reason: `this folder's stack was started with the ${state.backend} backend (${join(config.dataDir, 'stack.json')})`,
    };
  }
  const probed = await probeAll(config);
  if (probed.every((s) => s.state === 'healthy')) {
    return {
      backend: 'external',
      reason: `a healthy stack already answers on ports ${config.ports.weft}, ${config.ports.temporal}, ${config.ports.redis}: attaching to it, starting nothing`,
    };
  }
  try {
    const docker = await dockerPreflight(env);
    return {
      backend: 'compose',
      reason: `the Docker engine of ${docker.context} answers (server ${docker.serverVersion}, Compose ${docker.composeVersion})`,
    };
  } catch (error) {
    if (!(error instanceof StackError)) throw error;
    return { backend: 'processes', reason: `no usable Docker: ${error.message}` };
  }
}

export interface UpResult extends StackStatus {
  reason: string;
}

/** Brings the stack up (or attaches to a healthy one) and returns each service's state and URL. */
export async function stackUp(
  config: StackConfig,
  progress: Progress,
  options: StackOptions = {},
): Promise<UpResult> {
  const choice = await chooseBackend(config, options);
  progress(`backend: ${choice.backend} (${choice.reason})`);
  if (choice.backend === 'external') {
    return { backend: 'external', services: await probeAll(config), reason: choice.reason };
  }
  const state = readState(config.dataDir);
  const effective = state && state.backend === choice.backend ? { ...config, ports: state.ports } : config;
  const backend = createBackend(choice.backend, effective, options);
  const hadSomething = await backend.present();
  writeState(config.dataDir, {
    backend: choice.backend,
    project: effective.project,
    ports: effective.ports,
    workflows: effective.workflows,
    startedAt: new Date().toISOString(),
  });
  try {
    await backend.up(progress);
  } catch (error) {
    if (!hadSomething && !(await backend.present())) removeState(config.dataDir);
    throw error;
  }
  return { backend: choice.backend, services: await backend.status(), reason: choice.reason };
}

/** Each service's state: the recorded backend's view, else what answers on the ports ('external'), else 'none'. */
export async function stackStatus(config: StackConfig, options: StackOptions = {}): Promise<StackStatus> {
  const { config: effective, backend } = withState(config);
  if (backend) return { backend, services: await createBackend(backend, effective, options).status() };
  const services = await probeAll(config);
  return { backend: services.some((s) => s.state === 'healthy') ? 'external' : 'none', services };
}

/** Stops what this folder's stack started (nothing when it was not started here). */
export async function stackDown(
  config: StackConfig,
  downOptions: { volumes: boolean },
  progress: Progress,
  options: StackOptions = {},
): Promise<BackendName | 'none'> {
  const { config: effective, backend } = withState(config);
  const name = backend ?? (config.backend === 'auto' ? undefined : config.backend);
  if (!name) {
    progress(`no stack was started from ${config.dataDir}: nothing to stop`);
    return 'none';
  }
  await createBackend(name, effective, options).down(downOptions, progress);
  removeState(config.dataDir);
  return name;
}

export async function stackLogs(
  config: StackConfig,
  service: ServiceName | undefined,
  logsOptions: LogsOptions,
  options: StackOptions = {},
): Promise<void> {
  const { config: effective, backend } = withState(config);
  const name = backend ?? (config.backend === 'auto' ? undefined : config.backend);
  if (!name)
    throw new StackError(
      'no_stack',
      `no stack was started from ${config.dataDir}`,
      'run `weft stack up` first',
    );
  await createBackend(name, effective, options).logs(service, logsOptions);
}

/** resolveStackConfig for callers that start from flags. */
export function stackConfig(flags: StackFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()) {
  return resolveStackConfig(flags, env, cwd);
}
