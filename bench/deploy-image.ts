// bench:deploy-image: the image `weft deploy generate` writes a Dockerfile for, on the local dockerd:
// its size split into the Node base and what Weft adds (per layer), and its build time cold (no build
// cache), cached (nothing changed) and after a workflow edit; the stack's image (runtime/Dockerfile)
// beside it. A table, not a test. The local base is the tests' Debian + this machine's Node, not the
// registry's node:*-slim (no registry here): read the "Weft adds" column.
//   npm run bench:deploy-image [-- --runs 2]
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deployProject } from '../runtime/test/deploy/project.js';
import { buildCli } from '../runtime/test/support/cli.js';
import {
  dockerMissing,
  ensureTestImages,
  startDockerd,
  TEST_IMAGES,
} from '../runtime/test/support/docker.js';
import { REPO_ROOT } from '../runtime/test/support/services.js';
import { busyProcesses, fmt, machineLine, median, table } from './lib/report.js';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 2;
const TAG = 'weft-bench-image:local';
const MB = (bytes: number) => `${fmt(bytes / 1e6)} MB`;

async function main(): Promise<void> {
  const missing = dockerMissing();
  if (missing) {
    console.log(`no Docker engine here: ${missing}`);
    return;
  }
  console.log(`\n${machineLine()}`);
  const busy = busyProcesses();
  if (busy.length > 0) console.log(`busy at start: ${busy.join(', ')}`);
  const engine = await startDockerd();
  const cli = await buildCli('bench-deploy-image');
  let project: string | undefined;
  try {
    const stackImage = ensureTestImages(engine).WEFT_IMAGE as string;
    const workflow = readFileSync(join(REPO_ROOT, 'samples/sales-inquiry/workflow.yaml'), 'utf8');
    project = deployProject(cli, 'weft-bench-image', workflow).dir;
    const dir = project;
    const build = (extra: string[]) => {
      const t0 = performance.now();
      const r = engine.docker([
        'build',
        '--network',
        'host',
        '--build-arg',
        `NODE_IMAGE=${TEST_IMAGES.node}`,
        '-t',
        TAG,
        ...extra,
        dir,
      ]);
      if (r.code !== 0) throw new Error(`docker build failed:\n${r.stderr.slice(-3000)}`);
      return performance.now() - t0;
    };
    const cold: number[] = [];
    const cached: number[] = [];
    const edited: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(build(['--no-cache']));
      cached.push(build([]));
      appendFileSync(join(dir, 'workflow.yaml'), `# edit ${i}\n`);
      edited.push(build([]));
    }
    const size = (image: string) =>
      Number(engine.docker(['image', 'inspect', '--format', '{{.Size}}', image]).stdout.trim());
    const base = size(TEST_IMAGES.node);
    // the layers above the base: `docker history` lists the newest first, the base's layers last
    const baseLayers = engine
      .docker(['history', '-q', '--no-trunc', TEST_IMAGES.node])
      .stdout.trim()
      .split('\n').length;
    const layers = (image: string) => {
      const rows = engine
        .docker(['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', image])
        .stdout.trim()
        .split('\n');
      return rows.slice(0, rows.length - baseLayers).map((row) => {
        const [bytes, createdBy] = row.split('\t');
        return { bytes: Number(bytes), what: (createdBy ?? '').replace(/\s+/g, ' ').slice(0, 90) };
      });
    };
    const ours = layers(TAG).filter((l) => l.bytes > 0);
    const stack = layers(stackImage).filter((l) => l.bytes > 0);
    const s = (ms: number[]) => `${fmt(median(ms) / 1000, 1)} s`;
    console.log(`\nbase ${TEST_IMAGES.node} (Debian bookworm + this machine's Node): ${MB(base)}\n`);
    console.log(
      table(
        ['image', 'total', 'Weft adds', 'goal'],
        [
          ['generated Dockerfile (`weft deploy generate`)', MB(size(TAG)), MB(size(TAG) - base), '<= 150 MB'],
          ['runtime/Dockerfile (local stack)', MB(size(stackImage)), MB(size(stackImage) - base), ''],
        ],
      ),
    );
    // what /app holds (the bundle's parts and the native core)
    const du = engine
      .docker([
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'sh',
        TAG,
        '-c',
        'cd /app && du -sk chunks temporal-workflows.js assets/@temporalio/core-bridge assets/@fastify/swagger-ui assets/source-map workflows',
      ])
      .stdout.trim()
      .split('\n')
      .map((line) => line.split('\t'));
    console.log('\nin /app (generated Dockerfile)\n');
    console.log(
      table(
        ['size', 'path'],
        du.map(([kb, name]) => [MB(Number(kb) * 1024), `\`${name}\``]),
      ),
    );
    console.log('\nlayers Weft adds (generated Dockerfile)\n');
    console.log(
      table(
        ['size', 'layer'],
        ours.map((l) => [MB(l.bytes), `\`${l.what}\``]),
      ),
    );
    console.log('\nlayers Weft adds (runtime/Dockerfile)\n');
    console.log(
      table(
        ['size', 'layer'],
        stack.map((l) => [MB(l.bytes), `\`${l.what}\``]),
      ),
    );
    console.log(`\nbuild of the generated Dockerfile, median of ${RUNS} (base image present)\n`);
    console.log(
      table(
        ['build', 'wall time'],
        [
          ['cold (`--no-cache`: npm pack of the native core from the registry)', s(cold)],
          ['cached (nothing changed)', s(cached)],
          ['after a workflow edit (the last layer)', s(edited)],
        ],
      ),
    );
  } finally {
    engine.docker(['rmi', '-f', TAG]);
    cli.remove();
    await engine.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  }
}

await main();
