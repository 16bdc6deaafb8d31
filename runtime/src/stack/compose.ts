// The compose backend: the stack's compose file under `docker compose -p PROJECT` (one project per
// workspace), `up --wait` for the healthchecks, the docker CLI's active context for the engine.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { LogsOptions, Progress, ServiceStatus, StackBackend } from './backend.js';
import {
  SERVICES,
  type ServiceName,
  type ServiceState,
  type StackConfig,
  servicePorts,
  serviceUrl,
  serviceUrls,
} from './definition.js';
import { dockerPreflight, run } from './docker.js';
import { portTaken, serviceUnhealthy } from './errors.js';
import { describeHolder, portFree, portHolder } from './ports.js';

export interface ComposeOptions {
  env?: NodeJS.ProcessEnv;
  composeFile: string;
}

const PORT_FLAGS: Record<string, string> = {
  Redis: '--redis-port',
  'Temporal gRPC': '--temporal-port',
  'Temporal UI': '--temporal-ui-port',
  'weft serve': '--weft-port',
};

/** The variables the compose file reads (ports, the workflows to mount); images stay as the caller set them. */
export function composeEnv(config: StackConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    WEFT_PORT: String(config.ports.weft),
    TEMPORAL_PORT: String(config.ports.temporal),
    TEMPORAL_UI_PORT: String(config.ports.temporalUi),
    REDIS_PORT: String(config.ports.redis),
    ...workflowsMount(config.workflows),
    TEMPORAL_NAMESPACE: config.namespace,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
  };
}

/** The host folder mounted at /workflows and the path `weft serve` reads inside the container. */
export function workflowsMount(workflows: string): {
  WEFT_WORKFLOWS_DIR: string;
  WEFT_WORKFLOWS_PATH: string;
} {
  const isFolder = existsSync(workflows) && statSync(workflows).isDirectory();
  if (isFolder) return { WEFT_WORKFLOWS_DIR: workflows, WEFT_WORKFLOWS_PATH: '/workflows' };
  return { WEFT_WORKFLOWS_DIR: dirname(workflows), WEFT_WORKFLOWS_PATH: `/workflows/${basename(workflows)}` };
}

/** The `docker compose` arguments for one command (pure). */
export function composeArgs(config: StackConfig, composeFile: string, command: string[]): string[] {
  return ['compose', '-p', config.project, '-f', composeFile, ...command];
}

interface PsEntry {
  Service?: string;
  State?: string;
  Health?: string;
  ExitCode?: number;
  Name?: string;
}

/** `docker compose ps -a --format json` (one JSON object per line, or one array in older versions). */
export function parsePs(stdout: string): PsEntry[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as PsEntry[];
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as PsEntry);
}

/** A container's state and health -> the stack's service state. */
export function serviceState(entry: PsEntry | undefined): ServiceState {
  if (entry?.State !== 'running') return 'stopped';
  if (entry.Health === 'healthy' || entry.Health === '' || entry.Health === undefined) return 'healthy';
  return entry.Health === 'starting' ? 'starting' : 'unhealthy';
}

export class ComposeBackend implements StackBackend {
  readonly name = 'compose' as const;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly config: StackConfig,
    private readonly options: ComposeOptions,
  ) {
    this.env = composeEnv(config, options.env ?? process.env);
  }

  private compose(command: string[], timeoutMs = 0) {
    return run('docker', composeArgs(this.config, this.options.composeFile, command), {
      env: this.env,
      timeoutMs,
      cwd: this.config.workspace,
    });
  }

  private async ps(): Promise<PsEntry[]> {
    const result = await this.compose(['ps', '-a', '--format', 'json'], 30_000);
    return result.code === 0 ? parsePs(result.stdout) : [];
  }

  async present(): Promise<boolean> {
    return (await this.ps()).length > 0;
  }

  async status(): Promise<ServiceStatus[]> {
    const entries = await this.ps();
    return SERVICES.map((name) => {
      const entry = entries.find((e) => e.Service === name);
      const status: ServiceStatus = { name, state: serviceState(entry), url: serviceUrl(this.config, name) };
      if (name === 'temporal') status.uiUrl = serviceUrls(this.config).temporalUi;
      if (entry?.Name) {
        status.detail = `container ${entry.Name}${entry.State === 'exited' ? ` (exited ${entry.ExitCode ?? '?'})` : ''}`;
      }
      return status;
    });
  }

  async up(progress: Progress): Promise<void> {
    const docker = await dockerPreflight(this.env);
    progress(`docker: ${docker.context}, engine ${docker.serverVersion}, Compose ${docker.composeVersion}`);
    if (!existsSync(this.options.composeFile)) {
      throw new Error(`the stack's compose file is missing: ${this.options.composeFile}`);
    }
    const before = await this.ps();
    const running = new Set(before.filter((e) => e.State === 'running').map((e) => e.Service));
    for (const { service, what, port } of servicePorts(this.config.ports)) {
      if (running.has(service)) continue;
      if (!(await portFree(port))) {
        throw portTaken(
          service,
          what,
          port,
          describeHolder(portHolder(port)),
          PORT_FLAGS[what] ?? '--*-port',
        );
      }
    }
    const waitSeconds = Math.max(1, Math.ceil(this.config.timeoutMs / 1000));
    progress(`docker compose -p ${this.config.project} up --wait (up to ${waitSeconds}s)`);
    const code = await this.streamed(
      ['up', '--detach', '--wait', '--wait-timeout', String(waitSeconds)],
      progress,
    );
    if (code === 0) return;
    const entries = await this.ps();
    const bad =
      SERVICES.find((s) => serviceState(entries.find((e) => e.Service === s)) !== 'healthy') ?? SERVICES[0];
    const logs = await this.compose(['logs', '--no-color', '--tail', '20', bad as string], 30_000);
    const state = serviceState(entries.find((e) => e.Service === bad));
    const error = serviceUnhealthy(
      bad as ServiceName,
      state === 'stopped'
        ? 'exited before it was healthy'
        : `was ${state}, not healthy, after ${waitSeconds}s`,
      `${logs.stdout}${logs.stderr}`.trim(),
      `weft stack logs ${bad}`,
    );
    if (before.length === 0) {
      progress('up failed: removing the containers this run created');
      await this.compose(['down', '--remove-orphans'], 120_000);
    }
    throw error;
  }

  /** Runs a compose command with its output as progress lines; resolves with its exit code. */
  private streamed(command: string[], progress: Progress): Promise<number> {
    return new Promise((resolve) => {
      const child = spawn('docker', composeArgs(this.config, this.options.composeFile, command), {
        env: { ...this.env, COMPOSE_PROGRESS: 'plain', COMPOSE_ANSI: 'never' },
        cwd: this.config.workspace,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pending = '';
      const onData = (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) progress(`  ${line.trim()}`);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', () => resolve(127));
      child.on('close', (code) => {
        if (pending.trim()) progress(`  ${pending.trim()}`);
        resolve(code ?? 1);
      });
    });
  }

  async down(options: { volumes: boolean }, progress: Progress): Promise<void> {
    const args = ['down', '--remove-orphans', '--timeout', '5', ...(options.volumes ? ['--volumes'] : [])];
    const code = await this.streamed(args, progress);
    if (code !== 0) throw new Error(`docker compose -p ${this.config.project} down exited ${code}`);
  }

  async logs(service: ServiceName | undefined, options: LogsOptions): Promise<void> {
    const args = composeArgs(this.config, this.options.composeFile, [
      'logs',
      '--no-color',
      '--tail',
      String(options.tail ?? 200),
      ...(options.follow ? ['--follow'] : []),
      ...(service ? [service] : []),
    ]);
    await new Promise<void>((resolve) => {
      const child = spawn('docker', args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(options.out, { end: false });
      child.stderr.pipe(options.out, { end: false });
      options.signal?.addEventListener('abort', () => child.kill('SIGTERM'));
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
  }
}
