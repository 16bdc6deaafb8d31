// Diagnostics as you type: the runtime's checkWorkflow, debounced per document; a check whose
// document changed again before it ran is dropped (the version check is the cancellation).
import * as vscode from 'vscode';
import type { Diagnostic } from '../language/runtime.js';
import { checkOf, forget, isWorkflowDocument } from './documents.js';

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(doc: vscode.TextDocument, d: Diagnostic): vscode.Diagnostic {
  const start = doc.positionAt(d.range.start);
  let end = doc.positionAt(d.range.end);
  if (end.isEqual(start)) {
    // an empty range is invisible: underline the rest of the word/line instead
    const word = doc.getWordRangeAtPosition(start);
    end = word?.end ?? doc.lineAt(start.line).range.end;
  }
  const diagnostic = new vscode.Diagnostic(new vscode.Range(start, end), d.message, SEVERITY[d.severity]);
  diagnostic.source = 'weft';
  diagnostic.code = d.code;
  return diagnostic;
}

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('weft');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** How long the last checks took (ms), newest last; for the measure script. */
  readonly checkTimes: number[] = [];
  /** Per document: how long its last check took and when it ended (performance.now()). */
  readonly lastCheck = new Map<string, { ms: number; endedAt: number; version: number }>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document);
      }),
      // a deleted file's problems go with it (its document may stay open, unsaved, a while)
      vscode.workspace.onDidDeleteFiles((e) => {
        const gone = e.files.map((f) => f.toString());
        this.collection.forEach((uri) => {
          const key = uri.toString();
          if (gone.some((g) => key === g || key.startsWith(`${g}/`))) this.collection.delete(uri);
        });
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.cancel(doc);
        this.collection.delete(doc.uri);
        forget(doc);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  private debounceMs(): number {
    const value = vscode.workspace.getConfiguration('weft').get<number>('diagnostics.debounceMs', 300);
    return Number.isFinite(value) && value >= 0 ? value : 300;
  }

  private cancel(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  schedule(doc: vscode.TextDocument, delay = this.debounceMs()): void {
    if (!isWorkflowDocument(doc)) {
      if (this.collection.has(doc.uri)) this.collection.delete(doc.uri);
      return;
    }
    this.cancel(doc);
    const version = doc.version;
    const key = doc.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (doc.isClosed || doc.version !== version) return; // superseded by a newer edit
        this.run(doc);
      }, delay),
    );
  }

  /** Checks now; returns the diagnostics set. */
  run(doc: vscode.TextDocument): vscode.Diagnostic[] {
    const t0 = performance.now();
    try {
      const result = checkOf(doc);
      const diagnostics = result.diagnostics.map((d) => toVscodeDiagnostic(doc, d));
      this.collection.set(doc.uri, diagnostics);
      return diagnostics;
    } catch (error) {
      this.log.error(`checking ${doc.uri.fsPath} failed: ${(error as Error)?.stack ?? error}`);
      return [];
    } finally {
      const endedAt = performance.now();
      this.checkTimes.push(endedAt - t0);
      this.lastCheck.set(doc.uri.toString(), { ms: endedAt - t0, endedAt, version: doc.version });
      if (this.checkTimes.length > 50) this.checkTimes.shift();
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
