// What the two bundles of the runtime share: the extension's out/runtime/ (extension/scripts/
// runtime-bundle.mjs) and the images' dist/image/ (image-bundle.mjs). Both are ESM with code-split
// chunks, and both relocate packages that read files beside their own source.
import { cpSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Every ESM chunk's banner: a require() for CommonJS dependencies, __filename/__dirname, and
 * __weftRuntimeDir, the bundle's root folder (entries are at the root, chunks in chunks/).
 */
export const ESM_BANNER = [
  "import { createRequire as __weftRequire } from 'node:module';",
  "import { fileURLToPath as __weftFileUrlToPath } from 'node:url';",
  "import { dirname as __weftDirname, basename as __weftBasename } from 'node:path';",
  'const require = __weftRequire(import.meta.url);',
  'const __filename = __weftFileUrlToPath(import.meta.url);',
  'const __dirname = __weftDirname(__filename);',
  "const __weftRuntimeDir = __weftBasename(__dirname) === 'chunks' ? __weftDirname(__dirname) : __dirname;",
].join(' ');

/**
 * An esbuild plugin for packages that read files next to their source (__dirname): in the bundle their
 * __dirname is assets/PACKAGE/<folder of the module>. `assets`: package name -> folders copyAssets copies.
 */
export function assetsPlugin(require, assets) {
  const roots = Object.keys(assets).map((name) => [name, dirname(require.resolve(`${name}/package.json`))]);
  return {
    name: 'weft-assets',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const found = roots.find(([, root]) => args.path.startsWith(`${root}/`));
        if (!found) return undefined;
        const [name, root] = found;
        const rel = relative(root, dirname(args.path)).split('\\').join('/');
        const dir = `require('node:path').join(__weftRuntimeDir, 'assets', ${JSON.stringify(name)}, ${JSON.stringify(rel)})`;
        return { loader: 'js', contents: `var __dirname = ${dir};\n${readFileSync(args.path, 'utf8')}` };
      });
    },
  };
}

/** Copies each package's listed folders to OUT/assets/PACKAGE/ (see assetsPlugin). */
export function copyAssets(require, assets, outDir) {
  for (const [name, folders] of Object.entries(assets)) {
    const root = dirname(require.resolve(`${name}/package.json`));
    for (const folder of folders)
      cpSync(join(root, folder), join(outDir, 'assets', name, folder), {
        recursive: true,
        // the non-bundled copy of swagger-ui (swagger-ui-bundle.js is what the /docs page loads)
        filter: (file) => !file.endsWith('swagger-ui.js'),
      });
  }
}

/**
 * esbuild options both bundles use: ESM entries at OUT/, code-split chunks in OUT/chunks/, Node 20, minified
 * with class names kept (proto3-json-serializer, the Cloud Run client's REST fallback, recognises int64
 * values by `constructor.name === 'Long'` and fails on any service it reads back without them).
 */
export function esmBundleOptions(outDir) {
  return {
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    banner: { js: ESM_BANNER },
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}
