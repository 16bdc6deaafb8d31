// Bundles the CLI into dist/cli.js; dependencies stay in node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// The Temporal workflow module as JavaScript beside the CLI (workflowsPath() finds dist/workflows.js):
// Temporal's webpack does not transpile TypeScript under node_modules, so an installed package
// (npm install -g, the Dev Container Feature) needs it prebuilt.
await build({
  entryPoints: ['src/engines/temporal/workflows.ts'],
  outfile: 'dist/workflows.js',
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
