// The trace waterfall webview: one panel beside the editor, redrawn for the run shown.
import * as vscode from 'vscode';
import type { RunRecord } from '../runtime-client/client.js';
import { waterfallHtml } from './waterfall-html.js';

export class WaterfallPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** What the panel shows (for tests and automation). */
  snapshot(): { title: string; visible: boolean; html: string } | undefined {
    return this.panel
      ? { title: this.panel.title, visible: this.panel.visible, html: this.panel.webview.html }
      : undefined;
  }

  render(run: RunRecord, reveal: boolean): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'weft.waterfall',
        'Weft Trace',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: false,
          localResourceRoots: [],
        },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
    } else if (reveal) {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = `Trace: ${run.workflow}`;
    this.panel.webview.html = waterfallHtml(run, this.panel.webview.cspSource);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
