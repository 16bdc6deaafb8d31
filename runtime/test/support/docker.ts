// A real Docker engine for the compose backend's tests: Debian's dockerd on its own socket, data
// root under .cache/dockerd-NAME (images survive between runs), no bridge and no iptables; stopped by pid.
// Test images come from the debootstrap root that scripts/provision.sh made (no registry here):
// a Debian base, Redis from Debian, the host's Temporal CLI, a Node base for the runtime Dockerfile.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCI, MissingServiceError, REPO_ROOT, readServicesEnv, serviceBinary } from './services.js';

const CACHE = join(REPO_ROOT, '.cache');

export interface DockerEngine {
  /** DOCKER_HOST, DOCKER_CONFIG (the Compose plugin) and PATH for the docker CLI */
  env: NodeJS.ProcessEnv;
  pid: number;
  docker(
    args: string[],
    options?: { input?: string; cwd?: string },
  ): { code: number; stdout: string; stderr: string };
  stop(): Promise<void>;
}

/** process.env, then .cache/services.env, then .cache/docker.env (provision-docker.sh's own file). */
function setting(key: string): string | undefined {
  return process.env[key] || readServicesEnv()[key] || readServicesEnv(join(CACHE, 'docker.env'))[key];
}

/** Why the Docker tests cannot run here (undefined when they can); throws under CI. */
export function dockerMissing(): string | undefined {
  const missing = ['DOCKERD_BIN', 'DOCKER_COMPOSE_PLUGIN_DIR', 'DEBIAN_ROOTFS_TAR'].filter((key) => {
    const value = setting(key);
    return !value || !existsSync(value);
  });
  const root = process.getuid?.() === 0 ? undefined : 'dockerd needs root';
  const reason =
    missing.length > 0 ? `${missing.join(', ')} not provisioned; run: bash scripts/provision.sh` : root;
  if (reason && isCI())
    throw new MissingServiceError('redis', `docker: ${reason} (CI=true: a missing component is a failure)`);
  return reason;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `name` picks the data root, .cache/dockerd-NAME: one dockerd per data root (a second one waits on its
 * lock), so test files that run at the same time each use their own.
 */
export async function startDockerd(name = 'stack'): Promise<DockerEngine> {
  const dockerd = setting('DOCKERD_BIN') as string;
  const run = mkdtempSync(join(tmpdir(), 'weft-dockerd-'));
  const socket = join(run, 'docker.sock');
  const dataRoot = join(CACHE, `dockerd-${name}`);
  mkdirSync(dataRoot, { recursive: true });
  // a dockerd of another checkout sharing this .cache holds the data root's lock: wait for it to end
  const waitUntil = Date.now() + 15 * 60_000;
  for (let holder = dataRootHolder(dataRoot); holder; holder = dataRootHolder(dataRoot)) {
    if (Date.now() > waitUntil) throw new Error(`dockerd pid ${holder} still holds ${dataRoot} after 15 min`);
    await sleep(2000);
  }
  const config = join(run, 'config');
  mkdirSync(config);
  cpSync(setting('DOCKER_COMPOSE_PLUGIN_DIR') as string, join(config, 'cli-plugins'), { recursive: true });
  const args = [
    '--host',
    `unix://${socket}`,
    '--data-root',
    dataRoot,
    '--exec-root',
    join(run, 'exec'),
    '--pidfile',
    join(run, 'dockerd.pid'),
    '--bridge=none',
    '--iptables=false',
    '--ip-forward=false',
  ];
  const child: ChildProcess = spawn(dockerd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: config };
  const docker: DockerEngine['docker'] = (dockerArgs, options = {}) => {
    const r = spawnSync('docker', dockerArgs, {
      env,
      encoding: 'utf8',
      input: options.input,
      cwd: options.cwd,
      maxBuffer: 1 << 28,
    });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const stop = async () => {
    if (!done) {
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        // gone
      }
      const killAt = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // gone
        }
      }, 15_000);
      await exited;
      clearTimeout(killAt);
    }
    removeRunDir(run);
  };
  const deadline = Date.now() + 60_000;
  while (docker(['version', '--format', '{{.Server.Version}}']).code !== 0) {
    if (done || Date.now() > deadline) {
      await stop();
      throw new Error(`dockerd did not answer on ${socket}:\n${log}`);
    }
    await sleep(200);
  }
  return {
    env,
    pid: child.pid as number,
    docker,
    stop,
  };
}

export const TEST_IMAGES = {
  debian: 'weft-test/debian:bookworm',
  redis: 'weft-test/redis:bookworm',
  temporal: 'weft-test/temporal:host',
  node: 'weft-test/node:host',
  weft: 'weft-test/runtime',
  nginx: 'weft-test/nginx:bookworm',
};

/** A hash of what the runtime image is built from, as its tag: a changed source gets a new image. */
function runtimeSourceHash(): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    const full = join(REPO_ROOT, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) add(join(path, name));
    } else if (!path.endsWith('.test.ts')) {
      hash.update(path).update(readFileSync(full));
    }
  };
  for (const path of [
    'package.json',
    'package-lock.json',
    'schemas',
    'runtime/package.json',
    'runtime/Dockerfile',
  ])
    add(path);
  for (const path of [
    'runtime/build.mjs',
    'runtime/image-bundle.mjs',
    'runtime/bundle-parts.mjs',
    'runtime/bin',
    'runtime/src',
    'runtime/stack',
    'extension/package.json',
  ])
    add(path);
  return hash.digest('hex').slice(0, 12);
}

function must(result: { code: number; stdout: string; stderr: string }, what: string): string {
  if (result.code !== 0) {
    throw new Error(
      `${what} failed (exit ${result.code}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`,
    );
  }
  return result.stdout;
}

function buildFrom(
  engine: DockerEngine,
  tag: string,
  dockerfile: string,
  files: Record<string, string>,
): void {
  const context = mkdtempSync(join(tmpdir(), 'weft-image-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), dockerfile);
    for (const [name, source] of Object.entries(files)) copyFileSync(source, join(context, name));
    must(engine.docker(['build', '--network', 'host', '-t', tag, context]), `docker build ${tag}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

const hasImage = (engine: DockerEngine, tag: string) => engine.docker(['image', 'inspect', tag]).code === 0;

/** Builds the test images that are missing (kept in .cache/dockerd), returns the compose image variables. */
export function ensureTestImages(engine: DockerEngine): NodeJS.ProcessEnv {
  if (!hasImage(engine, TEST_IMAGES.debian)) {
    const tar = setting('DEBIAN_ROOTFS_TAR') as string;
    must(
      spawnSyncResult('sh', ['-c', `docker import - ${TEST_IMAGES.debian} < "${tar}"`], engine.env),
      'docker import',
    );
  }
  if (!hasImage(engine, TEST_IMAGES.redis)) {
    buildFrom(
      engine,
      TEST_IMAGES.redis,
      `FROM ${TEST_IMAGES.debian}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server \\
  && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
USER redis
WORKDIR /data
`,
      {},
    );
  }
  if (!hasImage(engine, TEST_IMAGES.temporal)) {
    buildFrom(
      engine,
      TEST_IMAGES.temporal,
      `FROM ${TEST_IMAGES.debian}
COPY temporal /usr/local/bin/temporal
RUN mkdir -p /data
ENTRYPOINT ["temporal"]
`,
      { temporal: serviceBinary('temporal') },
    );
  }
  if (!hasImage(engine, TEST_IMAGES.node)) {
    const context = mkdtempSync(join(tmpdir(), 'weft-node-'));
    try {
      copyFileSync(process.execPath, join(context, 'node'));
      cpSync(npmDir(), join(context, 'npm'), { recursive: true });
      // the CA bundle this machine's Node trusts (e.g. an egress proxy's CA), so npm in the image reaches the registry
      const ca = process.env.NODE_EXTRA_CA_CERTS;
      writeFileSync(join(context, 'extra-ca.crt'), ca && existsSync(ca) ? readFileSync(ca) : '');
      writeFileSync(
        join(context, 'Dockerfile'),
        `FROM ${TEST_IMAGES.debian}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY extra-ca.crt /usr/local/share/weft-extra-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/weft-extra-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && chmod +x /usr/local/bin/node
`,
      );
      must(
        engine.docker(['build', '--network', 'host', '-t', TEST_IMAGES.node, context]),
        'docker build node',
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
  const weft = `${TEST_IMAGES.weft}:${runtimeSourceHash()}`;
  if (!hasImage(engine, weft)) {
    const old = engine
      .docker(['images', '--format', '{{.Repository}}:{{.Tag}}', TEST_IMAGES.weft])
      .stdout.trim();
    must(
      engine.docker(
        [
          'build',
          '--network',
          'host',
          '--build-arg',
          `NODE_IMAGE=${TEST_IMAGES.node}`,
          '-f',
          'runtime/Dockerfile',
          '-t',
          weft,
          '.',
        ],
        { cwd: REPO_ROOT },
      ),
      'docker build runtime/Dockerfile',
    );
    // older builds go once the new one holds the layers they share
    if (old) engine.docker(['rmi', ...old.split('\n')]);
  }
  return {
    WEFT_IMAGE: weft,
    WEFT_TEMPORAL_IMAGE: TEST_IMAGES.temporal,
    WEFT_REDIS_IMAGE: TEST_IMAGES.redis,
  };
}

/**
 * nginx from Debian for the generated production compose (its NGINX_IMAGE), laid out like the
 * registry's nginx image: conf.d/*.conf inside http {}, logs to stdout/stderr, `nginx -g daemon off;`,
 * wget for the compose healthcheck. Kept in the data root like the other test images.
 */
export function ensureNginxImage(engine: DockerEngine): string {
  if (!hasImage(engine, TEST_IMAGES.debian)) ensureTestImages(engine);
  if (!hasImage(engine, TEST_IMAGES.nginx)) {
    buildFrom(
      engine,
      TEST_IMAGES.nginx,
      `FROM ${TEST_IMAGES.debian}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx wget \\
  && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \\
  && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`,
      {},
    );
  }
  return TEST_IMAGES.nginx;
}

/** The pid of a running dockerd whose --data-root is `dataRoot`, if any (Linux /proc). */
function dataRootHolder(dataRoot: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('--data-root');
    if (args[0]?.endsWith('dockerd') && at >= 0 && realpathOr(args[at + 1]) === realpathOr(dataRoot)) {
      return Number(pid);
    }
  }
  return undefined;
}

function realpathOr(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The npm package folder of the Node running the tests (npm-cli.js lives in its bin/). */
function npmDir(): string {
  const npm = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  return join(realpathSync(npm), '..', '..');
}

/** Removes a folder; dockerd may leave a network namespace mounted in its exec root. */
function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    spawnSync('sh', ['-c', `grep -o " ${dir}[^ ]*" /proc/mounts | xargs -r -n1 umount -l`]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function spawnSyncResult(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
