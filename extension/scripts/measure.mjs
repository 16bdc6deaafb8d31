// Prints the .vsix size, the activation time, the bundled `weft --version` time and the
// language-support latencies on a 1,000-step workflow (test/e2e/perf.test.ts) as a table.
// usage: node scripts/measure.mjs [--no-e2e]
//   packages the extension (vsce), then runs the e2e suite in the real extension host, which
//   records the activation time (weft.internal.activationTime) in artifacts/e2e/timings.json.
//   With --no-e2e it reads the timings of the last e2e run instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(ext, '..');
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: ext, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

run('npm', ['run', '--silent', 'package']);
const vsix = join(ext, 'weft-vscode.vsix');
const listing = run('npx', ['--no-install', 'vsce', 'ls', '--no-dependencies']).trim().split('\n');
const kib = (f) => `${(statSync(join(ext, f)).size / 1024).toFixed(1)} KiB`;
const bundles = {
  ext: kib('out/extension.js'),
  lang: kib('out/language.js'),
  worker: kib('out/check-worker.js'),
  docker: kib('out/docker.js'),
}; // as packaged

// the bundled CLI as the terminal's `weft` runs it: wall and CPU time of `weft --version`, 9 runs
const weftRuns = [];
for (let i = 0; i < 9; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ext, 'out', 'runtime', 'weft.mjs'), '--version'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`weft --version failed: ${r.stderr}`);
  // CPU time (user + sys) does not grow with the machine's load the way wall time does
  const timed = existsSync('/usr/bin/time')
    ? spawnSync('/usr/bin/time', [
        '-f',
        '%U %S',
        process.execPath,
        join(ext, 'out', 'runtime', 'weft.mjs'),
        '--version',
      ])
    : undefined;
  const [user, sys] = (timed?.stderr.toString().trim().split('\n').pop() ?? '').split(' ').map(Number);
  const cpu = Number.isFinite(user) && Number.isFinite(sys) ? (user + sys) * 1000 : undefined;
  weftRuns.push({ wall, cpu, out: r.stdout.toString().trim() });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const weftWall = median(weftRuns.map((r) => r.wall));
const weftBest = Math.min(...weftRuns.map((r) => r.wall));
const cpus = weftRuns.map((r) => r.cpu).filter((c) => c !== undefined);
const weftCpu = cpus.length ? `${median(cpus).toFixed(0)} ms` : 'n/a (no /usr/bin/time)';
const nodeCpu = (() => {
  if (!existsSync('/usr/bin/time')) return 'n/a';
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, '-e', '0']);
  const [u, s] = r.stderr.toString().trim().split('\n').pop().split(' ').map(Number);
  return `${((u + s) * 1000).toFixed(0)} ms`;
})();
const runtimeFiles = readdirSync(join(ext, 'out', 'runtime'), { recursive: true }).map(String);
const runtimeKiB =
  runtimeFiles.reduce((n, f) => {
    const st = statSync(join(ext, 'out', 'runtime', f));
    return n + (st.isFile() ? st.size : 0);
  }, 0) / 1024;

if (!process.argv.includes('--no-e2e')) {
  try {
    run('npm', ['run', '--silent', 'test:e2e']);
  } catch {
    console.error('e2e run failed; the timings below may be missing or stale');
  }
}
const timingsFile = join(repo, 'artifacts', 'e2e', 'timings.json');
const t = existsSync(timingsFile) ? JSON.parse(readFileSync(timingsFile, 'utf8')) : {};

const ms = (v) => (v !== undefined ? `${v} ms` : 'n/a');
const fw = (name) => `${ms(t[`${name}FreshMs`])} fresh / ${ms(t[`${name}WarmMs`])} warm`;
const vsixKiB = statSync(vsix).size / 1024;
const big = t.bigFile
  ? `${t.bigFile.steps} steps, ${(t.bigFile.bytes / 1024).toFixed(0)} KiB`
  : '1,000 steps';
const rows = [
  [
    'vsix size (goal <= 3 MB, the runtime included)',
    `${vsixKiB.toFixed(1)} KiB${vsixKiB <= 3072 ? '' : ' OVER GOAL'}`,
  ],
  [
    'files in vsix',
    `${listing.length} (${listing.filter((f) => !f.startsWith('out/runtime/')).join(', ')}, out/runtime/…)`,
  ],
  [
    'out/runtime (the bundled weft CLI and server, unpacked)',
    `${runtimeKiB.toFixed(0)} KiB in ${runtimeFiles.length} entries`,
  ],
  [
    `bundled \`weft --version\` (${weftRuns[0]?.out}), median of 9 (goal <= 300 ms)`,
    `${weftWall.toFixed(0)} ms${weftWall <= 300 ? '' : ' OVER GOAL'} (best ${weftBest.toFixed(0)} ms)`,
  ],
  ['  its CPU time (user + sys), median; Node alone (`node -e 0`)', `${weftCpu}; ${nodeCpu}`],
  ['out/extension.js', bundles.ext],
  ['out/language.js (loaded on first use)', bundles.lang],
  ['out/check-worker.js (the diagnostics worker; loads out/language.js)', bundles.worker],
  ['out/docker.js (dockerode; loaded only for a compose stack)', bundles.docker],
  [
    'activation, load + activate (goal <= 50 ms)',
    t.activationMs !== undefined ? `${t.activationMs} ms${t.activationMs <= 50 ? '' : ' OVER GOAL'}` : 'n/a',
  ],
  ['  bundle load', ms(t.loadMs)],
  ['  activate()', ms(t.activateMs)],
  ['small fixture: edit -> diagnostic (incl. debounce)', ms(t.editToDiagnosticMs)],
  [`${big}: open -> first diagnostics`, ms(t.bigOpenToDiagnosticsMs)],
  ['  of which the first check (cold)', ms(t.bigFirstCheckMs)],
  ['  longest extension-host main-thread stall, open -> diagnostics', ms(t.bigOpenMainThreadStallMs)],
  [`  applyEdit -> diagnostics (debounce ${t.debounceMs ?? 300} ms)`, ms(t.bigEditToDiagnosticsMs)],
  ['  applyEdit -> diagnostics (debounce 0)', ms(t.bigEditToDiagnosticsNoDebounceMs)],
  ['  change event in the host -> diagnostics (debounce 300 ms)', ms(t.bigChangeEventToDiagnosticsMs)],
  ['  change event in the host -> diagnostics (debounce 0)', ms(t.bigChangeEventToDiagnosticsNoDebounceMs)],
  ['  re-check after an edit', ms(t.bigRecheckNoDebounceMs)],
  [
    '  longest main-thread stall, applyEdit -> diagnostics (debounce 0)',
    ms(t.bigEditMainThreadStallNoDebounceMs),
  ],
  ['  completion at `needs: [`', fw('bigCompletionNeeds')],
  ['  completion at `needs: [` right after an edit, its check running', ms(t.bigCompletionDuringCheckMs)],
  [
    '  diagnostics checked in',
    t.checksInWorker === undefined ? 'n/a' : t.checksInWorker ? 'a worker thread' : 'the main thread',
  ],
  ['  completion inside `${{ steps.`', fw('bigCompletionSteps')],
  ['  hover on a step reference', fw('bigHover')],
  ['  rename a step', fw('bigRename')],
  ['  document symbols', fw('bigDocumentSymbols')],
  ['Run Workflow, first (starts weft serve)', ms(t.runWorkflowFirstMs)],
  ['Rerun (runtime already up)', ms(t.rerunMs)],
  [
    'load average (1 min) / cores while measuring',
    t.loadAverage1m !== undefined ? `${t.loadAverage1m} / ${t.cpus}` : 'n/a',
  ],
  ['e2e: server listening', t.serverListening !== undefined ? `${t.serverListening} s` : 'n/a'],
  ['e2e: workbench visible', t.workbenchVisible !== undefined ? `${t.workbenchVisible} s` : 'n/a'],
  ['e2e: tests done', t.testsDone !== undefined ? `${t.testsDone} s` : 'n/a'],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`| ${'metric'.padEnd(w)} | value |`);
console.log(`|${'-'.repeat(w + 2)}|-------|`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
