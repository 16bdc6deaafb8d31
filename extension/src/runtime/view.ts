// The Runtime view in the Weft side bar: which runtime (origin, version), its server, the terminal's
// `weft`, and how Temporal workers run. Its title says `Runtime VERSION · ORIGIN`, seen even when collapsed.
import * as vscode from 'vscode';
import type { RuntimeService } from './service.js';

export interface RuntimeRow {
  label: string;
  description: string;
  tooltip: string;
  icon: string;
}

const ORIGIN: Record<string, string> = {
  bundled: 'bundled',
  workspace: 'pinned by the workspace',
  setting: 'weft.runtimePath',
};

/** What the view shows (pure; the snapshot command returns it too). */
export function runtimeRows(service: Pick<RuntimeService, 'current' | 'server' | 'shimPath'>): {
  header: string;
  rows: RuntimeRow[];
} {
  const selection = service.current();
  const rows: RuntimeRow[] = [];
  let header: string;
  if (selection.ok) {
    const r = selection.runtime;
    header = `${r.version} · ${ORIGIN[r.origin]}`;
    rows.push({
      label: `@weft/runtime ${r.version}`,
      description: ORIGIN[r.origin] ?? r.origin,
      tooltip: `${r.root}\nprotocol ${r.protocol}\n${r.cli.command} ${r.cli.args.join(' ')}`,
      icon: 'package',
    });
  } else {
    header = `refused · ${ORIGIN[selection.origin]}`;
    rows.push({
      label: 'Runtime refused',
      description: selection.error,
      tooltip: selection.error,
      icon: 'error',
    });
  }
  rows.push(
    service.server
      ? {
          label: 'Server',
          description: `${service.server.url}${service.server.pid ? ` · pid ${service.server.pid}` : ''}`,
          tooltip: 'The local `weft serve` of this window (stopped with the window)',
          icon: 'server-process',
        }
      : {
          label: 'Server',
          description: 'starts on the first run',
          tooltip: 'Run Workflow starts a local `weft serve` (or uses weft.runtimeUrl)',
          icon: 'server-process',
        },
    {
      label: 'Terminal',
      description: service.shimPath ? '`weft` on PATH in new terminals' : 'preparing `weft`…',
      tooltip: service.shimPath ?? '',
      icon: 'terminal',
    },
  );
  if (selection.ok && selection.runtime.missing.includes('@temporalio/worker')) {
    rows.push({
      label: 'Temporal worker',
      description: 'in the stack container, or an npm-installed runtime',
      tooltip:
        'The bundled runtime carries no native code, so it cannot run a Temporal worker. `weft stack up --backend compose` runs the worker in its container (needs Docker); or `npm install --save-dev @weft/runtime` in the project: the extension then uses that runtime.',
      icon: 'info',
    });
  }
  return { header, rows };
}

export class RuntimeView implements vscode.TreeDataProvider<RuntimeRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<RuntimeRow>;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly service: RuntimeService) {
    this.view = vscode.window.createTreeView('weft.runtime', { treeDataProvider: this });
    this.disposables = [
      this.changed,
      this.view,
      service.onDidChange(() => this.update()),
      this.view.onDidChangeVisibility((e) => e.visible && service.reselect()),
    ];
  }

  private update(): void {
    // in the title: a collapsed view's header shows its title, not its description
    this.view.title = `Runtime ${runtimeRows(this.service).header}`;
    this.changed.fire();
  }

  getTreeItem(row: RuntimeRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label);
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = new vscode.ThemeIcon(row.icon);
    return item;
  }

  getChildren(): RuntimeRow[] {
    return runtimeRows(this.service).rows;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
