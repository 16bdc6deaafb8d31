// Bundles the extension (src/extension.ts -> out/extension.js; the language service -> out/language.js;
// the diagnostics worker -> out/check-worker.js; the runtime and `weft` CLI -> out/runtime/, see
// scripts/runtime-bundle.mjs) and, with --tests, the e2e tests that run inside
// the real extension host (test/e2e/*.ts -> out/test/*.js). CommonJS, Node 20.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';
import { buildRuntime } from './scripts/runtime-bundle.mjs';

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
// The workflow schema ships in the .vsix for Red Hat YAML (contributes.yamlValidation): no network.
mkdirSync('out', { recursive: true });
copyFileSync('../schemas/workflow.schema.json', 'out/workflow.schema.json');
// The language service (yaml, ajv, CEL) is its own bundle, required on first use (src/vscode/lazy.ts).
const language = await build({
  ...common,
  entryPoints: ['src/language/service.ts'],
  outfile: 'out/language.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
});
// The diagnostics worker thread (src/language/diagnostics.ts starts it on first use): a small entry
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
// dockerode (the compose backend's container events and log streams: src/stack/docker-live.ts), its
// own bundle, required only when a stack runs on compose. BuildKit sessions (gRPC, protobuf) are not
// used and left out; ssh2's optional native addons fall back to JavaScript.
const docker = await build({
  ...common,
  entryPoints: ['src/stack/docker-live.ts'],
  outfile: 'out/docker.js',
  external: ['*.node', 'cpu-features'],
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
  plugins: [
    {
      name: 'no-buildkit-session',
      setup(b) {
        b.onResolve({ filter: /^\.\/session$/ }, (args) =>
          /dockerode[\\/]lib$/.test(args.resolveDir)
            ? { path: new URL('./src/stack/no-buildkit-session.cjs', import.meta.url).pathname }
            : undefined,
        );
      },
    },
  ],
});
const result = await build({
  ...common,
  external: ['vscode', './language.js', './docker.js', './debug-adapter.js'],
  entryPoints: ['src/extension.ts'],
  outfile: 'out/extension.js',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
  // The first statement of the bundle: when the extension host started evaluating it.
  banner: { js: 'globalThis.__weftLoadStart=performance.now();' },
  define: { 'process.env.NODE_ENV': '"production"' },
});
// The graph webview (a browser script; src/graph/webview) with its layout worker inlined as a string:
// a webview can start a worker only from a blob: URL.
const layoutWorker = await build({
  entryPoints: ['src/graph/webview/layout-worker.ts'],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  minify: true,
  write: false,
  logLevel: 'warning',
});
const graphView = await build({
  entryPoints: ['src/graph/webview/main.ts'],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  outfile: 'out/graph/webview.js',
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  metafile: true,
  logLevel: 'warning',
  define: { WEFT_LAYOUT_WORKER: JSON.stringify(layoutWorker.outputFiles[0].text) },
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
// The runtime (`weft` CLI and server) the extension starts on VS Code's own Node when first needed.
const runtime = await buildRuntime({ dev });
const kib = (r) => (Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0) / 1024).toFixed(0);
console.log(
  `out/extension.js ${kib(result)} KiB + out/language.js ${kib(language)} KiB + out/check-worker.js ${kib(worker)} KiB + out/debug-adapter.js ${kib(adapter)} KiB + out/docker.js ${kib(docker)} KiB + out/graph/webview.js ${kib(graphView)} KiB + out/runtime ${kib(runtime)} KiB in ${(performance.now() - t0).toFixed(0)} ms`,
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
