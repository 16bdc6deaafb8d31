// Prints the .vsix size and the activation time as a table.
// usage: node scripts/measure.mjs [--no-e2e]
//   packages the extension (vsce), then runs the e2e suite in the real extension host, which
//   records the activation time (weft.internal.activationTime) in artifacts/e2e/timings.json.
//   With --no-e2e it reads the timings of the last e2e run instead.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
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
const bundles = { ext: kib('out/extension.js'), lang: kib('out/language.js') }; // as packaged

if (!process.argv.includes('--no-e2e')) {
  try {
    run('npm', ['run', '--silent', 'test:e2e']);
  } catch {
    console.error('e2e run failed; the timings below may be missing or stale');
  }
}
const timingsFile = join(repo, 'artifacts', 'e2e', 'timings.json');
const t = existsSync(timingsFile) ? JSON.parse(readFileSync(timingsFile, 'utf8')) : {};

const rows = [
  ['vsix size', `${(statSync(vsix).size / 1024).toFixed(1)} KiB`],
  ['files in vsix', `${listing.length} (${listing.join(', ')})`],
  ['out/extension.js', bundles.ext],
  ['out/language.js (loaded on first use)', bundles.lang],
  ['activation (load + activate)', t.activationMs !== undefined ? `${t.activationMs} ms` : 'n/a'],
  ['  bundle load', t.loadMs !== undefined ? `${t.loadMs} ms` : 'n/a'],
  ['  activate()', t.activateMs !== undefined ? `${t.activateMs} ms` : 'n/a'],
  [
    'edit -> diagnostic (incl. debounce)',
    t.editToDiagnosticMs !== undefined ? `${t.editToDiagnosticMs} ms` : 'n/a',
  ],
  ['e2e: server listening', t.serverListening !== undefined ? `${t.serverListening} s` : 'n/a'],
  ['e2e: workbench visible', t.workbenchVisible !== undefined ? `${t.workbenchVisible} s` : 'n/a'],
  ['e2e: tests done', t.testsDone !== undefined ? `${t.testsDone} s` : 'n/a'],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`| ${'metric'.padEnd(w)} | value |`);
console.log(`|${'-'.repeat(w + 2)}|-------|`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
