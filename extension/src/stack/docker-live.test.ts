// dockerode against a real Docker engine (Debian's dockerd on its own socket and data root, stopped by
// pid): the endpoint read from the active docker context, container events and a log stream of a
// stack-like container. The image is a tiny one made here (the host's sh and sleep with their libc):
// there is no registry to pull from.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeEndpoint } from './docker.js';
import { connect, followContainerLogs, watchEvents } from './docker-live.js';

const REPO = join(__dirname, '..', '..', '..');

/** DOCKERD_BIN / DOCKER_BIN from the environment or what scripts/provision.sh wrote. */
function setting(key: string): string | undefined {
  if (process.env[key]) return process.env[key];
  for (const file of ['services.env', 'docker.env']) {
    const path = join(REPO, '.cache', file);
    if (!existsSync(path)) continue;
    const m = new RegExp(`^${key}=(.*)$`, 'm').exec(readFileSync(path, 'utf8'));
    if (m?.[1]) return m[1].trim();
  }
  return undefined;
}

const dockerd = setting('DOCKERD_BIN');
const dockerCli = setting('DOCKER_BIN') ?? 'docker';
const missing =
  !dockerd || !existsSync(dockerd)
    ? 'dockerd not provisioned (bash scripts/provision.sh)'
    : process.getuid?.() !== 0
      ? 'dockerd needs root'
      : undefined;
if (missing && process.env.CI === 'true')
  throw new Error(`docker-live tests: ${missing} (CI=true: a failure)`);

const IMAGE = 'weft-vscode-test/sh:host';

describe.skipIf(!!missing)('dockerode on the active docker context (real dockerd)', () => {
  let scratch: string;
  let socket: string;
  let daemon: ChildProcess;
  let docker: Docker;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync(dockerCli, args, {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}`, ...env },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'weft-dockerode-'));
    socket = join(scratch, 'd.sock');
    daemon = spawn(
      dockerd!,
      [
        '--host',
        `unix://${socket}`,
        '--data-root',
        join(scratch, 'data'),
        '--exec-root',
        join(scratch, 'exec'),
        '--pidfile',
        join(scratch, 'dockerd.pid'),
        '--bridge=none',
        '--iptables=false',
        '--ip-forward=false',
      ],
      { detached: true, stdio: 'ignore' },
    );
    for (let i = 0; ; i++) {
      if (spawnSync(dockerCli, ['-H', `unix://${socket}`, 'version'], { stdio: 'ignore' }).status === 0)
        break;
      if (i > 300) throw new Error(`dockerd did not answer on ${socket}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // a minimal image: sh and sleep from the host, with the C library they load
    const libs =
      execFileSync('ldd', ['/bin/sh', '/bin/sleep'], { encoding: 'utf8' }).match(/\/\S+\.so[.\d]*/g) ?? [];
    const files = ['/bin/sh', '/bin/sleep', ...new Set(libs)];
    execFileSync('sh', [
      '-c',
      `tar -chf - ${files.join(' ')} 2>/dev/null | "${dockerCli}" -H unix://${socket} import - ${IMAGE}`,
    ]);
  }, 120_000);

  afterAll(async () => {
    if (daemon?.pid) {
      try {
        process.kill(-daemon.pid, 'SIGTERM');
      } catch {
        // gone
      }
      await new Promise<void>((resolve) => {
        if (daemon.exitCode !== null) resolve();
        else daemon.once('exit', () => resolve());
        setTimeout(() => {
          try {
            process.kill(-daemon.pid!, 'SIGKILL');
          } catch {
            // gone
          }
        }, 15_000).unref();
      });
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 30_000);

  it('finds the engine through the current docker context when DOCKER_HOST is unset', async () => {
    const config = join(scratch, 'docker-config');
    const env = { DOCKER_CONFIG: config, DOCKER_HOST: '' };
    cli(['context', 'create', 'weft-test', '--docker', `host=unix://${socket}`], env);
    cli(['context', 'use', 'weft-test'], env);
    const { DOCKER_HOST: _, ...rest } = process.env;
    const endpoint = await activeEndpoint({
      ...rest,
      DOCKER_CONFIG: config,
      PATH: `${join(dockerCli, '..')}:${process.env.PATH}`,
    });
    expect(endpoint).toEqual({ kind: 'socket', socketPath: socket, source: 'docker context "weft-test"' });
    docker = connect(endpoint);
    expect((await docker.version()).ApiVersion).toMatch(/^\d+\.\d+$/);
  });

  it("streams a container's events and its stdout and stderr lines", async () => {
    const name = 'weft-vscode-test-redis-1';
    const events: string[] = [];
    const watch = await watchEvents(
      docker,
      [{ service: 'redis', container: name }],
      (service, action) => events.push(`${service} ${action}`),
      () => {},
    );
    const container = await docker.createContainer({
      name,
      Image: IMAGE,
      Cmd: ['/bin/sh', '-c', 'echo out-1; echo err-1 >&2; echo out-2; exec /bin/sleep 300'],
      Labels: { 'com.docker.compose.service': 'redis' },
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      await container.start();
      const lines: string[] = [];
      const logs = await followContainerLogs(docker, name, (line) => lines.push(line));
      await waitUntil(() => lines.length >= 3);
      expect(lines.sort()).toEqual(['err-1', 'out-1', 'out-2']);
      await container.kill();
      await waitUntil(() => events.includes('redis die'));
      expect(events).toContain('redis start');
      logs.stop();
    } finally {
      watch.stop();
      await container.remove({ force: true });
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
