// Entry point. Activation only wires things up; parsing and checking happen on first use.
import * as vscode from 'vscode';
import { registerDebugger } from './debug/register.js';
import { RunsController } from './runs/controller.js';
import { DiagnosticsController } from './vscode/diagnostics.js';
import { isWorkflowDocument } from './vscode/documents.js';
import { registerLanguageProviders } from './vscode/providers.js';
import { WorkflowsProvider } from './vscode/workflows-view.js';

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

  const diagnostics = new DiagnosticsController(output);
  context.subscriptions.push(diagnostics);
  registerLanguageProviders(context, diagnostics);

  const workflows = new WorkflowsProvider();
  const workflowsView = vscode.window.createTreeView('weft.workflows', { treeDataProvider: workflows });
  context.subscriptions.push(workflows, workflowsView);

  const runs = new RunsController(context, output);
  context.subscriptions.push(runs);
  registerDebugger(context);

  const updateContext = (editor: vscode.TextEditor | undefined) =>
    vscode.commands.executeCommand(
      'setContext',
      'weft.isWorkflow',
      !!editor && isWorkflowDocument(editor.document),
    );
  updateContext(vscode.window.activeTextEditor);

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
    vscode.window.onDidChangeActiveTextEditor(updateContext),
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
  return { activationTime, diagnostics, runs, workflows, workflowsView };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions (the local runtime included)
}
