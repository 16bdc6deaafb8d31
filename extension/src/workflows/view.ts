// The Workflows view: every workflow.yaml / *.workflow.yaml in the workspace, kept fresh by a
// file system watcher (no refresh button needed, though there is one).
import * as vscode from 'vscode';

export class WorkflowItem extends vscode.TreeItem {
  constructor(
    readonly uri: vscode.Uri,
    name: string,
  ) {
    super(name, vscode.TreeItemCollapsibleState.None);
    this.resourceUri = uri;
    this.description = vscode.workspace.asRelativePath(uri);
    this.contextValue = 'workflow';
    this.iconPath = new vscode.ThemeIcon('symbol-event');
    this.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    this.tooltip = uri.fsPath;
  }
}

const GLOB = '{**/workflow.yaml,**/*.workflow.yaml}';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/out/**,**/dist/**}';

export class WorkflowsProvider implements vscode.TreeDataProvider<WorkflowItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher(GLOB);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const soon = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh(), 300);
    };
    this.watcher.onDidCreate(soon);
    this.watcher.onDidDelete(soon);
    this.watcher.onDidChange(soon);
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: WorkflowItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<WorkflowItem[]> {
    const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE, 500);
    const items = await Promise.all(
      uris.map(async (uri) => {
        let name = uri.path.split('/').slice(-2, -1)[0] ?? uri.path;
        try {
          const head = new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, 4096));
          name = /^name:\s*["']?([^"'\n#]+?)["']?\s*(?:#.*)?$/m.exec(head)?.[1] ?? name;
        } catch {
          // unreadable: keep the folder name
        }
        return new WorkflowItem(uri, name);
      }),
    );
    return items.sort((a, b) => String(a.description).localeCompare(String(b.description)));
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
    if (this.timer) clearTimeout(this.timer);
  }
}
