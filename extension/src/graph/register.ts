// The graph feature: "Weft: Show Workflow Graph" (editor title, Workflows view, palette) opens the
// graph beside the editor; it follows the active workflow editor while open.
import * as vscode from 'vscode';
import { LatestRuns } from '../last-run/latest.js';
import { resolveTarget } from '../runs/commands.js';
import { need, type Services } from '../services.js';
import { isWorkflowDocument } from '../vscode/documents.js';
import { GraphPanel } from './panel.js';
import type { GraphReport, ToWebview } from './protocol.js';

export interface GraphSnapshot {
  uri?: string;
  visible: boolean;
  report?: GraphReport;
  exported?: string;
}

export function register(
  context: vscode.ExtensionContext,
  services: Services,
): { current(): GraphPanel | undefined } {
  const diagnostics = need(services, 'diagnostics');
  const runs = services.runs;
  let latest = services.latestRuns;
  if (!latest && runs) {
    latest = services.latestRuns = new LatestRuns(runs, services.output);
    context.subscriptions.push(latest);
  }
  let panel: GraphPanel | undefined;

  const show = async (target?: unknown): Promise<GraphSnapshot | undefined> => {
    const uri = resolveTarget(target);
    if (!uri) {
      void vscode.window.showErrorMessage(
        'Weft: open a workflow.yaml (or pick one in the Workflows view) to see its graph.',
      );
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (!vscode.window.visibleTextEditors.some((e) => e.document === doc))
      await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    if (panel) {
      panel.retarget(doc);
      panel.panel.reveal(undefined, true);
    } else {
      panel = new GraphPanel(
        doc,
        { extensionUri: context.extensionUri, diagnostics, latest, log: services.output },
        vscode.ViewColumn.Beside,
      );
      const created = panel;
      created.panel.onDidDispose(() => {
        created.dispose();
        if (panel === created) panel = undefined;
      });
    }
    await panel.refresh();
    return snapshot();
  };

  const snapshot = (): GraphSnapshot => ({
    uri: panel?.doc.uri.toString(),
    visible: !!panel?.panel.visible,
    report: panel?.report,
    exported: panel?.lastExport?.toString(),
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('weft.showGraph', show),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (panel && editor && isWorkflowDocument(editor.document) && editor.document !== panel.doc) {
        panel.retarget(editor.document);
        void panel.refresh();
      }
    }),
    // for tests and automation: what the webview drew, and driving it as a user would
    vscode.commands.registerCommand('weft.internal.graphSnapshot', snapshot),
    vscode.commands.registerCommand('weft.internal.graphPost', (message: ToWebview, exportTo?: string) => {
      if (!panel) return false;
      if (exportTo) panel.exportTarget = vscode.Uri.file(exportTo);
      panel.post(message);
      return true;
    }),
    { dispose: () => panel?.dispose() },
  );
  return { current: () => panel };
}
