// Diagnostics as you type: the runtime's checkWorkflow, debounced per document, in a worker thread
// (out/check-worker.js, started on first use) so a check never blocks completion, hover or any
// other request on the extension host's main thread. At most one check per document is in flight:
// edits made meanwhile are coalesced into one check of the newest version when it answers, and an
// answer for a version that is no longer current is dropped (the version check is the
// cancellation). If the worker cannot start or dies, checks run in-thread (logged once).
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { CHECKER_YOUNG_GENERATION_MB } from '../../../runtime/src/language/memory.js';
import { cachedCheck, checkOf, forget, isWorkflowDocument, rememberCheck } from '../vscode/documents.js';
import type { CheckAnswer, CheckRequest } from './check-protocol.js';
import type { CheckResult, Diagnostic } from './runtime.js';

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
  /** Per document: how long its last check took and when its diagnostics were set (performance.now()). */
  readonly lastCheck = new Map<string, { ms: number; endedAt: number; version: number }>();
  /** Per document: the version whose check is in the worker, and the document. */
  private readonly inFlight = new Map<string, { version: number; doc: vscode.TextDocument }>();
  /** Per document: who waits for the check of which version (checkNow). */
  private readonly waiters = new Map<string, { version: number; resolve: (r?: CheckResult) => void }[]>();
  private worker: Worker | undefined;
  private readonly checked = new vscode.EventEmitter<{ doc: vscode.TextDocument; result: CheckResult }>();
  /** A check of a document's current version finished (its diagnostics are set); the graph redraws from it. */
  readonly onDidCheck = this.checked.event;
  /** Set once the worker failed to start or died: checks run in-thread from then on. */
  private workerFailed = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** The worker script; a bundle next to out/extension.js. */
    private readonly workerPath = path.join(__dirname, 'check-worker.js'),
  ) {
    this.disposables.push(
      this.collection,
      this.checked,
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
        this.inFlight.delete(doc.uri.toString());
        this.settle(doc.uri.toString(), Number.MAX_SAFE_INTEGER);
        this.collection.delete(doc.uri);
        forget(doc);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /**
   * The check of the document's current version, now (not debounced; it sets the diagnostics too):
   * from the worker, awaited, when there is one; in-thread otherwise. Undefined when the document
   * changed or closed before it answered, or the check failed.
   */
  checkNow(doc: vscode.TextDocument): Promise<CheckResult | undefined> {
    const cached = cachedCheck(doc);
    if (cached) return Promise.resolve(cached);
    if (!this.startWorker()) return Promise.resolve(checkOf(doc));
    const key = doc.uri.toString();
    const version = doc.version;
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? [];
      list.push({ version, resolve });
      this.waiters.set(key, list);
      this.cancel(doc);
      this.request(doc);
    });
  }

  /** Answers the waiters of `key`: `result` for `version`, nothing for older versions. */
  private settle(key: string, version: number, result?: CheckResult): void {
    const list = this.waiters.get(key);
    if (!list) return;
    const rest = list.filter((w) => w.version > version);
    for (const w of list) if (w.version <= version) w.resolve(w.version === version ? result : undefined);
    if (rest.length) this.waiters.set(key, rest);
    else this.waiters.delete(key);
  }

  private settleAll(): void {
    for (const [key, list] of [...this.waiters]) this.settle(key, Math.max(...list.map((w) => w.version)));
  }

  /** Whether checks run in the worker thread (false before the first check and after a failure). */
  get usesWorker(): boolean {
    return this.worker !== undefined;
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
        this.request(doc);
      }, delay),
    );
  }

  /** Checks the document's current version in the worker (in-thread without one). */
  private request(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    // one check per document at a time: when it answers, a newer version is checked then
    if (this.inFlight.has(key)) return;
    const worker = this.startWorker();
    if (!worker) {
      this.run(doc);
      return;
    }
    const message: CheckRequest = { uri: key, version: doc.version, text: doc.getText() };
    this.inFlight.set(key, { version: doc.version, doc });
    worker.postMessage(message);
  }

  private startWorker(): Worker | undefined {
    if (this.worker || this.workerFailed) return this.worker;
    try {
      // required here, not imported: activation does not pay for it
      const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
      const worker = new Worker(this.workerPath, {
        name: 'weft-check',
        resourceLimits: { maxYoungGenerationSizeMb: CHECKER_YOUNG_GENERATION_MB },
      });
      worker.on('message', (answer: CheckAnswer) => this.answered(answer));
      worker.on('error', (error) => this.workerDied(worker, `failed: ${error?.stack ?? error}`));
      worker.on('messageerror', (error) => this.workerDied(worker, `sent a bad message: ${error}`));
      worker.on('exit', (code) => this.workerDied(worker, `exited with code ${code}`));
      worker.unref(); // never keeps the extension host alive
      this.worker = worker;
      this.log.info(`diagnostics: checking in a worker thread (${path.basename(this.workerPath)})`);
    } catch (error) {
      this.workerDied(undefined, `could not start: ${(error as Error)?.stack ?? error}`);
    }
    return this.worker;
  }

  private workerDied(worker: Worker | undefined, why: string): void {
    if (worker && worker !== this.worker) return; // already handled (error, then exit)
    this.worker = undefined;
    this.workerFailed = true;
    this.log.error(`diagnostics: the check worker ${why}; checking in-thread from now on`);
    if (worker) void worker.terminate().catch(() => {});
    // the checks it had: in-thread now
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { doc } of pending) if (!doc.isClosed) this.run(doc);
    // whoever waits for a check: in-thread too
    for (const { doc } of pending)
      this.settle(doc.uri.toString(), doc.version, doc.isClosed ? undefined : checkOf(doc));
    this.settleAll();
  }

  private answered(answer: CheckAnswer): void {
    const pending = this.inFlight.get(answer.uri);
    if (!pending || pending.version !== answer.version) return; // closed (or dropped) meanwhile
    this.inFlight.delete(answer.uri);
    const { doc } = pending;
    if (doc.isClosed) {
      this.settle(answer.uri, Number.MAX_SAFE_INTEGER);
      return;
    }
    if (doc.version === answer.version) {
      if (answer.error) {
        this.log.error(`checking ${doc.uri.fsPath} failed: ${answer.error}`);
        this.settle(answer.uri, answer.version);
      } else {
        const result: CheckResult = { definition: answer.definition, diagnostics: answer.diagnostics };
        rememberCheck(doc, answer.version, result);
        this.settle(answer.uri, answer.version, result);
        this.collection.set(
          doc.uri,
          answer.diagnostics.map((d) => toVscodeDiagnostic(doc, d)),
        );
        this.checked.fire({ doc, result });
      }
      this.record(doc, answer.ms, answer.version);
    } else {
      // stale: dropped; the edits made meanwhile (no check scheduled for them yet) are checked now
      this.settle(answer.uri, answer.version);
      if (!this.timers.has(answer.uri)) this.request(doc);
    }
  }

  private record(doc: vscode.TextDocument, ms: number, version: number): void {
    this.checkTimes.push(ms);
    if (this.checkTimes.length > 50) this.checkTimes.shift();
    this.lastCheck.set(doc.uri.toString(), { ms, endedAt: performance.now(), version });
  }

  /** Checks now, in-thread (the fallback, and for tests); returns the diagnostics set. */
  run(doc: vscode.TextDocument): vscode.Diagnostic[] {
    const t0 = performance.now();
    try {
      const result = checkOf(doc);
      const diagnostics = result.diagnostics.map((d) => toVscodeDiagnostic(doc, d));
      this.collection.set(doc.uri, diagnostics);
      this.checked.fire({ doc, result });
      return diagnostics;
    } catch (error) {
      this.log.error(`checking ${doc.uri.fsPath} failed: ${(error as Error)?.stack ?? error}`);
      return [];
    } finally {
      this.record(doc, performance.now() - t0, doc.version);
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
    const worker = this.worker;
    this.worker = undefined;
    this.workerFailed = true; // a disposed controller starts no worker
    this.inFlight.clear();
    this.settleAll();
    if (worker) void worker.terminate().catch(() => {});
  }
}
