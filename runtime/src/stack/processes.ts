// The processes backend: no Docker. `redis-server`, `temporal server start-dev`, `weft serve` and
// `weft worker` as detached daemons with pid files and logs under DATA_DIR (they outlive the CLI);
// `down` stops exactly those pids.
import { accessSync, constants, mkdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { LogsOptions, Progress, ServiceStatus, StackBackend } from './backend.js';
import {
  SERVICES,
  type ServiceName,
  type StackConfig,
  servicePorts,
  serviceUrl,
  serviceUrls,
} from './definition.js';
import {
  binaryMissing,
  portTaken,
  REDIS_INSTALL,
  type StackError,
  serviceUnhealthy,
  TEMPORAL_INSTALL,
} from './errors.js';
import { followFiles, prefixLines, tailFile } from './log-files.js';
import { isAlive, type PidRecord, readPidFile, removePidFile, startDaemon, stopDaemon } from './pids.js';
import { describeHolder, portFree, portHolder } from './ports.js';
import { probeService, workerPolling } from './probes.js';
import { waitHealthy } from './wait.js';

export interface ProcessesOptions {
  /** how to run the weft CLI, e.g. [process.execPath, '/path/to/bin/weft.js'] */
  weftCommand: string[];
  env?: NodeJS.ProcessEnv;
}

const PORT_FLAGS: Record<string, string> = {
  Redis: '--redis-port',
  'Temporal gRPC': '--temporal-port',
  'Temporal UI': '--temporal-ui-port',
  'weft serve': '--weft-port',
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** $ENV_VAR when it names an executable, else the first `name` on PATH. */
export function findBinary(
  name: string,
  envVar: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const configured = envVar ? env[envVar]?.trim() : undefined;
  if (configured) return isExecutable(configured) ? configured : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export interface DaemonCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The command line and environment of each service (pure). */
export function daemonCommands(
  config: StackConfig,
  bins: { redis: string; temporal: string },
  weftCommand: string[],
  baseEnv: NodeJS.ProcessEnv,
): Record<ServiceName, DaemonCommand> {
  const { ports, dataDir } = config;
  const [weftBin = process.execPath, ...weftArgs] = weftCommand;
  const weftEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    REDIS_URL: serviceUrls(config).redis,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    TEMPORAL_NAMESPACE: config.namespace,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
    WEFT_ENGINE: 'temporal',
    WEFT_DATA_DIR: join(dataDir, 'weft'),
  };
  const temporalArgs = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(ports.temporal)];
  temporalArgs.push(
    '--ui-port',
    String(ports.temporalUi),
    '--db-filename',
    join(dataDir, 'temporal', 'temporal.db'),
  );
  if (config.namespace !== 'default') temporalArgs.push('--namespace', config.namespace);
  return {
    redis: {
      command: bins.redis,
      args: [
        '--port',
        String(ports.redis),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--appendonly',
        'yes',
        '--dir',
        join(dataDir, 'redis'),
        '--save',
        '',
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      env: baseEnv,
    },
    temporal: { command: bins.temporal, args: temporalArgs, env: baseEnv },
    weft: {
      command: weftBin,
      args: [
        ...weftArgs,
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(ports.weft),
        '--workflows',
        config.workflows,
      ],
      env: weftEnv,
    },
    worker: { command: weftBin, args: [...weftArgs, 'worker'], env: weftEnv },
  };
}

export class ProcessesBackend implements StackBackend {
  readonly name = 'processes' as const;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly config: StackConfig,
    private readonly options: ProcessesOptions,
  ) {
    this.env = options.env ?? process.env;
  }

  pidFile(service: ServiceName): string {
    return join(this.config.dataDir, 'pids', `${service}.pid`);
  }

  logFile(service: ServiceName): string {
    return join(this.config.dataDir, 'logs', `${service}.log`);
  }

  private running(service: ServiceName): PidRecord | undefined {
    const record = readPidFile(this.pidFile(service));
    return record && isAlive(record) ? record : undefined;
  }

  /** The service's health probe; the worker counts only when it polled since its process started. */
  private async probe(name: ServiceName): Promise<boolean> {
    const record = this.running(name);
    if (!record) return false;
    if (name !== 'worker') return probeService(this.config, name);
    const since = Math.min(90_000, Date.now() - Date.parse(record.startedAt) + 1000);
    return workerPolling(this.config.ports.temporal, this.config.namespace, this.config.taskQueue, since);
  }

  async present(): Promise<boolean> {
    return SERVICES.some((s) => readPidFile(this.pidFile(s)) !== undefined);
  }

  /** Binaries for the services that must be started; a StackError naming the first one missing. */
  private binaries(toStart: ServiceName[]): { redis: string; temporal: string } {
    const redis = findBinary('redis-server', 'REDIS_SERVER_BIN', this.env);
    const temporal = findBinary('temporal', 'TEMPORAL_BIN', this.env);
    if (toStart.includes('redis') && !redis) {
      throw binaryMissing('redis', 'redis-server', 'REDIS_SERVER_BIN', REDIS_INSTALL);
    }
    if (toStart.includes('temporal') && !temporal) {
      throw binaryMissing('temporal', 'temporal', 'TEMPORAL_BIN', TEMPORAL_INSTALL);
    }
    return { redis: redis ?? 'redis-server', temporal: temporal ?? 'temporal' };
  }

  private async checkPorts(toStart: ServiceName[]): Promise<void> {
    for (const { service, what, port } of servicePorts(this.config.ports)) {
      if (!toStart.includes(service)) continue;
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
  }

  async up(progress: Progress): Promise<void> {
    const t0 = Date.now();
    const deadline = t0 + this.config.timeoutMs;
    const toStart: ServiceName[] = [];
    for (const service of SERVICES) {
      const record = readPidFile(this.pidFile(service));
      if (record && isAlive(record)) {
        progress(`${service}: already running (pid ${record.pid})`);
        continue;
      }
      if (record) {
        progress(`${service}: not running any more (pid ${record.pid} is gone): starting it again`);
        removePidFile(this.pidFile(service));
      }
      toStart.push(service);
    }
    const bins = this.binaries(toStart);
    await this.checkPorts(toStart);
    for (const dir of ['redis', 'temporal', 'weft', 'logs', 'pids']) {
      mkdirSync(join(this.config.dataDir, dir), { recursive: true });
    }
    const commands = daemonCommands(this.config, bins, this.options.weftCommand, this.env);
    const started: ServiceName[] = [];
    try {
      // what the server and the worker need first, then them
      for (const group of [
        ['redis', 'temporal'],
        ['weft', 'worker'],
      ] as ServiceName[][]) {
        for (const service of group) {
          if (!toStart.includes(service)) continue;
          const { command, args, env } = commands[service];
          const record = startDaemon({
            command,
            args,
            env,
            cwd: this.config.workspace,
            logFile: this.logFile(service),
            pidFile: this.pidFile(service),
          });
          started.push(service);
          progress(`${service}: started (pid ${record.pid}), log ${this.logFile(service)}`);
        }
        const outcome = await waitHealthy(
          group.map((name) => ({
            name,
            probe: () => this.probe(name),
            gone: async () => (this.running(name) ? undefined : 'exited before it was healthy'),
          })),
          deadline,
          progress,
          t0,
        );
        if (!outcome.ok) {
          throw serviceUnhealthy(
            outcome.service,
            outcome.why,
            tailFile(this.logFile(outcome.service), 20),
            `weft stack logs ${outcome.service}`,
          );
        }
      }
    } catch (error) {
      if (started.length > 0) {
        progress(`up failed: stopping what this run started (${started.join(', ')})`);
        await this.stop([...started].reverse());
      }
      throw error as StackError;
    }
  }

  private async stop(services: ServiceName[], progress?: Progress): Promise<void> {
    await Promise.all(
      services.map(async (service) => {
        const record = readPidFile(this.pidFile(service));
        const t0 = Date.now();
        if (record && isAlive(record)) {
          await stopDaemon(record, 5000);
          progress?.(`  ✓ ${service} stopped (pid ${record.pid}, ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
        }
        removePidFile(this.pidFile(service));
      }),
    );
  }

  async down(options: { volumes: boolean }, progress: Progress): Promise<void> {
    for (const group of [
      ['weft', 'worker'],
      ['temporal', 'redis'],
    ] as ServiceName[][]) {
      await this.stop(group, progress);
    }
    if (options.volumes) {
      for (const dir of ['redis', 'temporal', 'weft']) {
        rmSync(join(this.config.dataDir, dir), { recursive: true, force: true });
      }
      progress(`deleted the stack's data under ${this.config.dataDir}`);
    }
  }

  async status(): Promise<ServiceStatus[]> {
    return Promise.all(
      SERVICES.map(async (name): Promise<ServiceStatus> => {
        const record = this.running(name);
        const base: ServiceStatus = { name, state: 'stopped', url: serviceUrl(this.config, name) };
        if (name === 'temporal') base.uiUrl = serviceUrls(this.config).temporalUi;
        if (!record) return base;
        const healthy = await this.probe(name);
        return { ...base, state: healthy ? 'healthy' : 'unhealthy', detail: `pid ${record.pid}` };
      }),
    );
  }

  async logs(service: ServiceName | undefined, options: LogsOptions): Promise<void> {
    const services = service ? [service] : [...SERVICES];
    const width = Math.max(...services.map((s) => s.length));
    const files = services.map((s) => ({ prefix: `${s.padEnd(width)} | `, file: this.logFile(s) }));
    for (const f of files) options.out.write(prefixLines(f.prefix, tailFile(f.file, options.tail ?? 200)));
    if (options.follow) await followFiles(files, options.out, options.signal);
  }
}
