// Runs: the Runs and Trace views, the waterfall webview, and the run/debug/cancel/rerun commands.
// Talks to the runtime over HTTP; live updates over SSE with polling as the fallback.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isWorkflowFile } from '../language/selector.js';
import {
  type RunEvent,
  type RunRecord,
  RuntimeClient,
  TERMINAL,
  type TraceSpan,
} from '../runtime-client/client.js';
import { language } from '../vscode/lazy.js';
import { askInputs, type InputField } from './input-form.js';
import { findWeftCli, type LocalRuntime, startLocalRuntime } from './local-runtime.js';
import { formatDuration, type SpanNode, spanLabel, spanTree, spanUsage, waterfall } from './trace-model.js';

const SECRET_KEY = 'weft.apiKey';

const STATUS_ICON: Record<string, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  skipped: new vscode.ThemeIcon('debug-step-over', new vscode.ThemeColor('disabledForeground')),
};
// span statuses (OpenTelemetry style) map onto run statuses
STATUS_ICON.ok = STATUS_ICON.succeeded!;
STATUS_ICON.error = STATUS_ICON.failed!;
const iconFor = (status?: string) => STATUS_ICON[status ?? ''] ?? new vscode.ThemeIcon('circle-outline');

export interface RunFilter {
  workflow?: string;
  status?: string;
}

function describeFilter(filter: RunFilter): string | undefined {
  const parts = [filter.workflow, filter.status].filter(Boolean);
  return parts.length ? `filter: ${parts.join(', ')}` : undefined;
}

interface SnapshotItem {
  label: string;
  description: string;
  icon?: string;
  contextValue?: string;
}

export interface RunsSnapshot {
  runtimeUrl?: string;
  localRuntime?: { url: string; pid?: number; workflowsDir: string };
  filter: RunFilter;
  runs: Array<SnapshotItem & { runId: string; status: string; workflow: string }>;
  traceRunId?: string;
  trace: Array<SnapshotItem & { depth: number; kind: string; attributes: Record<string, unknown> }>;
  waterfall?: { title: string; visible: boolean; html: string };
}

/** What `weft.runWorkflow` accepts besides a Uri or a Workflows view item (tests, automation). */
export interface RunRequest {
  uri: vscode.Uri | string;
  inputs?: Record<string, unknown>;
}

export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunRecord) {
    super(`${run.workflow}`, vscode.TreeItemCollapsibleState.None);
    const started = run.startedAt ? new Date(run.startedAt) : undefined;
    const duration =
      run.startedAt && run.endedAt
        ? formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))
        : undefined;
    this.id = run.runId;
    const tokens = run.usage?.totalTokens ? `${run.usage.totalTokens} tokens` : undefined;
    // the status first (the icon's colour is not the only cue); the start time is in the tooltip
    this.description = [run.status, duration, tokens].filter(Boolean).join(' · ');
    this.iconPath = iconFor(run.status);
    this.contextValue = `run.${run.status}`;
    const usage = run.usage ? `\n${run.usage.totalTokens} tokens, $${run.usage.costUsd.toFixed(4)}` : '';
    const error = run.error ? `\n${run.error.code}: ${run.error.message}` : '';
    this.tooltip = `${run.runId}\n${run.status}${started ? ` · started ${started.toLocaleString()}` : ''}${usage}${error}`;
    this.command = { command: 'weft.showTrace', title: 'Show Trace', arguments: [this] };
  }
}

class RunsProvider implements vscode.TreeDataProvider<RunItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  runs: RunRecord[] = [];
  message: string | undefined;

  set(runs: RunRecord[]): void {
    this.runs = runs;
    this.changed.fire();
  }
  upsert(run: RunRecord, filter: RunFilter = {}): void {
    const i = this.runs.findIndex((r) => r.runId === run.runId);
    if (i >= 0) this.runs[i] = { ...this.runs[i], ...run };
    else if (
      (!filter.workflow || filter.workflow === run.workflow) &&
      (!filter.status || filter.status === run.status)
    )
      this.runs.unshift(run);
    this.changed.fire();
  }
  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }
  getChildren(): RunItem[] {
    return this.runs.map((r) => new RunItem(r));
  }
}

class TraceItem extends vscode.TreeItem {
  constructor(readonly node: SpanNode) {
    const span = node.span;
    super(
      spanLabel(span),
      node.children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    this.id = span.spanId;
    const skipped = span.attributes?.['weft.step.skipped'];
    this.description = skipped
      ? `${span.kind} · skipped (${String(skipped)})`
      : [formatDuration(node.durationMs), spanUsage(span, true)].filter(Boolean).join(' · ');
    this.iconPath = iconFor(skipped ? 'skipped' : span.endedAt ? (span.status ?? 'succeeded') : 'running');
    this.tooltip = new vscode.MarkdownString(
      [
        `**${span.name}** (${span.kind})`,
        '',
        ...Object.entries(span.attributes ?? {}).map(([k, v]) => `- \`${k}\`: ${JSON.stringify(v)}`),
      ].join('\n'),
    );
    this.contextValue = `span.${span.kind}`;
  }
}

class TraceProvider implements vscode.TreeDataProvider<TraceItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  run: RunRecord | undefined;

  set(run: RunRecord | undefined): void {
    this.run = run;
    this.changed.fire();
  }
  getTreeItem(item: TraceItem): vscode.TreeItem {
    return item;
  }
  getChildren(parent?: TraceItem): TraceItem[] {
    if (parent) return parent.node.children.map((n) => new TraceItem(n));
    return spanTree(this.run?.trace ?? []).map((n) => new TraceItem(n));
  }
}

export class RunsController implements vscode.Disposable {
  readonly runs = new RunsProvider();
  readonly trace = new TraceProvider();
  readonly runsView: vscode.TreeView<RunItem>;
  readonly traceView: vscode.TreeView<TraceItem>;
  private local: LocalRuntime | undefined;
  private client: RuntimeClient | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private readonly streams = new Map<string, AbortController>();
  private poller: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private lastRequest: { uri: vscode.Uri; inputs: Record<string, unknown> } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.runsView = vscode.window.createTreeView('weft.runs', { treeDataProvider: this.runs });
    this.traceView = vscode.window.createTreeView('weft.trace', { treeDataProvider: this.trace });
    this.disposables.push(
      this.runsView,
      this.traceView,
      this.runsView.onDidChangeVisibility((e) => (e.visible ? this.startPolling() : this.stopPolling())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('weft.runtimeUrl')) {
          this.client = undefined;
          void this.refresh();
        }
      }),
      vscode.commands.registerCommand('weft.runWorkflow', (target?: unknown) =>
        this.runCommand(target, false),
      ),
      vscode.commands.registerCommand('weft.cancelRun', (item?: RunItem) => this.cancel(item)),
      vscode.commands.registerCommand('weft.rerun', (item?: RunItem) => this.rerun(item)),
      vscode.commands.registerCommand('weft.showTrace', (item?: RunItem | RunRecord) => this.showTrace(item)),
      vscode.commands.registerCommand('weft.setApiKey', () => this.setApiKey()),
      vscode.commands.registerCommand('weft.filterRuns', (filter?: RunFilter) => this.pickFilter(filter)),
      vscode.commands.registerCommand('weft.internal.runsSnapshot', () => this.snapshot()),
    );
  }

  // ---- filter ----

  filter: RunFilter = {};

  private async pickFilter(filter?: RunFilter): Promise<void> {
    if (!filter) {
      const workflows = [...new Set(this.runs.runs.map((r) => r.workflow))].sort();
      const items: Array<vscode.QuickPickItem & { filter: RunFilter }> = [
        { label: 'All runs', filter: {} },
        ...['running', 'succeeded', 'failed', 'cancelled'].map((status) => ({
          label: `$(filter) status: ${status}`,
          filter: { ...this.filter, status },
        })),
        ...workflows.map((workflow) => ({
          label: `$(symbol-event) workflow: ${workflow}`,
          filter: { ...this.filter, workflow },
        })),
      ];
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Filter Weft runs',
        placeHolder: describeFilter(this.filter) ?? 'all runs',
      });
      if (!picked) return;
      filter = picked.filter;
    }
    this.filter = { workflow: filter.workflow || undefined, status: filter.status || undefined };
    this.runsView.description = describeFilter(this.filter);
    void vscode.commands.executeCommand('setContext', 'weft.runsFiltered', !!this.runsView.description);
    await this.refresh();
  }

  /** What the Runs and Trace views show (for tests and automation). */
  snapshot(): RunsSnapshot {
    const plain = (item: vscode.TreeItem) => ({
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      contextValue: item.contextValue,
    });
    const traceItems: RunsSnapshot['trace'] = [];
    const walk = (items: TraceItem[], depth: number) => {
      for (const item of items) {
        traceItems.push({
          ...plain(item),
          depth,
          kind: item.node.span.kind,
          attributes: item.node.span.attributes,
        });
        walk(this.trace.getChildren(item), depth + 1);
      }
    };
    walk(this.trace.getChildren(), 0);
    return {
      runtimeUrl: this.client?.baseUrl,
      localRuntime: this.local
        ? { url: this.local.url, pid: this.local.process.pid, workflowsDir: this.local.workflowsDir }
        : undefined,
      filter: this.filter,
      runs: this.runs.getChildren().map((item) => ({
        ...plain(item),
        runId: item.run.runId,
        status: item.run.status,
        workflow: item.run.workflow,
      })),
      traceRunId: this.trace.run?.runId,
      trace: traceItems,
      waterfall: this.panel
        ? { title: this.panel.title, visible: this.panel.visible, html: this.panel.webview.html }
        : undefined,
    };
  }

  // ---- connection ----

  private configuredUrl(): string {
    return vscode.workspace.getConfiguration('weft').get<string>('runtimeUrl', '').trim();
  }

  private async apiKey(): Promise<string | undefined> {
    return (await this.context.secrets.get(SECRET_KEY)) || undefined;
  }

  /** A client for an existing runtime, without starting one. */
  private async existingClient(): Promise<RuntimeClient | undefined> {
    if (this.client) return this.client;
    const url = this.configuredUrl() || this.local?.url;
    if (!url) return undefined;
    this.client = new RuntimeClient({ baseUrl: url, apiKey: await this.apiKey() });
    return this.client;
  }

  /** A reachable runtime: weft.runtimeUrl if it answers, else a local `weft serve` we start. */
  private async ensureClient(
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
    if (this.local && this.local.process.exitCode === null) {
      if (this.local.workflowsDir === workflowsDir) {
        const client = new RuntimeClient({ baseUrl: this.local.url, apiKey: await this.apiKey() });
        if (await client.health()) {
          this.client = client;
          return client;
        }
      }
      // ours, but serving another folder (or not answering): replace it; runs persist in dataDir
      this.local.stop();
      this.local = undefined;
    }
    progress.report({ message: 'starting a local weft serve' });
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const cli = findWeftCli(folders, this.context.extensionPath);
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const dataDir = path.join(storage.fsPath, 'runtime-data');
    const t0 = Date.now();
    this.local = await startLocalRuntime(cli, workflowsDir, dataDir, (line, level) =>
      this.log[level](`[weft serve] ${line}`),
    );
    this.log.info(
      `local runtime at ${this.local.url} (pid ${this.local.process.pid}, ${Date.now() - t0} ms to start, data in ${dataDir})`,
    );
    this.client = new RuntimeClient({ baseUrl: this.local.url, apiKey: await this.apiKey() });
    return this.client;
  }

  async refresh(): Promise<void> {
    const client = await this.existingClient();
    if (!client) return;
    try {
      this.runs.set(await client.listRuns({ ...this.filter, limit: 50 }));
      void vscode.commands.executeCommand('setContext', 'weft.hasRuns', this.runs.runs.length > 0);
      for (const run of this.runs.runs) if (run.status === 'running') this.follow(run.runId);
    } catch (error) {
      this.log.warn(`listing runs failed: ${(error as Error).message}`);
    }
  }

  private startPolling(): void {
    this.stopPolling();
    void this.refresh();
    this.poller = setInterval(() => void this.refresh(), 10_000);
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  // ---- running ----

  private resolveTarget(target: unknown): vscode.Uri | undefined {
    if (target instanceof vscode.Uri) return target;
    if (typeof target === 'string')
      return target.includes('://') ? vscode.Uri.parse(target) : vscode.Uri.file(target);
    if (target && typeof target === 'object' && 'uri' in target) {
      const uri = (target as { uri: unknown }).uri;
      if (uri instanceof vscode.Uri || typeof uri === 'string') return this.resolveTarget(uri);
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && isWorkflowFile(doc.fileName, doc.lineCount ? doc.lineAt(0).text : '')) return doc.uri;
    return undefined;
  }

  private async runCommand(target: unknown, debug: boolean): Promise<RunRecord | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Weft runs workflows only in a trusted workspace (Manage Workspace Trust).',
      );
      return undefined;
    }
    const uri = this.resolveTarget(target);
    if (!uri) {
      void vscode.window.showErrorMessage(
        'Open a workflow.yaml (or pick one in the Workflows view) to run it.',
      );
      return undefined;
    }
    const given =
      target && typeof target === 'object' && 'inputs' in target ? (target as RunRequest).inputs : undefined;
    let inputs = given;
    if (!inputs) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const checked = language().checkWorkflow(doc.getText());
      if (!checked.definition) {
        const first = checked.diagnostics.find((d) => d.severity === 'error');
        void vscode.window.showErrorMessage(
          `Weft: fix the workflow before running it${first ? `: ${first.message}` : ''}`,
        );
        return undefined;
      }
      const fields: InputField[] = Object.entries(checked.definition.inputs).map(([name, spec]) => ({
        name,
        required: spec.required,
        schema: {
          ...(spec.schema as InputField['schema']),
          description: spec.description ?? (spec.schema as InputField['schema']).description,
          default: spec.default,
        },
      }));
      inputs = await askInputs(checked.definition.name, fields);
      if (!inputs) return undefined;
    }
    return this.start(uri, inputs, debug);
  }

  async start(
    uri: vscode.Uri,
    inputs: Record<string, unknown>,
    debug = false,
  ): Promise<RunRecord | undefined> {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    const name =
      /^name:\s*["']?([^"'\n#]+?)["']?\s*$/m.exec(doc.getText())?.[1] ??
      path.basename(path.dirname(uri.fsPath));
    this.lastRequest = { uri, inputs };
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Weft: ${debug ? 'debugging' : 'running'} ${name}`,
        cancellable: true,
      },
      async (progress, token) => {
        try {
          const client = await this.ensureClient(path.dirname(uri.fsPath), progress);
          progress.report({ message: 'starting the run' });
          const run = await client.startRun({ workflow: name, inputs });
          this.runs.upsert(run, this.filter);
          this.trace.set(run); // the Trace view follows the newest run
          void vscode.commands.executeCommand('setContext', 'weft.hasRuns', true);
          token.onCancellationRequested(() => void client.cancel(run.runId).catch(() => {}));
          this.log.info(`run ${run.runId} of ${name}: ${run.status}`);
          if (debug) {
            await vscode.commands.executeCommand('weft.trace.focus');
            this.showTrace(run);
          }
          if (!TERMINAL.has(run.status)) {
            progress.report({ message: `run ${run.runId} started` });
            await this.follow(run.runId, (event) => {
              if (event.step) progress.report({ message: `${event.type} ${event.step}` });
            });
          } else {
            await this.reload(run.runId);
          }
          const final = this.runs.runs.find((r) => r.runId === run.runId) ?? run;
          const message = `Weft: ${name} ${final.status}${final.error ? `: ${final.error.message}` : ''}`;
          if (final.status === 'failed')
            void vscode.window.showErrorMessage(message, 'Show Output').then((a) => a && this.log.show());
          else void vscode.window.setStatusBarMessage(message, 5000);
          return final;
        } catch (error) {
          const message = (error as Error).message;
          this.log.error(message);
          void vscode.window
            .showErrorMessage(`Weft: ${message}`, 'Show Output')
            .then((a) => a && this.log.show());
          return undefined;
        }
      },
    );
  }

  private async reload(runId: string): Promise<RunRecord | undefined> {
    const client = await this.existingClient();
    if (!client) return undefined;
    try {
      const run = await client.getRun(runId);
      this.runs.upsert(run, this.filter);
      if (this.trace.run?.runId === runId) this.showTrace(run, false);
      return run;
    } catch (error) {
      this.log.warn(`reading run ${runId} failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Follows a run live: SSE, and polling every second if the stream cannot be used. */
  follow(runId: string, onEvent?: (event: RunEvent) => void): Promise<void> {
    if (this.streams.has(runId)) return Promise.resolve();
    const abort = new AbortController();
    this.streams.set(runId, abort);
    const done = async () => {
      this.streams.delete(runId);
      await this.reload(runId);
    };
    return (async () => {
      const client = await this.existingClient();
      if (!client) return;
      let pending: ReturnType<typeof setTimeout> | undefined;
      try {
        await client.streamEvents(
          runId,
          (event) => {
            onEvent?.(event);
            // coalesce bursts of events into one reload
            pending ??= setTimeout(() => {
              pending = undefined;
              void this.reload(runId);
            }, 150);
          },
          { signal: abort.signal },
        );
      } catch (error) {
        this.log.warn(`live events for ${runId} unavailable (${(error as Error).message}); polling`);
        for (let i = 0; i < 3600 && !abort.signal.aborted; i++) {
          const run = await this.reload(runId);
          if (!run || TERMINAL.has(run.status)) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        if (pending) clearTimeout(pending);
        await done();
      }
    })();
  }

  private selected(item?: RunItem | RunRecord): RunRecord | undefined {
    if (item instanceof RunItem) return item.run;
    if (item && 'runId' in item) return item;
    return this.runsView.selection[0]?.run ?? this.trace.run;
  }

  private async cancel(item?: RunItem): Promise<void> {
    const run = this.selected(item);
    const client = await this.existingClient();
    if (!run || !client) return;
    try {
      await client.cancel(run.runId);
      await this.reload(run.runId);
    } catch (error) {
      void vscode.window.showErrorMessage(`Weft: cancel failed: ${(error as Error).message}`);
    }
  }

  private async rerun(item?: RunItem): Promise<RunRecord | undefined> {
    const run = this.selected(item);
    if (run && this.lastRequest && run.inputs === undefined)
      return this.start(this.lastRequest.uri, this.lastRequest.inputs);
    const uris = await vscode.workspace.findFiles(
      '{**/workflow.yaml,**/*.workflow.yaml}',
      '**/node_modules/**',
      200,
    );
    let uri = this.lastRequest?.uri;
    if (run) {
      for (const candidate of uris) {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(candidate));
        if (
          new RegExp(
            `^name:\\s*["']?${run.workflow.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`,
            'm',
          ).test(text)
        ) {
          uri = candidate;
          break;
        }
      }
    }
    if (!uri) {
      void vscode.window.showErrorMessage(
        'Weft: cannot find the workflow file of this run in the workspace.',
      );
      return undefined;
    }
    return this.start(uri, (run?.inputs as Record<string, unknown>) ?? this.lastRequest?.inputs ?? {});
  }

  showTrace(item?: RunItem | RunRecord, reveal = true): void {
    const run = this.selected(item);
    if (!run) return;
    this.trace.set(run);
    if (!run.trace && reveal) void this.reload(run.runId);
    if (reveal || this.panel) this.renderWaterfall(run, reveal);
  }

  private renderWaterfall(run: RunRecord, reveal: boolean): void {
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

  private async setApiKey(): Promise<void> {
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
    this.stopPolling();
    for (const abort of this.streams.values()) abort.abort();
    this.panel?.dispose();
    this.local?.stop();
    for (const d of this.disposables) d.dispose();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function waterfallHtml(run: RunRecord, cspSource: string): string {
  const { rows, totalMs } = waterfall((run.trace ?? []) as TraceSpan[]);
  const statusClass = (status?: string) =>
    status === 'error' || status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : '';
  const body = rows.length
    ? rows
        .map(
          (r) =>
            `<div class="row${r.skipped ? ' skipped' : ''}"><div class="label" style="padding-left:${r.depth * 14}px" title="${escapeHtml([r.label, r.detail].filter(Boolean).join(' · '))}">${escapeHtml(r.label)} <span class="kind">${escapeHtml(r.skipped ? 'skipped' : r.kind.replace('_', ' '))}</span></div><div class="track"><div class="bar kind-${escapeHtml(r.kind)} ${statusClass(r.status)}" style="left:${r.offset.toFixed(2)}%;width:${r.width.toFixed(2)}%"></div></div><div class="dur">${escapeHtml(r.skipped ? '—' : formatDuration(r.durationMs))}</div><div class="usage">${escapeHtml(r.usage ?? '')}</div></div>`,
        )
        .join('\n')
    : '<p class="empty">No spans recorded for this run yet.</p>';
  const usage = run.usage ? ` · ${run.usage.totalTokens} tokens · $${run.usage.costUsd.toFixed(4)}` : '';
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);background:var(--vscode-editor-background);padding:8px 12px}
h2{font-weight:600;font-size:1.1em;margin:4px 0 4px} .meta{color:var(--vscode-descriptionForeground);margin:0 0 10px}
.status-succeeded{color:var(--vscode-testing-iconPassed)} .status-failed{color:var(--vscode-testing-iconFailed)} .status-running{color:var(--vscode-charts-blue)}
.error{color:var(--vscode-errorForeground)}
.head,.row{display:grid;grid-template-columns:minmax(150px,24%) minmax(120px,1fr) 64px minmax(120px,22%);align-items:center;gap:8px;min-height:22px}
.head{color:var(--vscode-descriptionForeground);font-size:.85em;border-bottom:1px solid var(--vscode-panel-border,var(--vscode-widget-border,transparent));margin-bottom:2px}
.row:hover{background:var(--vscode-list-hoverBackground)}
.label,.usage{white-space:nowrap;overflow:hidden;text-overflow:ellipsis} .kind{color:var(--vscode-descriptionForeground);font-size:.85em}
.track{position:relative;height:12px;background:var(--vscode-editorWidget-background);border-radius:2px}
.bar{position:absolute;top:0;height:12px;min-width:2px;border-radius:2px;background:var(--vscode-charts-blue)}
.bar.kind-model_call,.bar.kind-model,.bar.kind-llm{background:var(--vscode-charts-purple)} .bar.kind-tool,.bar.kind-tool_call{background:var(--vscode-charts-orange)}
.bar.kind-run{background:var(--vscode-charts-green)} .bar.failed{background:var(--vscode-charts-red)} .bar.cancelled{background:var(--vscode-disabledForeground)}
.row.skipped .label,.row.skipped .dur{color:var(--vscode-disabledForeground)} .row.skipped .bar{opacity:.35}
.dur{text-align:right;font-variant-numeric:tabular-nums} .usage{color:var(--vscode-descriptionForeground);font-variant-numeric:tabular-nums;font-size:.9em}
.empty{color:var(--vscode-descriptionForeground)}
</style></head><body>
<h2>${escapeHtml(run.workflow)} <span class="status-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span></h2>
<p class="meta">${escapeHtml(formatDuration(totalMs || undefined))}${escapeHtml(usage)} · run ${escapeHtml(run.runId)}</p>
${run.error ? `<p class="error">${escapeHtml(run.error.code)}: ${escapeHtml(run.error.message)}</p>` : ''}
${rows.length ? '<div class="head"><div>span</div><div>timeline</div><div style="text-align:right">latency</div><div>tokens · cost</div></div>' : ''}
${body}
</body></html>`;
}
