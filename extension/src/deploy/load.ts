// Loads the deploy bundle (out/deploy.js, see runtime.ts) on first use, so activation never pays for it.
import type * as Deploy from './runtime.js';

export type DeployRuntime = typeof Deploy;

let loaded: DeployRuntime | undefined;

export function deployRuntime(): DeployRuntime {
  // a sibling file the build writes next to out/extension.js (kept external)
  loaded ??= require('./deploy.js') as DeployRuntime;
  return loaded;
}
