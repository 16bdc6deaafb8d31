// Bundles the Weft runtime (runtime/src/cli/main.ts: validate, run, serve, runs, the embedded engine,
// Redis, model providers, the Temporal client) into out/runtime/ for the extension: weft.mjs, deploy.mjs
// (runtime/src/deploy as a library, imported by the extension's deploy command), lazily
// loaded chunks, and a package.json with the runtime's version and protocol. ESM, so commands that
// import their engine on use (Temporal) load it on use.
//
// Native modules stay out of the platform-neutral .vsix: each is replaced by a module whose every
// export throws a clear error on use (what needs it, and what to do instead). Today that is
// @temporalio/worker (the Temporal worker's Rust core): `weft worker` and `weft run --engine temporal`.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { assetsPlugin, copyAssets, esmBundleOptions } from '../../runtime/bundle-parts.mjs';

const extDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimeDir = join(extDir, '..', 'runtime');
const outDir = join(extDir, 'out', 'runtime');
const require = createRequire(join(runtimeDir, 'package.json'));

/** Modules with a native part, and what a user of the bundled `weft` does instead. */
export const NATIVE_MODULES = {
  '@temporalio/worker':
    "the Temporal worker (`weft worker`, `weft run --engine temporal`) needs @temporalio/worker's native core, " +
    'which the platform-neutral Weft extension does not carry. Either run the stack in containers ' +
    '(`weft stack up --backend compose`, needs Docker: its image runs the worker), or install the runtime ' +
    'for this machine with npm (`npm install --save-dev @weft/runtime` in the project, then `npx weft worker`; ' +
    'the extension then uses that runtime too).',
};

function nativeStubs() {
  return {
    name: 'weft-native-stubs',
    setup(b) {
      const filter = new RegExp(`^(${Object.keys(NATIVE_MODULES).join('|').replace(/[/.]/g, '\\$&')})$`);
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'native-stub' }));
      b.onLoad({ filter: /.*/, namespace: 'native-stub' }, (args) => {
        // the real module's export names, so every import of it still links
        const names = Object.keys(require(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
        const message = NATIVE_MODULES[args.path];
        return {
          loader: 'js',
          contents: [
            `const message = ${JSON.stringify(message)};`,
            'const fail = () => { const e = new Error(message); e.code = "WEFT_NATIVE_MODULE_MISSING"; throw e; };',
            'const unavailable = new Proxy(function unavailable() {}, { get: (_, key) => key === "then" || typeof key === "symbol" ? undefined : fail(), apply: fail, construct: fail });',
            ...names.map((n) => `export const ${n} = unavailable;`),
            'export default unavailable;',
          ].join('\n'),
        };
      });
    },
  };
}

/**
 * Packages that read files next to their own source (__dirname): their files are copied to
 * out/runtime/assets/<package>/ and their __dirname points there. @fastify/swagger-ui: the /docs page.
 */
const ASSETS = { '@fastify/swagger-ui': ['static'] };

/** Folders of the runtime package that its code reads at run time (the stack's compose file). */
const RUNTIME_FOLDERS = ['stack'];

/** Builds out/runtime/ and returns esbuild's result (with its metafile). */
export async function buildRuntime({ dev = false } = {}) {
  rmSync(outDir, { recursive: true, force: true }); // no stale chunks
  const pkg = JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8'));
  const result = await build({
    // deploy.mjs: the deploy module as a library for Weft: Deploy to Cloud Run (extension/src/deploy),
    // sharing its chunks (the Cloud Run client) with the CLI's `weft deploy`
    entryPoints: {
      weft: join(runtimeDir, 'src', 'cli', 'main.ts'),
      deploy: join(runtimeDir, 'src', 'deploy', 'index.ts'),
    },
    ...esmBundleOptions(outDir),
    minify: !dev,
    sourcemap: dev ? 'linked' : false,
    logLevel: 'warning',
    plugins: [nativeStubs(), assetsPlugin(require, ASSETS)],
  });
  copyAssets(require, ASSETS, outDir);
  // what code that finds its package by bin/weft.js (the stack) and its files next to it expects
  mkdirSync(join(outDir, 'bin'), { recursive: true });
  writeFileSync(join(outDir, 'bin', 'weft.js'), "#!/usr/bin/env node\nimport '../weft.mjs';\n");
  for (const folder of RUNTIME_FOLDERS) {
    if (existsSync(join(runtimeDir, folder)))
      cpSync(join(runtimeDir, folder), join(outDir, folder), { recursive: true });
  }
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify(
      {
        name: pkg.name,
        version: pkg.version,
        private: true,
        type: 'module',
        bin: { weft: 'weft.mjs' },
        weft: { ...pkg.weft, bundled: true, nativeModulesMissing: Object.keys(NATIVE_MODULES) },
      },
      null,
      2,
    )}\n`,
  );
  return result;
}
