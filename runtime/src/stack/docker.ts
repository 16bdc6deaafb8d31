// The docker CLI as the compose backend uses it: reached through the active context (DOCKER_HOST or
// `docker context`), never an assumed socket path. Preflight: the CLI, the engine, Compose >= 2.1.1.
import { execFile } from 'node:child_process';
import { composeMissing, composeTooOld, dockerEngineDown, dockerNotFound } from './errors.js';
import { findBinary } from './processes.js';

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: options.env, timeout: options.timeoutMs ?? 0, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const timedOut = error && (error as { killed?: boolean }).killed ? '\n(timed out)' : '';
        resolve({ code, stdout: String(stdout), stderr: `${String(stderr)}${timedOut}` });
      },
    );
  });
}

/** "v2.29.1" / "2.29.1-desktop.1" / "5.6.0" -> [major, minor, patch]; undefined when unreadable. */
export function parseComposeVersion(text: string): [number, number, number] | undefined {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** `up --wait` arrived in Compose 2.1.1. */
export function supportsWait(version: [number, number, number]): boolean {
  const [major, minor, patch] = version;
  if (major !== 2) return major > 2;
  return minor > 1 || (minor === 1 && patch >= 1);
}

export interface DockerInfo {
  docker: string;
  context: string;
  serverVersion: string;
  composeVersion: string;
}

/** Where the CLI sends its requests: DOCKER_HOST, else the active `docker context`. */
export async function activeContext(docker: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.DOCKER_HOST) return `DOCKER_HOST=${env.DOCKER_HOST}`;
  const shown = await run(docker, ['context', 'show'], { env, timeoutMs: 5000 });
  return shown.code === 0 && shown.stdout.trim() ? `context "${shown.stdout.trim()}"` : 'the default context';
}

/** Checks in order: docker on PATH, the engine answers, Compose v2.1.1+; throws the StackError of the first that fails. */
export async function dockerPreflight(env: NodeJS.ProcessEnv): Promise<DockerInfo> {
  const docker = findBinary('docker', undefined, env);
  if (!docker) throw dockerNotFound();
  const context = await activeContext(docker, env);
  const server = await run(docker, ['version', '--format', '{{.Server.Version}}'], {
    env,
    timeoutMs: 15_000,
  });
  if (server.code !== 0 || !server.stdout.trim()) {
    const detail =
      (server.stderr.trim().split('\n').pop() ?? '').trim() || `docker version exited ${server.code}`;
    throw dockerEngineDown(context, detail);
  }
  const compose = await run(docker, ['compose', 'version', '--short'], { env, timeoutMs: 15_000 });
  if (compose.code !== 0) {
    throw composeMissing((compose.stderr.trim().split('\n')[0] ?? '').trim() || `exit ${compose.code}`);
  }
  const version = parseComposeVersion(compose.stdout);
  if (!version || !supportsWait(version)) throw composeTooOld(compose.stdout.trim() || 'unknown');
  return { docker, context, serverVersion: server.stdout.trim(), composeVersion: compose.stdout.trim() };
}
