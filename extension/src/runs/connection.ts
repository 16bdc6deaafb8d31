// The runtime the extension talks to: weft.runtimeUrl if it answers, else a local `weft serve` it
// starts (and stops on dispose); the API key in VS Code's secret storage.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RuntimeService } from '../runtime/index.js';
import { RuntimeClient } from '../runtime-client/client.js';
import { type LocalRuntime, startLocalRuntime } from './local-runtime.js';

const SECRET_KEY = 'weft.apiKey';

export class RuntimeConnection implements vscode.Disposable {
  local: LocalRuntime | undefined;
  /** The CLI the local runtime was started with (a changed pin restarts it). */
  private localCli: string | undefined;
  client: RuntimeClient | undefined;
  /** The local stack's server (src/stack) while it is healthy: used when weft.runtimeUrl is empty. */
  stackUrl: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly runtime: RuntimeService,
  ) {}

  /** Forgets the client (settings or key changed); the next call makes a new one. */
  reset(): void {
    this.client = undefined;
  }

  setStackUrl(url: string | undefined): void {
    if (url === this.stackUrl) return;
    this.stackUrl = url;
    this.client = undefined;
  }

  private configuredUrl(): string {
    return vscode.workspace.getConfiguration('weft').get<string>('runtimeUrl', '').trim();
  }

  private async apiKey(): Promise<string | undefined> {
    return (await this.context.secrets.get(SECRET_KEY)) || undefined;
  }

  /** A client for an existing runtime, without starting one. */
  async existingClient(): Promise<RuntimeClient | undefined> {
    if (this.client) return this.client;
    const url = this.configuredUrl() || this.stackUrl || this.local?.url;
    if (!url) return undefined;
    this.client = new RuntimeClient({ baseUrl: url, apiKey: await this.apiKey() });
    return this.client;
  }

  /** A reachable runtime: weft.runtimeUrl if it answers, else a local `weft serve` we start. */
  async ensureClient(
    workflowsDir: string,
    progress: vscode.Progress<{ message?: string }>,
  ): Promise<RuntimeClient> {
    const configured = this.configuredUrl();
    if (configured) {
      progress.report({ message: `connecting to ${configured}` });
      const client = new RuntimeClient({ baseUrl: configured, apiKey: await this.apiKey() });
      if (await client.health()) {
        this.client = client;
        return client;
      }
      this.log.warn(
        `weft.runtimeUrl ${configured} does not answer /health; starting a local runtime instead`,
      );
    }
    if (this.stackUrl) {
      progress.report({ message: `connecting to the stack's server ${this.stackUrl}` });
      const client = new RuntimeClient({ baseUrl: this.stackUrl, apiKey: await this.apiKey() });
      if (await client.health()) {
        this.client = client;
        return client;
      }
      this.log.warn(
        `the stack's server ${this.stackUrl} does not answer /health; starting a local runtime instead`,
      );
    }
    // the bundled runtime, or the one the workspace pins now; throws a refusal (what, and what to do)
    const cli = this.runtime.cli();
    if (this.local && this.local.process.exitCode === null) {
      if (this.local.workflowsDir === workflowsDir && this.localCli === JSON.stringify(cli)) {
        const client = new RuntimeClient({ baseUrl: this.local.url, apiKey: await this.apiKey() });
        if (await client.health()) {
          this.client = client;
          return client;
        }
      }
      // ours, but serving another folder, another runtime, or not answering: replace it; runs persist in dataDir
      this.local.stop();
      this.local = undefined;
    }
    progress.report({ message: 'starting a local weft serve' });
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const dataDir = path.join(storage.fsPath, 'runtime-data');
    const t0 = Date.now();
    this.local = await startLocalRuntime(cli, workflowsDir, dataDir, (line, level) =>
      this.log[level](`[weft serve] ${line}`),
    );
    this.log.info(
      `local runtime at ${this.local.url} (pid ${this.local.process.pid}, ${Date.now() - t0} ms to start, data in ${dataDir})`,
    );
    const local = this.local;
    this.localCli = JSON.stringify(cli);
    this.runtime.setServer({ url: local.url, pid: local.process.pid });
    local.process.on('exit', () => this.local === local && this.runtime.setServer(undefined));
    this.client = new RuntimeClient({ baseUrl: this.local.url, apiKey: await this.apiKey() });
    return this.client;
  }

  async setApiKey(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Weft runtime API key',
      prompt:
        "Sent as `Authorization: Bearer <key>` to weft.runtimeUrl (one of the server's WEFT_API_KEYS). Stored in VS Code's secret storage; empty clears it.",
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    if (value === '') await this.context.secrets.delete(SECRET_KEY);
    else await this.context.secrets.store(SECRET_KEY, value);
    this.client = undefined;
    void vscode.window.setStatusBarMessage(value ? 'Weft: API key saved' : 'Weft: API key cleared', 3000);
  }

  dispose(): void {
    this.local?.stop();
  }
}
