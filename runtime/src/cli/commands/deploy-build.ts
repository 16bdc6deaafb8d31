// weft deploy build: build the generated Dockerfile on the local Docker engine, run the image, wait for
// /health, send one run, stop it: the smoke test before pushing. Progress on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import packageJson from '../../../package.json' with { type: 'json' };
import { defaultProfile, PROFILE_FILE, ProfileError, parseProfile } from '../../deploy/profile.js';

interface BuildFlags {
  dir: string;
  tag?: string;
  nodeImage?: string;
  network?: string;
  input: string[];
  timeout: string;
  keep?: boolean;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

class BuildError extends Error {}

function docker(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new BuildError('docker is not on PATH: install Docker (https://docs.docker.com/engine/install/)');
  }
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function dockerStreamed(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('docker', args, { stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function inputsFrom(pairs: string[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new BuildError(`--input ${pair}: expected NAME=VALUE`);
    const raw = pair.slice(eq + 1);
    try {
      inputs[pair.slice(0, eq)] = /^[[{\d"tfn-]/.test(raw) ? JSON.parse(raw) : raw;
    } catch {
      inputs[pair.slice(0, eq)] = raw;
    }
  }
  return inputs;
}

async function build(flags: BuildFlags): Promise<number> {
  const profileFile = path.join(flags.dir, PROFILE_FILE);
  if (!existsSync(profileFile) || !existsSync(path.join(flags.dir, 'Dockerfile'))) {
    throw new BuildError(`no ${PROFILE_FILE} and Dockerfile in ${flags.dir}: run weft deploy generate first`);
  }
  const profile = parseProfile(
    await readFile(profileFile, 'utf8'),
    defaultProfile('weft-service', 'workflow.yaml', packageJson.version),
  );
  if (docker(['version', '--format', '{{.Server.Version}}']).code !== 0) {
    throw new BuildError(
      'the Docker engine of the active context does not answer: start Docker (or check DOCKER_HOST / docker context ls)',
    );
  }
  const tag = flags.tag ?? `${profile.service}:local`;
  say(`[1/4] building ${tag} ...`);
  const started = Date.now();
  const buildArgs = ['build', '-t', tag];
  if (flags.nodeImage) buildArgs.push('--build-arg', `NODE_IMAGE=${flags.nodeImage}`);
  if (flags.network) buildArgs.push('--network', flags.network);
  if ((await dockerStreamed([...buildArgs, flags.dir])) !== 0)
    throw new BuildError(`docker build of ${tag} failed (see above)`);
  const size = Number(docker(['image', 'inspect', '--format', '{{.Size}}', tag]).stdout.trim());
  say(`      built in ${((Date.now() - started) / 1000).toFixed(1)} s, ${(size / 1e6).toFixed(1)} MB`);
  const user = docker(['image', 'inspect', '--format', '{{.Config.User}}', tag]).stdout.trim();
  if (!user || user === 'root' || user.startsWith('0'))
    throw new BuildError(`the image runs as root (USER "${user}")`);

  const port = await freePort();
  const key = randomBytes(24).toString('hex');
  const runArgs = ['run', '-d', '-e', `WEFT_API_KEYS=${key}`];
  if (flags.network === 'host') runArgs.push('--network', 'host', '-e', `PORT=${port}`);
  else runArgs.push('-p', `127.0.0.1:${port}:${profile.port}`);
  say(`[2/4] starting ${tag} on 127.0.0.1:${port} (user ${user}) ...`);
  const run = docker([...runArgs, tag]);
  if (run.code !== 0) throw new BuildError(`docker run failed: ${run.stderr.trim()}`);
  const container = run.stdout.trim();
  const base = `http://127.0.0.1:${port}`;
  try {
    say('[3/4] waiting for /health ...');
    const deadline = Date.now() + Number(flags.timeout) * 1000;
    for (;;) {
      const ok = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      const state = docker(['inspect', '--format', '{{.State.Running}}', container]).stdout.trim();
      if (state !== 'true' || Date.now() > deadline) {
        const logs = docker(['logs', '--tail', '30', container]);
        throw new BuildError(
          `the container ${state === 'true' ? `did not answer /health within ${flags.timeout} s` : 'exited'}; its last log lines:\n${logs.stdout}${logs.stderr}`,
        );
      }
      await sleep(300);
    }
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const list = (await (await fetch(`${base}/workflows`, { headers })).json()) as {
      workflows?: Array<{ name: string }>;
    };
    const names = (list.workflows ?? []).map((w) => w.name);
    const route = names.length === 1 ? '/run' : `/workflows/${encodeURIComponent(names[0] ?? '')}/run`;
    say(`[4/4] one run: POST ${route} ...`);
    const response = await fetch(`${base}${route}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(inputsFrom(flags.input)),
    });
    const record = (await response.json()) as {
      status?: string;
      runId?: string;
      error?: { code?: string; message?: string };
    };
    if (!response.ok || record.status !== 'succeeded') {
      throw new BuildError(
        `the run did not succeed (HTTP ${response.status}): ${record.error ? `${record.error.code}: ${record.error.message}` : JSON.stringify(record).slice(0, 400)}${response.status === 400 ? ' (pass the inputs with --input NAME=VALUE)' : ''}`,
      );
    }
    say(`      ✓ run ${record.runId} succeeded`);
    process.stdout.write(`${JSON.stringify({ image: tag, sizeBytes: size, user, runId: record.runId })}\n`);
    return 0;
  } finally {
    if (!flags.keep) {
      docker(['rm', '-f', container]);
      say(`stopped ${container.slice(0, 12)}`);
    } else say(`left running: ${container.slice(0, 12)} on ${base} (API key ${key})`);
  }
}

export function registerBuild(deploy: Command): void {
  deploy
    .command('build')
    .description(
      'build the image on the local Docker engine, run it, wait for /health, send one run, stop it',
    )
    .option('--dir <dir>', 'the project folder holding weft.deploy.yaml and Dockerfile', '.')
    .option('--tag <tag>', 'image tag (default SERVICE:local)')
    .option('--node-image <image>', 'override the Node base image (NODE_IMAGE build argument)')
    .option('--network <mode>', 'network for build and run (host: no port publishing)')
    .option(
      '--input <name=value>',
      'an input of the smoke run (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--timeout <seconds>', 'how long to wait for /health', '60')
    .option('--keep', 'leave the container running')
    .action(async (flags: BuildFlags) => {
      try {
        process.exitCode = await build(flags);
      } catch (error) {
        if (error instanceof ProfileError) for (const p of error.problems) say(`weft deploy: ${p}`);
        else if (error instanceof BuildError) say(`weft deploy build: ${error.message}`);
        else throw error;
        process.exitCode = 1;
      }
    });
}
