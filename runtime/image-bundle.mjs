// Bundles the runtime for container images into dist/image/: the `weft` CLI and server with every
// dependency inlined (so an image needs no node_modules), the Temporal worker included, and its
// workflow code prebuilt with Temporal's bundler (so webpack and swc stay out of the image).
// Run by `npm run build:image` and before `npm pack` (prepack); the Dockerfiles copy dist/image/ and
// add one file from outside it: @temporalio/core-bridge's native core for the image's platform, at
// assets/@temporalio/core-bridge/releases/TARGET/index.node (see NATIVE_CORE below).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { assetsPlugin, copyAssets, esmBundleOptions } from './bundle-parts.mjs';

const runtimeDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(runtimeDir, 'dist', 'image');
const require = createRequire(join(runtimeDir, 'package.json'));
const workerLib = dirname(require.resolve('@temporalio/worker'));

/** Where the Dockerfile puts the native core, relative to dist/image/ (core-bridge's common.js looks there). */
export const NATIVE_CORE = 'assets/@temporalio/core-bridge/releases';

/**
 * Packages that read files next to their source (__dirname): their __dirname points to
 * assets/PACKAGE/ in the bundle. Listed folders are copied there; core-bridge's releases/ is not
 * (one platform's file, added by the Dockerfile).
 */
const ASSETS = {
  '@fastify/swagger-ui': ['static'],
  '@temporalio/core-bridge': [],
  'source-map': ['lib/mappings.wasm'], // the worker's source maps (source-map 0.7, @temporalio/worker's)
};

const BUNDLER_GONE =
  "Temporal's workflow bundler (webpack) is not in this image: the workflow code is prebuilt at " +
  'temporal-workflows.js and WEFT_WORKFLOW_BUNDLE names it. Set WEFT_WORKFLOW_BUNDLE, or run the worker ' +
  'from an npm-installed @weft/runtime.';

/**
 * The Temporal worker without its bundler: workflow/bundler.js loads webpack and resolves files beside
 * itself at load time; the worker gets the prebuilt bundle instead. Its worker thread is its own entry.
 */
function temporalWorker() {
  const bundler = join(workerLib, 'workflow', 'bundler.js');
  const threaded = join(workerLib, 'workflow', 'threaded-vm.js');
  return {
    name: 'weft-temporal-worker',
    setup(b) {
      b.onLoad(
        { filter: /[\\/]@temporalio[\\/]worker[\\/]lib[\\/]workflow[\\/](bundler|threaded-vm)\.js$/ },
        (args) => {
          if (args.path === bundler) {
            return {
              loader: 'js',
              contents: [
                `const fail = () => { throw new Error(${JSON.stringify(BUNDLER_GONE)}); };`,
                'exports.defaultWorkflowInterceptorModules = [];',
                'exports.allowedBuiltinModules = [];',
                'exports.disallowedBuiltinModules = [];',
                'exports.disallowedModules = [];',
                'exports.moduleMatches = () => false;',
                'exports.bundleWorkflowCode = fail;',
                'exports.WorkflowCodeBundler = class { constructor() { fail(); } };',
              ].join('\n'),
            };
          }
          if (args.path === threaded) {
            const source = readFileSync(threaded, 'utf8');
            const call = "require.resolve('./workflow-worker-thread')";
            if (!source.includes(call))
              throw new Error(`${threaded} no longer starts ${call}: update image-bundle.mjs`);
            const replaced = source.replace(
              call,
              "require('node:path').join(__weftRuntimeDir, 'temporal-workflow-thread.mjs')",
            );
            return { loader: 'js', contents: replaced };
          }
          return undefined;
        },
      );
    },
  };
}

/** Temporal's own bundle of the workflow module (what the worker would otherwise build at start). */
async function workflowCode() {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const quiet = () => {};
  const logger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(runtimeDir, 'src', 'engines', 'temporal', 'workflows.ts'),
    logger,
  });
  return code;
}

export async function buildImageBundle() {
  rmSync(outDir, { recursive: true, force: true });
  const pkg = JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8'));
  const result = await build({
    entryPoints: {
      weft: join(runtimeDir, 'src', 'cli', 'main.ts'),
      'temporal-workflow-thread': join(workerLib, 'workflow', 'workflow-worker-thread.js'),
      // the local stack's container healthchecks (runtime/stack/compose.yaml runs /app/healthcheck.mjs)
      healthcheck: join(runtimeDir, 'stack', 'healthcheck.mjs'),
    },
    ...esmBundleOptions(outDir),
    logLevel: 'error',
    plugins: [temporalWorker(), assetsPlugin(require, ASSETS)],
  });
  copyAssets(require, ASSETS, outDir);
  writeFileSync(join(outDir, 'temporal-workflows.js'), await workflowCode());
  mkdirSync(join(outDir, 'bin'), { recursive: true });
  writeFileSync(join(outDir, 'bin', 'weft.js'), "#!/usr/bin/env node\nimport '../weft.mjs';\n");
  const coreBridge = JSON.parse(
    readFileSync(require.resolve('@temporalio/core-bridge/package.json'), 'utf8'),
  ).version;
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify(
      {
        name: pkg.name,
        version: pkg.version,
        private: true,
        type: 'module',
        bin: { weft: 'bin/weft.js' },
        weft: {
          ...pkg.weft,
          bundled: true,
          nativeCore: { package: '@temporalio/core-bridge', version: coreBridge, path: NATIVE_CORE },
        },
      },
      null,
      2,
    )}\n`,
  );
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const result = await buildImageBundle();
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.error(
    `dist/image: ${(bytes / 1e6).toFixed(1)} MB of JavaScript in ${(performance.now() - started).toFixed(0)} ms`,
  );
}
