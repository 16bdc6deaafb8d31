// bench:feature: the weft Dev Container Feature on a fresh Debian root (debootstrap + overlay, as the
// feature tests run it): install time (warm and cold npm cache), size added to the image, and container
// start to stack healthy (entrypoint to postStartCommand returning; goal <= 10 s). A table, not a test.
//   sudo npx tsx bench/feature.ts [--runs 2] [--cold]      (root: overlay mounts and unshare)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { featureTools, REPO, runScenario } from '../devcontainer-feature/test/support.js';
import { readServicesEnv } from '../runtime/test/support/services.js';
import { busyProcesses, fmt, machineLine, median, table } from './lib/report.js';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 2;
const COLD = args.includes('--cold');

const missing = featureTools();
if (missing) {
  console.error(`bench:feature: ${missing}`);
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), 'weft-feature-bench-'));
const made = spawnSync('bash', [join(REPO, 'devcontainer-feature/test/local-artifacts.sh'), out], {
  encoding: 'utf8',
  env: { ...process.env, TEMPORAL_BIN: readServicesEnv().TEMPORAL_BIN ?? process.env.TEMPORAL_BIN ?? '' },
});
if (made.status !== 0) throw new Error(made.stderr);
const env = Object.fromEntries(
  made.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('=') as [string, string]),
);

const rows: (string | number)[][] = [];
const kinds = COLD ? ['warm npm cache', 'cold npm cache'] : ['warm npm cache'];
for (const kind of kinds) {
  const figures: Record<string, number[]> = { install_s: [], size_added_mb: [], start_to_healthy_s: [] };
  for (let i = 0; i < RUNS; i++) {
    const cache = kind.startsWith('cold') ? mkdtempSync(join(tmpdir(), 'weft-npm-cold-')) : undefined;
    const run = runScenario('test.sh', 'vscode', [], { ...env, ...(cache ? { NPM_CACHE: cache } : {}) });
    if (cache) rmSync(cache, { recursive: true, force: true });
    if (run.status !== 0) throw new Error(`scenario failed:\n${run.output.slice(-3000)}`);
    for (const key of Object.keys(figures)) figures[key]?.push(run.figures[key] ?? Number.NaN);
  }
  const m = (key: string) => median(figures[key] ?? []);
  rows.push([
    kind,
    fmt(m('install_s')),
    String(m('size_added_mb')),
    fmt(m('start_to_healthy_s')),
    m('start_to_healthy_s') <= 10 ? 'yes' : 'no',
  ]);
}
rmSync(out, { recursive: true, force: true });
console.log(machineLine());
const busy = busyProcesses();
if (busy.length) console.log(`busy while measuring: ${busy.join('; ')}`);
console.log(`median of ${RUNS} run(s): fresh bookworm minbase root, default options, remote user vscode`);
console.log(
  table(['npm cache', 'install (s)', 'size added (MB)', 'start -> healthy (s)', 'goal <= 10 s'], rows),
);
