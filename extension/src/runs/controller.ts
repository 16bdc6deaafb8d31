// Runs of the configured runtime: the Runs and Trace views' data, starting and following runs
// (SSE, polling as the fallback), and the waterfall. The palette commands are in commands.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RuntimeService } from '../runtime/index.js';
import { type RunEvent, type RunRecord, TERMINAL } from '../runtime-client/client.js';
import { ApprovalNotifier, type ApprovalRequest } from './approvals.js';
import { RuntimeConnection } from './connection.js';
import { describeFilter, type RunFilter, RunItem, RunsProvider } from './runs-tree.js';
import { type TraceItem, TraceProvider } from './trace-tree.js';
import { WaterfallPanel } from './waterfall.js';

export type { RunFilter } from './runs-tree.js';
export { RunItem } from './runs-tree.js';

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
  /** `runId/step` of the approvals a notification was shown for. */
  notifiedApprovals: string[];
}

export class RunsController implements vscode.Disposable {
  readonly runs = new RunsProvider();
  readonly trace = new TraceProvider();
  readonly runsView: vscode.TreeView<RunItem>;
  readonly traceView: vscode.TreeView<TraceItem>;
  readonly connection: RuntimeConnection;
  readonly waterfall = new WaterfallPanel();
  private readonly streams = new Map<string, AbortController>();
  private poller: ReturnType<typeof setInterval> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  lastRequest: { uri: vscode.Uri; inputs: Record<string, unknown> } | undefined;
  readonly approvals: ApprovalNotifier;
  filter: RunFilter = {};

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    runtime: RuntimeService,
  ) {
    this.connection = new RuntimeConnection(context, log, runtime);
    this.approvals = new ApprovalNotifier(
      () => this.connection.existingClient(),
      log,
      (id) => this.reload(id),
    );
    this.runsView = vscode.window.createTreeView('weft.runs', { treeDataProvider: this.runs });
    this.traceView = vscode.window.createTreeView('weft.trace', { treeDataProvider: this.trace });
    this.disposables.push(
      this.runsView,
      this.traceView,
      this.runsView.onDidChangeVisibility((e) => (e.visible ? this.startPolling() : this.stopPolling())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('weft.runtimeUrl')) {
          this.connection.reset();
          void this.refresh();
        }
      }),
    );
  }

  async setFilter(filter: RunFilter): Promise<void> {
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
    const local = this.connection.local;
    return {
      runtimeUrl: this.connection.client?.baseUrl,
      localRuntime: local
        ? { url: local.url, pid: local.process.pid, workflowsDir: local.workflowsDir }
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
      waterfall: this.waterfall.snapshot(),
      notifiedApprovals: [...this.approvals.notified],
    };
  }

  async refresh(): Promise<void> {
    const client = await this.connection.existingClient();
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
          const client = await this.connection.ensureClient(path.dirname(uri.fsPath), progress);
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

  async reload(runId: string): Promise<RunRecord | undefined> {
    const client = await this.connection.existingClient();
    if (!client) return undefined;
    try {
      const run = await client.getRun(runId);
      this.runs.upsert(run, this.filter);
      this.approvals.consider(run);
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
      const client = await this.connection.existingClient();
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

  /** The run an item names, else the one selected in the Runs view, else the one traced. */
  selected(item?: RunItem | RunRecord): RunRecord | undefined {
    if (item instanceof RunItem) return item.run;
    if (item && 'runId' in item) return item;
    return this.runsView.selection[0]?.run ?? this.trace.run;
  }

  async cancel(item?: RunItem): Promise<void> {
    const run = this.selected(item);
    const client = await this.connection.existingClient();
    if (!run || !client) return;
    try {
      await client.cancel(run.runId);
      await this.reload(run.runId);
    } catch (error) {
      void vscode.window.showErrorMessage(`Weft: cancel failed: ${(error as Error).message}`);
    }
  }

  /** Approve…/Reject… on a waiting run (a Runs view item, or a request naming the run). */
  async decide(item: RunItem | ApprovalRequest | undefined, prefer: 'approve' | 'reject'): Promise<boolean> {
    if (item && !(item instanceof RunItem) && 'runId' in item && !('workflow' in item)) {
      return this.approvals.decide(item, undefined, prefer);
    }
    const run = this.selected(item as RunItem | undefined);
    if (!run) return false;
    return this.approvals.decide({ runId: run.runId }, run, prefer);
  }

  /** Shows a run in the Trace view and the waterfall (`focusSpanId`: that span's row is marked). */
  showTrace(item?: RunItem | RunRecord, reveal = true, focusSpanId?: string): void {
    const run = this.selected(item);
    if (!run) return;
    this.trace.set(run);
    if (!run.trace && reveal) void this.reload(run.runId);
    if (reveal || this.waterfall.isOpen) this.waterfall.render(run, reveal, focusSpanId);
  }

  dispose(): void {
    this.stopPolling();
    for (const abort of this.streams.values()) abort.abort();
    this.waterfall.dispose();
    this.connection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
