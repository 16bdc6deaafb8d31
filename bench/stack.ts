// bench:stack: how long `weft stack up` takes to all-healthy and `down` takes, per backend; the compose
// backend side by side with `docker compose up --wait` of the same file run by hand. A table, not a test.
//   npm run bench:stack [-- --runs 3 --skip-compose]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DockerEngine,
  dockerMissing,
  ensureTestImages,
  startDockerd,
} from '../runtime/test/support/docker.js';
import { findFreePort, findService, REPO_ROOT } from '../runtime/test/support/services.js';
import { busyProcesses, fmt, machineLine, median, table } from './lib/report.js';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;
const SKIP_COMPOSE = args.includes('--skip-compose');
const WEFT = join(REPO_ROOT, 'runtime/bin/weft.js');
const COMPOSE_FILE = join(REPO_ROOT, 'runtime/stack/compose.yaml');

async function ports(): Promise<string[]> {
  const taken = new Set<number>();
  const next = async () => {
    let p = await findFreePort();
    while (taken.has(p)) p = await findFreePort();
    taken.add(p);
    return String(p);
  };
  return [
    '--weft-port',
    await next(),
    '--temporal-port',
    await next(),
    '--temporal-ui-port',
    await next(),
    '--redis-port',
    await next(),
  ];
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-stack-'));
  chmodSync(dir, 0o755); // readable by the containers' non-root user
  copyFileSync(join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), join(dir, 'workflow.yaml'));
  return dir;
}

/** ms a command takes; throws with its stderr when it fails. */
function timed(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(command, argv, { cwd, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${command} ${argv.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return ms;
}

interface Row {
  what: string;
  up: number[];
  down: number[];
  goal: string;
}

function processesRow(): Row {
  return {
    what: 'processes: `weft stack up` (cold data dir) / `down`',
    up: [],
    down: [],
    goal: 'up <= 5 s, down <= 2 s',
  };
}

async function measureProcesses(row: Row): Promise<void> {
  const env = {
    ...process.env,
    TEMPORAL_BIN: findService('temporal'),
    REDIS_SERVER_BIN: findService('redis'),
  };
  for (let i = 0; i < RUNS; i++) {
    const cwd = workspace();
    try {
      row.up.push(
        timed(
          process.execPath,
          [WEFT, 'stack', 'up', '--backend', 'processes', ...(await ports())],
          cwd,
          env,
        ),
      );
      row.down.push(timed(process.execPath, [WEFT, 'stack', 'down'], cwd, env));
    } finally {
      spawnSync(process.execPath, [WEFT, 'stack', 'down'], { cwd, env });
      rmSync(cwd, { recursive: true, force: true });
    }
  }
}

async function measureCompose(engine: DockerEngine, ours: Row, byHand: Row): Promise<void> {
  const env = { ...engine.env, ...ensureTestImages(engine) };
  for (let i = 0; i < RUNS; i++) {
    const cwd = workspace();
    try {
      const portArgs = await ports();
      ours.up.push(
        timed(process.execPath, [WEFT, 'stack', 'up', '--backend', 'compose', ...portArgs], cwd, env),
      );
      ours.down.push(timed(process.execPath, [WEFT, 'stack', 'down', '--volumes'], cwd, env));
      // the same file by hand, with the variables our backend sets
      const handEnv = {
        ...env,
        WEFT_PORT: portArgs[1],
        TEMPORAL_PORT: portArgs[3],
        TEMPORAL_UI_PORT: portArgs[5],
        REDIS_PORT: portArgs[7],
        WEFT_WORKFLOWS_DIR: cwd,
        WEFT_WORKFLOWS_PATH: '/workflows/workflow.yaml',
      };
      const project = ['compose', '-p', `weft-bench-${i}`, '-f', COMPOSE_FILE];
      byHand.up.push(timed('docker', [...project, 'up', '--detach', '--wait'], cwd, handEnv));
      byHand.down.push(
        timed(
          'docker',
          [...project, 'down', '--volumes', '--remove-orphans', '--timeout', '5'],
          cwd,
          handEnv,
        ),
      );
    } finally {
      spawnSync(process.execPath, [WEFT, 'stack', 'down', '--volumes', '--backend', 'compose'], { cwd, env });
      rmSync(cwd, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', 'build', '-w', 'runtime'], { cwd: REPO_ROOT, stdio: 'ignore' });
  console.log(`\n${machineLine()}`);
  const busy = busyProcesses();
  if (busy.length > 0) console.log(`busy at start: ${busy.join(', ')}`);
  const rows: Row[] = [];
  const processes = processesRow();
  await measureProcesses(processes);
  rows.push(processes);
  let overhead = '';
  if (!SKIP_COMPOSE) {
    const missing = dockerMissing();
    if (missing) console.log(`compose rows skipped: ${missing}`);
    else {
      const engine = await startDockerd();
      try {
        const ours: Row = {
          what: 'compose: `weft stack up` (images present) / `down --volumes`',
          up: [],
          down: [],
          goal: 'up <= 15 s',
        };
        const byHand: Row = {
          what: 'compose by hand: `docker compose up --wait` / `down --volumes`',
          up: [],
          down: [],
          goal: '',
        };
        await measureCompose(engine, ours, byHand);
        rows.push(ours, byHand);
        const extra = (median(ours.up) / median(byHand.up) - 1) * 100;
        overhead = `\n\`weft stack up\` vs \`docker compose up --wait\` by hand: ${extra >= 0 ? '+' : ''}${fmt(extra)} % (goal: <= +10 %)`;
      } finally {
        await engine.stop();
      }
    }
  }
  const s = (ms: number[]) => `${fmt(median(ms) / 1000, 2)} s`;
  const range = (ms: number[]) => `${fmt(Math.min(...ms) / 1000, 2)}-${fmt(Math.max(...ms) / 1000, 2)} s`;
  console.log(
    `\n${RUNS} runs each; wall time of the CLI process, to all healthy (up) and to all stopped (down)\n`,
  );
  console.log(
    table(
      ['backend', 'up (median)', 'up (range)', 'down (median)', 'down (range)', 'goal'],
      rows.map((r) => [r.what, s(r.up), range(r.up), s(r.down), range(r.down), r.goal]),
    ),
  );
  if (overhead) console.log(overhead);
}

await main();
