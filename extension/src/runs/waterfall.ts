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

  private focus: { runId: string; spanId: string } | undefined;

  render(run: RunRecord, reveal: boolean, focusSpanId?: string): void {
    if (focusSpanId) this.focus = { runId: run.runId, spanId: focusSpanId };
    else if (reveal || this.focus?.runId !== run.runId) this.focus = undefined;
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
    this.panel.webview.html = waterfallHtml(run, this.panel.webview.cspSource, this.focus?.spanId);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
