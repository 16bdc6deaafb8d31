// Real services for integration tests: Redis and the Temporal dev server, each started on a free
// 127.0.0.1 port as a child process that we own (its own process group) and stopped by pid.
//
// Binaries come from the environment (REDIS_SERVER_BIN, TEMPORAL_BIN, CHROMIUM_BIN, CODE_SERVER_DIR),
// then from .cache/services.env (written by scripts/provision.sh; WEFT_SERVICES_ENV names another file),
// then from PATH.
//
// No silent skips: under CI (CI=true) a missing component throws; elsewhere requireService() returns
// a reason that a test can hand to it.skipIf / describe.skipIf.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVICES_ENV_FILE = join(REPO_ROOT, '.cache', 'services.env');

export type ServiceName = 'redis' | 'temporal' | 'chromium' | 'code-server';

const ENV_KEY: Record<ServiceName, string> = {
  redis: 'REDIS_SERVER_BIN',
  temporal: 'TEMPORAL_BIN',
  chromium: 'CHROMIUM_BIN',
  'code-server': 'CODE_SERVER_DIR',
};
const PATH_NAME: Partial<Record<ServiceName, string>> = {
  redis: 'redis-server',
  temporal: 'temporal',
  chromium: 'chromium',
};

export const isCI = (): boolean => process.env.CI === 'true';

/** KEY=VALUE lines of .cache/services.env (empty when provision.sh has not run). */
export function readServicesEnv(
  file = process.env.WEFT_SERVICES_ENV || SERVICES_ENV_FILE,
): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined && m[2] !== '') out[m[1]] = m[2].trim();
  }
  return out;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function usable(name: ServiceName, path: string): boolean {
  if (name === 'code-server') {
    return existsSync(join(path, 'node_modules/code-server/lib/vscode/out/server-main.js'));
  }
  return isExecutable(path);
}

/**
 * Where a component is: a binary path (redis, temporal, chromium) or the code-server install folder.
 * Returns undefined when it cannot be found. Order: process.env, .cache/services.env, PATH.
 */
export function findService(name: ServiceName): string | undefined {
  const key = ENV_KEY[name];
  const fromEnv = process.env[key];
  if (fromEnv && usable(name, fromEnv)) return fromEnv;
  const fromFile = readServicesEnv()[key];
  if (fromFile && usable(name, fromFile)) return fromFile;
  const bin = PATH_NAME[name];
  const fromPath = bin ? onPath(bin) : undefined;
  return fromPath && usable(name, fromPath) ? fromPath : undefined;
}

export class MissingServiceError extends Error {
  constructor(
    readonly service: ServiceName,
    reason: string,
  ) {
    super(reason);
    this.name = 'MissingServiceError';
  }
}

function missingReason(name: ServiceName): string {
  return (
    `${name} is not installed (looked at $${ENV_KEY[name]}, ${process.env.WEFT_SERVICES_ENV || SERVICES_ENV_FILE}` +
    `${PATH_NAME[name] ? `, PATH for ${PATH_NAME[name]}` : ''}); run: bash scripts/provision.sh`
  );
}

/**
 * Check that a component is available.
 * - available: returns undefined;
 * - missing and CI=true: throws MissingServiceError (a missing component fails CI, it is never skipped);
 * - missing elsewhere: returns the reason, so a test can skip: `describe.skipIf(requireService('redis'))`.
 */
export function requireService(name: ServiceName): string | undefined {
  if (findService(name)) return undefined;
  const reason = missingReason(name);
  if (isCI()) throw new MissingServiceError(name, `${reason} (CI=true: a missing component is a failure)`);
  return reason;
}

/** For `it.skipIf(skipWithout('redis'))(...)`: true when the test must be skipped (never under CI). */
export function skipWithout(...names: ServiceName[]): boolean {
  let skip = false;
  for (const name of names) {
    const reason = requireService(name);
    if (reason) {
      console.warn(`[services] skipping: ${reason}`);
      skip = true;
    }
  }
  return skip;
}

/** The component's path; throws MissingServiceError when it cannot be found (CI or not). */
export function serviceBinary(name: ServiceName): string {
  const found = findService(name);
  if (!found) throw new MissingServiceError(name, missingReason(name));
  return found;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read the port, release it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('findFreePort: no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** True while a process with this pid exists (and is not a zombie we could reap). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a zombie answers kill(0) until reaped; look at /proc where it exists
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync(`/proc/${pid}`) || process.platform !== 'linux';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------- child processes

interface Child {
  proc: ChildProcess;
  pid: number;
  exited: Promise<void>;
  hasExited(): boolean;
  log(): string;
}

const running = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // safety net: a test that forgot stop() must not leave servers behind
  process.on('exit', () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function spawnChild(bin: string, args: string[]): Child {
  installExitHook();
  // detached: the child leads its own process group, so stop() can signal the whole group
  const proc = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      done = true;
      resolve();
    });
    proc.once('error', (error) => {
      output += `\nspawn error: ${error.message}`;
      done = true;
      resolve();
    });
  });
  const pid = proc.pid;
  if (pid === undefined) {
    throw new Error(`could not start ${bin}`);
  }
  running.add(pid);
  void exited.then(() => running.delete(pid));
  return { proc, pid, exited, hasExited: () => done, log: () => output };
}

/** SIGTERM to the process group, SIGKILL after graceMs; resolves when the child has exited. */
async function stopChild(child: Child, graceMs: number): Promise<void> {
  if (child.hasExited()) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        process.kill(child.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
  // members of the group that outlived the leader
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // group empty
  }
}

async function waitReady(
  what: string,
  child: Child,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      throw new Error(`${what} exited before it was ready (exit ${child.proc.exitCode}):\n${child.log()}`);
    }
    try {
      if (await ready()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(100);
  }
  await stopChild(child, 2000);
  throw new Error(
    `${what} not ready after ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}:\n${child.log()}`,
  );
}

/** Open a TCP connection, optionally write a line and wait for a reply that starts with `expect`. */
function probeTcp(port: number, send?: string, expect?: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, '127.0.0.1', () => {
      if (send === undefined) return finish(true);
      socket.write(send);
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (expect !== undefined && reply.includes('\r\n')) finish(reply.startsWith(expect));
    });
  });
}

const isPortInUse = (log: string) => /address already in use|bind:|EADDRINUSE/i.test(log);

// ---------------------------------------------------------------------------- Redis

export interface RedisOptions {
  /** turn on the append-only file in this folder (durability tests: restart() keeps the data) */
  appendOnlyDir?: string;
  /** ms to wait for PING (default 15000) */
  timeoutMs?: number;
}

export interface RedisService {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** pid of the current redis-server (changes after restart) */
  readonly pid: number;
  /** SIGTERM (then SIGKILL) to the process group; resolves when the process is gone */
  stop(): Promise<void>;
  /** stop (or, with hard: true, SIGKILL as in a crash) and start again on the same port and folder */
  restart(opts?: { hard?: boolean }): Promise<void>;
}

/** Start `redis-server` on a free 127.0.0.1 port (no RDB snapshots) and wait until PING answers PONG. */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisService> {
  const bin = serviceBinary('redis');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const argsFor = (port: number) => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no'];
    args.push('--protected-mode', 'yes', '--logfile', '', '--loglevel', 'warning');
    if (opts.appendOnlyDir) args.push('--appendonly', 'yes', '--dir', opts.appendOnlyDir);
    return args;
  };
  const launch = async (port: number): Promise<Child> => {
    const child = spawnChild(bin, argsFor(port));
    await waitReady(
      `redis-server on port ${port}`,
      child,
      () => probeTcp(port, 'PING\r\n', '+PONG'),
      timeoutMs,
    );
    return child;
  };

  let port = 0;
  let child: Child | undefined;
  for (let attempt = 1; ; attempt++) {
    port = await findFreePort();
    try {
      child = await launch(port);
      break;
    } catch (error) {
      if (attempt >= 3 || !isPortInUse((error as Error).message)) throw error;
    }
  }
  let current: Child = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid;
    },
    stop: () => stopChild(current, 5000),
    async restart(restartOpts = {}) {
      await stopChild(current, restartOpts.hard ? 0 : 5000);
      current = await launch(port);
    },
  };
}

// ---------------------------------------------------------------------------- Temporal

export interface TemporalOptions {
  /** ms to wait for the namespace (default 60000) */
  timeoutMs?: number;
  /** extra arguments for `temporal server start-dev` */
  extraArgs?: string[];
}

export interface TemporalService {
  /** 127.0.0.1:PORT (gRPC frontend) */
  readonly address: string;
  readonly namespace: 'default';
  readonly port: number;
  readonly uiPort: number;
  readonly pid: number;
  /** SIGTERM (then SIGKILL) to the process group; resolves when the process is gone */
  stop(): Promise<void>;
}

async function namespaceReady(address: string, namespace: string): Promise<boolean> {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

/**
 * Start `temporal server start-dev` (in-memory, headless) on free 127.0.0.1 ports and wait until the
 * `default` namespace answers describeNamespace.
 */
export async function startTemporal(opts: TemporalOptions = {}): Promise<TemporalService> {
  const bin = serviceBinary('temporal');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    let uiPort = await findFreePort();
    while (uiPort === port) uiPort = await findFreePort();
    const address = `127.0.0.1:${port}`;
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
    args.push('--ui-port', String(uiPort), '--headless', '--log-level', 'error', ...(opts.extraArgs ?? []));
    const child = spawnChild(bin, args);
    try {
      await waitReady(
        `temporal dev server on ${address}`,
        child,
        async () => (await probeTcp(port)) && (await namespaceReady(address, 'default')),
        timeoutMs,
      );
    } catch (error) {
      await stopChild(child, 2000);
      if (attempt >= 3 || !isPortInUse((error as Error).message)) throw error;
      continue;
    }
    return {
      address,
      namespace: 'default',
      port,
      uiPort,
      pid: child.pid,
      stop: () => stopChild(child, 10_000),
    };
  }
}
