// Which open documents are workflows, and a per-version cache of what the language module says
// about them (so completion, hover and diagnostics share one parse per edit).
import * as vscode from 'vscode';
import type { Span, WorkflowIndex } from '../language/analysis.js';
import type { CheckResult } from '../language/runtime.js';
import { isWorkflowFile, WORKFLOW_GLOBS } from '../language/selector.js';
import { language } from './lazy.js';

/** Providers are registered for these; `isWorkflowDocument` narrows plain YAML to modeline files. */
export const WORKFLOW_SELECTOR: vscode.DocumentSelector = [
  ...WORKFLOW_GLOBS.map((pattern) => ({ pattern })),
  { language: 'yaml' },
];

export function isWorkflowDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme === 'output' || doc.uri.scheme === 'git') return false;
  if (doc.languageId !== 'yaml' && !isWorkflowFile(doc.fileName, '')) return false;
  const firstLine = doc.lineCount > 0 ? doc.lineAt(0).text : '';
  return isWorkflowFile(doc.fileName, firstLine);
}

interface Entry {
  version: number;
  index?: WorkflowIndex;
  check?: CheckResult;
}

const cache = new Map<string, Entry>();

function entry(doc: vscode.TextDocument): Entry {
  const key = doc.uri.toString();
  let e = cache.get(key);
  if (!e || e.version !== doc.version) {
    e = { version: doc.version };
    cache.set(key, e);
  }
  return e;
}

export function indexOf(doc: vscode.TextDocument): WorkflowIndex {
  const e = entry(doc);
  e.index ??= language().analyze(doc.getText());
  return e.index;
}

export function checkOf(doc: vscode.TextDocument): CheckResult {
  const e = entry(doc);
  // sub-workflows of a file on disk are read relative to it (as the diagnostics worker does)
  e.check ??= language().checkWorkflow(
    doc.getText(),
    doc.uri.scheme === 'file' ? { file: doc.uri.fsPath, resolve: language().fileWorkflowResolver } : {},
  );
  return e.check;
}

/** The check of the current version, if one was made already. */
export function cachedCheck(doc: vscode.TextDocument): CheckResult | undefined {
  const e = cache.get(doc.uri.toString());
  return e && e.version === doc.version ? e.check : undefined;
}

/** A check made elsewhere (the check worker) for `version`: kept if that is still the current one. */
export function rememberCheck(doc: vscode.TextDocument, version: number, check: CheckResult): void {
  if (doc.version !== version) return;
  const e = entry(doc);
  e.check ??= check;
}

export function forget(doc: vscode.TextDocument): void {
  cache.delete(doc.uri.toString());
}

export function toRange(doc: vscode.TextDocument, span: Span): vscode.Range {
  return new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
}
