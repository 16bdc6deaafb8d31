// Bundles the extension (src/extension.ts -> out/extension.js) and, with --tests, the e2e tests
// that run inside the real extension host (test/e2e/*.ts -> out/test/*.js). CommonJS, Node 20.
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
const result = await build({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'out/extension.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
  // The first statement of the bundle: when the extension host started evaluating it.
  banner: { js: 'globalThis.__weftLoadStart=performance.now();' },
  define: { 'process.env.NODE_ENV': '"production"' },
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`out/extension.js ${(bytes / 1024).toFixed(0)} KiB in ${(performance.now() - t0).toFixed(0)} ms`);

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
