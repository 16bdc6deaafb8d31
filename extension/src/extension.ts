// Entry point. Activation only wires things up; parsing and checking happen on first use.
// Each feature is a folder with one register(context, services); the order is the order they need
// each other's services in (services.ts).
import * as vscode from 'vscode';
import { registerDebugger } from './debug/register.js';
import { register as registerDeploy } from './deploy/index.js';
import { register as registerGraph } from './graph/register.js';
import type { DiagnosticsController } from './language/diagnostics.js';
import { register as registerLanguage } from './language/register.js';
import { register as registerLastRun } from './last-run/register.js';
import type { RunsController } from './runs/controller.js';
import { register as registerRuns } from './runs/register.js';
import * as runtime from './runtime/index.js';
import type { Services } from './services.js';
import { register as registerStack } from './stack/index.js';
import { register as registerWorkflows } from './workflows/register.js';
import type { WorkflowsProvider } from './workflows/view.js';

declare global {
  // set by the bundle's first statement (esbuild banner)
  var __weftLoadStart: number | undefined;
}

/** performance.now() readings in the extension host, and the durations derived from them. */
export interface ActivationTime {
  /** When the bundle started evaluating (its first statement). */
  loadStartMs: number;
  /** When the bundle finished evaluating. */
  loadEndMs: number;
  activateStartMs: number;
  activateEndMs: number;
  /** Evaluating the bundle (what VS Code calls "load code"). */
  loadMs: number;
  /** Running activate(). */
  activateMs: number;
  /** load + activate: the extension's own cost, excluding the host's wait in between. */
  activationMs: number;
}

export interface WeftApi {
  activationTime: ActivationTime;
  diagnostics: DiagnosticsController;
  runs: RunsController;
  runtime: runtime.RuntimeService;
  workflows: WorkflowsProvider;
  workflowsView: vscode.TreeView<unknown>;
}

const loadStart = globalThis.__weftLoadStart ?? performance.now();
// Module-level code of the entry runs after every imported module has been evaluated.
const loadEnd = performance.now();

export function activate(context: vscode.ExtensionContext): WeftApi {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('Weft', { log: true });
  context.subscriptions.push(output);

  const services: Services = { output };
  services.runtime = runtime.register(context, output);
  const diagnostics = registerLanguage(context, services);
  const { workflows, workflowsView } = registerWorkflows(context, services);
  const runs = registerRuns(context, services);
  registerDebugger(context);
  registerStack(context, services);
  registerLastRun(context, services);
  registerGraph(context, services);
  registerDeploy(context, services);

  const activationTime: ActivationTime = {
    loadStartMs: loadStart,
    loadEndMs: loadEnd,
    activateStartMs: activateStart,
    activateEndMs: 0,
    loadMs: loadEnd - loadStart,
    activateMs: 0,
    activationMs: 0,
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('weft.refresh', () => {
      workflows.refresh();
      return runs.refresh();
    }),
    vscode.commands.registerCommand('weft.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('weft.internal.activationTime', () => activationTime),
  );

  activationTime.activateEndMs = performance.now();
  activationTime.activateMs = activationTime.activateEndMs - activateStart;
  activationTime.activationMs = activationTime.loadMs + activationTime.activateMs;
  output.info(
    `Weft activated: load ${activationTime.loadMs.toFixed(1)} ms + activate ${activationTime.activateMs.toFixed(1)} ms`,
  );
  return {
    activationTime,
    diagnostics,
    runs,
    runtime: services.runtime as runtime.RuntimeService,
    workflows,
    workflowsView,
  };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions (the local runtime included)
}
