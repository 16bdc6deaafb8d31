// What the features share. extension.ts builds it and hands it to each feature's register(); a
// feature that offers something to the others adds it here (typed), and the ones registered after
// it use it.
import type * as vscode from 'vscode';
import type { DiagnosticsController } from './language/diagnostics.js';
import type { LatestRuns } from './last-run/latest.js';
import type { RunsController } from './runs/controller.js';
import type { RuntimeService } from './runtime/index.js';
import type { StackController } from './stack/controller.js';
import type { WorkflowsProvider } from './workflows/view.js';

export interface Services {
  /** The Weft output channel (log). */
  output: vscode.LogOutputChannel;
  /** Diagnostics as you type; also the off-thread checker (`checkNow`) for other features. */
  diagnostics?: DiagnosticsController;
  /** The Workflows view. */
  workflows?: WorkflowsProvider;
  /** Which runtime runs workflows (bundled or pinned), `weft` in terminals. */
  runtime?: RuntimeService;
  /** Runs on the configured runtime: the Runs and Trace views and their commands. */
  runs?: RunsController;
  /** The local stack (weft stack): its status, up/down, logs. */
  stack?: StackController;
  /** The newest run of each workflow (with its trace), for the graph and the CodeLens. */
  latestRuns?: LatestRuns;
}

/** A service a feature needs from one registered before it (a wiring mistake otherwise). */
export function need<K extends keyof Services>(services: Services, key: K): NonNullable<Services[K]> {
  const service = services[key];
  if (!service) throw new Error(`Weft: the ${String(key)} feature must be registered first (extension.ts)`);
  return service as NonNullable<Services[K]>;
}
