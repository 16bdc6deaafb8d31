// The one stack definition: which services make up the local stack, on which ports, where their data
// lives and how each is reached. Pure: flags + environment + folder in, a StackConfig out.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export type ServiceName = 'redis' | 'temporal' | 'weft' | 'worker';
export type BackendName = 'compose' | 'processes';
export type BackendChoice = BackendName | 'auto';
export type ServiceState = 'healthy' | 'unhealthy' | 'starting' | 'stopped';

/** Start order: what a service needs comes before it. */
export const SERVICES: readonly ServiceName[] = ['redis', 'temporal', 'weft', 'worker'];

export interface StackPorts {
  weft: number;
  temporal: number;
  temporalUi: number;
  redis: number;
}

export interface StackConfig {
  backend: BackendChoice;
  /** absolute; default `.weft/stack` of the workspace folder */
  dataDir: string;
  /** the workspace folder (compose project name and the workflows mounted into `weft`) */
  workspace: string;
  /** compose project name, one per workspace */
  project: string;
  /** a workflow.yaml or a folder of them, absolute */
  workflows: string;
  ports: StackPorts;
  /** how long `up` waits for every service to be healthy */
  timeoutMs: number;
  namespace: string;
  taskQueue: string;
}

export interface StackFlags {
  backend?: string;
  dataDir?: string;
  project?: string;
  weftPort?: number | string;
  temporalPort?: number | string;
  temporalUiPort?: number | string;
  redisPort?: number | string;
  workflows?: string;
  timeout?: number | string;
}

export class StackUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackUsageError';
  }
}

export const DEFAULT_PORTS: StackPorts = { weft: 8000, temporal: 7233, temporalUi: 8233, redis: 6379 };
export const DEFAULT_TIMEOUT_SECONDS = 120;

function port(what: string, value: number | string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new StackUsageError(`${what} must be a port number 1..65535 (got "${value}")`);
  }
  return n;
}

/** `weft-<folder>-<hash of its path>`: stable per workspace, valid as a compose project name. */
export function projectName(workspace: string): string {
  const base =
    basename(workspace)
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '')
      .slice(0, 30) || 'stack';
  const hash = createHash('sha256').update(resolve(workspace)).digest('hex').slice(0, 8);
  return `weft-${base}-${hash}`;
}

/** `workflow.yaml` of the folder when there is one, else the folder (every workflow in it). */
function defaultWorkflows(workspace: string): string {
  const file = resolve(workspace, 'workflow.yaml');
  return existsSync(file) ? file : workspace;
}

/** Flags first, then WEFT_STACK_* variables, then the defaults. */
export function resolveStackConfig(
  flags: StackFlags,
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): StackConfig {
  const backend = (flags.backend ?? (env.WEFT_STACK_BACKEND || 'auto')).trim();
  if (backend !== 'auto' && backend !== 'compose' && backend !== 'processes') {
    throw new StackUsageError(`--backend must be auto, compose or processes (got "${backend}")`);
  }
  const workspace = resolve(cwd);
  const project = (flags.project ?? projectName(workspace)).trim();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) {
    throw new StackUsageError(
      `--project must be lowercase letters, digits, "-" and "_", starting with a letter or digit (got "${project}")`,
    );
  }
  const timeout = flags.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new StackUsageError(`--timeout must be a positive number of seconds (got "${timeout}")`);
  }
  const ports: StackPorts = {
    weft: port('--weft-port', flags.weftPort ?? env.WEFT_STACK_WEFT_PORT, DEFAULT_PORTS.weft),
    temporal: port(
      '--temporal-port',
      flags.temporalPort ?? env.WEFT_STACK_TEMPORAL_PORT,
      DEFAULT_PORTS.temporal,
    ),
    temporalUi: port(
      '--temporal-ui-port',
      flags.temporalUiPort ?? env.WEFT_STACK_TEMPORAL_UI_PORT,
      DEFAULT_PORTS.temporalUi,
    ),
    redis: port('--redis-port', flags.redisPort ?? env.WEFT_STACK_REDIS_PORT, DEFAULT_PORTS.redis),
  };
  const seen = new Map<number, string>();
  for (const [name, value] of Object.entries(ports)) {
    const other = seen.get(value);
    if (other)
      throw new StackUsageError(`the ${other} and ${name} ports are both ${value}: give each its own`);
    seen.set(value, name);
  }
  return {
    backend,
    dataDir: resolve(workspace, flags.dataDir ?? (env.WEFT_STACK_DATA_DIR || '.weft/stack')),
    workspace,
    project,
    workflows: flags.workflows ? resolve(workspace, flags.workflows) : defaultWorkflows(workspace),
    ports,
    timeoutMs: seconds * 1000,
    namespace: env.TEMPORAL_NAMESPACE?.trim() || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE?.trim() || 'weft',
  };
}

/** Where each service answers, from the host. */
export function serviceUrls(config: Pick<StackConfig, 'ports' | 'namespace' | 'taskQueue'>) {
  const { ports } = config;
  return {
    weft: `http://127.0.0.1:${ports.weft}`,
    temporal: `127.0.0.1:${ports.temporal}`,
    temporalUi: `http://127.0.0.1:${ports.temporalUi}`,
    redis: `redis://127.0.0.1:${ports.redis}`,
    worker: `http://127.0.0.1:${ports.temporalUi}/namespaces/${config.namespace}/task-queues/${config.taskQueue}`,
  };
}

export function serviceUrl(
  config: Pick<StackConfig, 'ports' | 'namespace' | 'taskQueue'>,
  name: ServiceName,
) {
  return serviceUrls(config)[name];
}

/** The port each service listens on (the worker listens on none). */
export function servicePorts(ports: StackPorts): Array<{ service: ServiceName; what: string; port: number }> {
  return [
    { service: 'redis', what: 'Redis', port: ports.redis },
    { service: 'temporal', what: 'Temporal gRPC', port: ports.temporal },
    { service: 'temporal', what: 'Temporal UI', port: ports.temporalUi },
    { service: 'weft', what: 'weft serve', port: ports.weft },
  ];
}
