// The runtime this window uses: selected lazily (after activation, and again before each start),
// announced in the log, put on the terminals' PATH as `weft`. Runs use `cli()`.
// In an untrusted workspace only the bundled runtime is considered (a pinned one is workspace code),
// and nothing is started: the Runs controller refuses to run there.
import * as vscode from 'vscode';
import { describeSelection, type Selection, selectRuntime } from './select.js';
import { putOnPath, shimDir, writeShim } from './terminal.js';

export interface ServerState {
  url: string;
  pid?: number;
}

export class RuntimeService implements vscode.Disposable {
  private selection: Selection | undefined;
  private announced = '';
  private readonly shimFolder: string;
  /** The `weft` shim once written. */
  shimPath: string | undefined;
  /** The local `weft serve` of this window, while it runs. */
  server: ServerState | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.shimFolder = shimDir(context);
    const later = () => setImmediate(() => this.reselect());
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('weft.runtimePath') && later()),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.workspace.onDidGrantWorkspaceTrust(later),
    );
    // after activation: the PATH entry and reading a few package.json files are not activation's business
    setImmediate(() => {
      putOnPath(context);
      this.reselect();
    });
  }

  /** The current selection (selected now if it never was). */
  current(): Selection {
    return this.selection ?? this.reselect();
  }

  /** Selects again (a pin may have been installed or removed), logs a change, rewrites the shim. */
  reselect(): Selection {
    const trusted = vscode.workspace.isTrusted;
    const selection = selectRuntime({
      runtimePath: trusted ? vscode.workspace.getConfiguration('weft').get<string>('runtimePath', '') : '',
      workspaceFolders: trusted ? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath) : [],
      extensionPath: this.context.extensionPath,
      node: process.execPath,
    });
    this.selection = selection;
    const line = describeSelection(selection);
    if (line !== this.announced) {
      this.announced = line;
      if (selection.ok) this.log.info(`runtime: ${line}`);
      else this.log.error(`runtime: ${line}`);
    }
    writeShim(this.shimFolder, selection).then(
      (file) => {
        this.shimPath = file;
        this.changed.fire();
      },
      (error: Error) => this.log.warn(`cannot write the terminal's weft command: ${error.message}`),
    );
    this.changed.fire();
    return selection;
  }

  /** How to start the selected runtime's CLI; throws the refusal (what and what to do) when there is none. */
  cli(): { command: string; args: string[] } {
    const selection = this.reselect();
    if (!selection.ok) throw new Error(selection.error);
    return selection.runtime.cli;
  }

  setServer(server: ServerState | undefined): void {
    this.server = server;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
