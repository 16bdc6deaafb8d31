// The graph webview beside a workflow's editor, kept in sync both ways: every check of the document
// (the diagnostics' own, debounced) redraws it; the cursor highlights a node; a click on a node
// selects its step in the YAML; the shown or newest run puts its figures on the nodes.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { DiagnosticsController } from '../language/diagnostics.js';
import type { CheckResult } from '../language/runtime.js';
import { formatFigures, stepFigures } from '../last-run/figures.js';
import { type LatestRuns, mapTemplates } from '../last-run/latest.js';
import type { RunRecord } from '../runtime-client/client.js';
import { graphHtml } from './html.js';
import { type GraphModel, graphModel, type StepExtent, stepAt, stepExtents } from './model.js';
import type { FromWebview, GraphReport, NodeFigures, ToWebview } from './protocol.js';

export interface GraphDeps {
  extensionUri: vscode.Uri;
  diagnostics: DiagnosticsController;
  latest?: LatestRuns;
  log: vscode.LogOutputChannel;
}

export class GraphPanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private model: GraphModel | undefined;
  private extents: StepExtent[] = [];
  private highlighted: string | undefined;
  private ready = false;
  private queued: ToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reported = new vscode.EventEmitter<GraphReport>();
  /** Fires with what the webview drew, after each render (tests and the bench read it). */
  readonly onDidReport = this.reported.event;
  report: GraphReport | undefined;
  /** Where the last export was written. */
  lastExport: vscode.Uri | undefined;
  /** Where the next export goes without asking (tests, automation). */
  exportTarget: vscode.Uri | undefined;
  private figuresVersion = 0;

  constructor(
    public doc: vscode.TextDocument,
    private readonly deps: GraphDeps,
    column: vscode.ViewColumn,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      'weft.graph',
      this.title(),
      { viewColumn: column, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'out', 'graph')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'weft.svg');
    const script = this.panel.webview.asWebviewUri(
      vscode.Uri.joinPath(deps.extensionUri, 'out', 'graph', 'webview.js'),
    );
    this.panel.webview.html = graphHtml({
      scriptUri: script.toString(),
      cspSource: this.panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      title: this.title(),
    });
    this.disposables.push(
      this.reported,
      this.panel.webview.onDidReceiveMessage((m: FromWebview) => this.received(m)),
      deps.diagnostics.onDidCheck(({ doc, result }) => {
        if (doc === this.doc) this.update(result, performance.now());
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === this.doc) this.cursorMoved(e.textEditor);
      }),
    );
    if (deps.latest) this.disposables.push(deps.latest.onDidChange(() => void this.sendFigures()));
  }

  private title(): string {
    return `Graph: ${vscode.workspace.asRelativePath(this.doc.uri)}`;
  }

  /** Shows another document's graph in this panel. */
  retarget(doc: vscode.TextDocument): void {
    if (doc === this.doc) return;
    this.doc = doc;
    this.model = undefined;
    this.highlighted = undefined;
    this.panel.title = this.title();
  }

  /** Draws the document's current version (checked off the main thread, as the diagnostics are). */
  async refresh(sentAt = performance.now()): Promise<void> {
    const result = await this.deps.diagnostics.checkNow(this.doc);
    if (result) this.update(result, sentAt);
  }

  private update(result: CheckResult, sentAt: number): void {
    const definition = result.definition;
    if (!definition) return; // unparsable for now: the last good graph stays
    this.extents = stepExtents(this.doc.getText(), definition);
    this.model = graphModel(definition, result.diagnostics, this.extents);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
    if (editor) this.highlighted = stepAt(this.extents, this.doc.offsetAt(editor.selection.active));
    this.post({ type: 'model', model: this.model, sentAt, highlight: this.highlighted });
    void this.sendFigures();
  }

  private cursorMoved(editor: vscode.TextEditor): void {
    const id = stepAt(this.extents, this.doc.offsetAt(editor.selection.active));
    if (id === this.highlighted) return;
    this.highlighted = id;
    this.post({ type: 'highlight', id });
  }

  /** The figures of the run shown in the Trace view (if of this workflow), else of the newest run. */
  private async sendFigures(): Promise<void> {
    const model = this.model;
    if (!model || !this.deps.latest) return;
    const version = ++this.figuresVersion;
    let run: RunRecord | undefined;
    try {
      run = await this.deps.latest.shown(model.workflow);
    } catch {
      run = undefined;
    }
    if (version !== this.figuresVersion) return;
    if (!run) {
      this.post({ type: 'figures', figures: undefined });
      return;
    }
    const check = await this.deps.diagnostics.checkNow(this.doc);
    const templates = mapTemplates(check?.definition?.steps ?? []);
    const figures: NodeFigures = {};
    for (const [id, f] of stepFigures(run, templates))
      figures[id] = {
        status: f.status,
        text: formatFigures(f),
        ...(f.items !== undefined ? { items: f.items } : {}),
      };
    const when = run.startedAt ? new Date(run.startedAt).toLocaleTimeString() : '';
    this.post({
      type: 'figures',
      figures,
      runLabel: `run ${run.runId.slice(0, 8)} ${run.status}${when ? ` at ${when}` : ''}`,
    });
  }

  post(message: ToWebview): void {
    if (!this.ready) {
      // only the newest model matters; highlight and figures ride along with it
      if (message.type === 'model') this.queued = this.queued.filter((m) => m.type !== 'model');
      this.queued.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private async received(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queued.splice(0)) void this.panel.webview.postMessage(m);
        break;
      case 'select':
        await this.selectStep(message.id);
        break;
      case 'rendered':
        this.report = message.report;
        this.reported.fire(message.report);
        break;
      case 'export':
        await this.saveExport(message.svg);
        break;
      case 'error':
        this.deps.log.error(`graph view: ${message.message}`);
        break;
    }
  }

  /** Reveals and selects a step's id in the YAML (in the editor already showing it, if any). */
  async selectStep(id: string): Promise<void> {
    const node = this.model?.nodes.find((n) => n.id === id);
    if (!node?.range) return;
    const range = new vscode.Range(
      this.doc.positionAt(node.range.start),
      this.doc.positionAt(node.range.end),
    );
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
    const editor = await vscode.window.showTextDocument(this.doc, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
      selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.highlighted = id;
  }

  private async saveExport(svg: string): Promise<void> {
    const base = vscode.workspace
      .asRelativePath(this.doc.uri)
      .replace(/[\\/]/g, '-')
      .replace(/\.ya?ml$/, '');
    const target =
      this.exportTarget ??
      (await vscode.window.showSaveDialog({
        title: 'Export the workflow graph',
        defaultUri: vscode.Uri.joinPath(this.doc.uri, '..', `${base}.graph.svg`),
        filters: { SVG: ['svg'] },
      }));
    this.exportTarget = undefined;
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
    this.lastExport = target;
    void vscode.window.setStatusBarMessage(
      `Weft: graph exported to ${vscode.workspace.asRelativePath(target)}`,
      4000,
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
