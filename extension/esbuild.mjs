// Bundles the extension (src/extension.ts -> out/extension.js; the language service -> out/language.js;
// the diagnostics worker -> out/check-worker.js) and, with --tests, the e2e tests that run inside
// the real extension host (test/e2e/*.ts -> out/test/*.js). CommonJS, Node 20.
import { readdirSync } from 'node:fs';
import { build } from 'esbuild';

const withTests = process.argv.includes('--tests');
const dev = process.argv.includes('--dev');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
};

const t0 = performance.now();
// The language service (yaml, ajv, CEL) is its own bundle, required on first use (src/vscode/lazy.ts).
const language = await build({
  ...common,
  entryPoints: ['src/language/service.ts'],
  outfile: 'out/language.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
});
// The diagnostics worker thread (src/vscode/diagnostics.ts starts it on first use): a small entry
// that loads the same language bundle.
const worker = await build({
  ...common,
  external: ['./language.js'],
  entryPoints: ['src/language/check-worker.ts'],
  outfile: 'out/check-worker.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
});
const result = await build({
  ...common,
  external: ['vscode', './language.js', './debug-adapter.js'],
  entryPoints: ['src/extension.ts'],
  outfile: 'out/extension.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
  // The first statement of the bundle: when the extension host started evaluating it.
  banner: { js: 'globalThis.__weftLoadStart=performance.now();' },
  define: { 'process.env.NODE_ENV': '"production"' },
});
// The debug adapter (src/debug/): standalone on stdio (`node out/debug-adapter.js`), and required by the
// extension on the first debug session for its inline adapter. It bundles the runtime's interpreter.
const adapter = await build({
  ...common,
  entryPoints: ['src/debug/adapter-main.ts'],
  outfile: 'out/debug-adapter.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
});
const kib = (r) => (Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0) / 1024).toFixed(0);
console.log(
  `out/extension.js ${kib(result)} KiB + out/language.js ${kib(language)} KiB + out/check-worker.js ${kib(worker)} KiB + out/debug-adapter.js ${kib(adapter)} KiB in ${(performance.now() - t0).toFixed(0)} ms`,
);

if (withTests) {
  const dir = 'test/e2e';
  const entries = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await build({
    ...common,
    entryPoints: entries.map((f) => `${dir}/${f}`),
    outdir: 'out/test',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
  });
  console.log(`out/test: ${entries.join(', ')}`);
}
