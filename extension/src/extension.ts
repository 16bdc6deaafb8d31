// Entry point. Activation only wires things up; parsing and checking happen on first use.
import * as vscode from 'vscode';
import { RunsController } from './runs/controller.js';
import { DiagnosticsController } from './vscode/diagnostics.js';
import { isWorkflowDocument } from './vscode/documents.js';
import { registerLanguageProviders } from './vscode/providers.js';
import { WorkflowsProvider } from './vscode/workflows-view.js';

declare global {
  // set by the bundle's first statement (esbuild banner)
  var __weftLoadStart: number | undefined;
}

export interface ActivationTime {
  /** performance.now() in the extension host when the bundle started evaluating. */
  loadStartMs: number;
  /** ... when activate() returned. */
  activateEndMs: number;
  /** Bundle evaluation + activate(). */
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

export function activate(context: vscode.ExtensionContext): WeftApi {
  const output = vscode.window.createOutputChannel('Weft', { log: true });
  context.subscriptions.push(output);

  registerLanguageProviders(context);
  const diagnostics = new DiagnosticsController(output);
  context.subscriptions.push(diagnostics);

  const workflows = new WorkflowsProvider();
  const workflowsView = vscode.window.createTreeView('weft.workflows', { treeDataProvider: workflows });
  context.subscriptions.push(workflows, workflowsView);

  const runs = new RunsController(context, output);
  context.subscriptions.push(runs);

  const updateContext = (editor: vscode.TextEditor | undefined) =>
    vscode.commands.executeCommand(
      'setContext',
      'weft.isWorkflow',
      !!editor && isWorkflowDocument(editor.document),
    );
  updateContext(vscode.window.activeTextEditor);

  const activationTime: ActivationTime = { loadStartMs: loadStart, activateEndMs: 0, activationMs: 0 };
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
  activationTime.activationMs = activationTime.activateEndMs - loadStart;
  output.info(`Weft activated in ${activationTime.activationMs.toFixed(1)} ms`);
  return { activationTime, diagnostics, runs, workflows, workflowsView };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions (the local runtime included)
}
