// Loads the runtime's deploy module on first use: out/runtime/deploy.mjs, an entry of the bundled
// runtime (scripts/runtime-bundle.mjs) that shares its chunks (the Cloud Run client) with `weft deploy`.
// Activation never pays for it, and the .vsix carries the Google client once.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Deploy from './runtime.js';

export type DeployRuntime = typeof Deploy;

let loaded: Promise<DeployRuntime> | undefined;

export function deployRuntime(): Promise<DeployRuntime> {
  // out/extension.js -> out/runtime/deploy.mjs; an ES module, so import(), which esbuild leaves as is
  const url = pathToFileURL(path.join(__dirname, 'runtime', 'deploy.mjs')).href;
  loaded ??= import(url) as Promise<DeployRuntime>;
  return loaded;
}
