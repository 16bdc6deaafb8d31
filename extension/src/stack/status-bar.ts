// The stack's status bar item (adapter): text and per-service tooltip from presentation.ts; a click
// opens a quick pick of the actions that fit the state. In Restricted Mode it says why it is idle.
import * as vscode from 'vscode';
import type { StackController } from './controller.js';
import { actionsFor, type StatusBarView, statusBarView, UNTRUSTED_VIEW } from './presentation.js';

export class StackStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('weft.stack', vscode.StatusBarAlignment.Left, 50);
  private view: StatusBarView = { text: '', tooltip: '' };
  private readonly subscription: vscode.Disposable;

  constructor(private readonly stack: StackController) {
    this.item.name = 'Weft Stack';
    this.subscription = stack.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  update(): void {
    if (!vscode.workspace.isTrusted) {
      this.view = UNTRUSTED_VIEW;
      this.item.command = 'workbench.trust.manage';
    } else {
      this.view = statusBarView(this.stack.status, this.stack.operation, this.stack.lastError);
      this.item.command = 'weft.stack.actions';
    }
    this.item.text = this.view.text;
    const tooltip = new vscode.MarkdownString(this.view.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = this.view.background
      ? new vscode.ThemeColor(this.view.background)
      : undefined;
    this.item.accessibilityInformation = { label: this.view.text.replace(/\$\([^)]+\)\s*/g, '') };
  }

  /** What the item shows (for tests and automation). */
  snapshot(): StatusBarView & { command?: string } {
    return { ...this.view, command: typeof this.item.command === 'string' ? this.item.command : undefined };
  }

  async pickAction(): Promise<void> {
    const actions = actionsFor(this.stack.status, this.stack.operation);
    const picked = await vscode.window.showQuickPick(
      actions.map((a) => ({ label: a.label, description: a.description, command: a.command })),
      { title: 'Weft stack', placeHolder: this.view.text.replace(/\$\([^)]+\)\s*/g, '') },
    );
    if (picked) await vscode.commands.executeCommand(picked.command);
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
