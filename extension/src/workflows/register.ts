// The Workflows view, and the `weft.isWorkflow` context key (editor title buttons).
import * as vscode from 'vscode';
import type { Services } from '../services.js';
import { isWorkflowDocument } from '../vscode/documents.js';
import { WorkflowsProvider } from './view.js';

export function register(
  context: vscode.ExtensionContext,
  services: Services,
): { workflows: WorkflowsProvider; workflowsView: vscode.TreeView<unknown> } {
  const workflows = new WorkflowsProvider();
  const workflowsView = vscode.window.createTreeView('weft.workflows', { treeDataProvider: workflows });
  context.subscriptions.push(workflows, workflowsView);
  const updateContext = (editor: vscode.TextEditor | undefined) =>
    vscode.commands.executeCommand(
      'setContext',
      'weft.isWorkflow',
      !!editor && isWorkflowDocument(editor.document),
    );
  updateContext(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(updateContext));
  services.workflows = workflows;
  return { workflows, workflowsView };
}
