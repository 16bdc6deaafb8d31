// Bundles the Weft runtime (runtime/src/cli/main.ts: validate, run, serve, runs, the embedded engine,
// Redis, model providers, the Temporal client) into out/runtime/ for the extension: weft.mjs, lazily
// loaded chunks, and a package.json with the runtime's version and protocol. ESM, so commands that
// import their engine on use (Temporal) load it on use.
//
// Native modules stay out of the platform-neutral .vsix: each is replaced by a module whose every
// export throws a clear error on use (what needs it, and what to do instead). Today that is
// @temporalio/worker (the Temporal worker's Rust core): `weft worker` and `weft run --engine temporal`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const extDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimeDir = join(extDir, '..', 'runtime');
const outDir = join(extDir, 'out', 'runtime');
const require = createRequire(join(runtimeDir, 'package.json'));

/** Modules with a native part, and what a user of the bundled `weft` does instead. */
export const NATIVE_MODULES = {
  '@temporalio/worker':
    "the Temporal worker (`weft worker`, `weft run --engine temporal`) needs @temporalio/worker's native core, " +
    'which the platform-neutral Weft extension does not carry. Either start the local stack ' +
    '(`weft stack up`, or "Weft: Start Stack": its container runs the worker), or install the runtime ' +
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

/** Builds out/runtime/ and returns esbuild's result (with its metafile). */
export async function buildRuntime({ dev = false } = {}) {
  const pkg = JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8'));
  const result = await build({
    entryPoints: { weft: join(runtimeDir, 'src', 'cli', 'main.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: !dev,
    sourcemap: dev ? 'linked' : false,
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies call require(): give every ESM chunk one
    banner: {
      js: "import { createRequire as __weftRequire } from 'node:module'; const require = __weftRequire(import.meta.url);",
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [nativeStubs()],
  });
  mkdirSync(outDir, { recursive: true });
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
