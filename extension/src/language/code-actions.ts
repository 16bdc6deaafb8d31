// Quick fixes (code actions) from the weft diagnostics of the same check: see quick-fixes.ts.
import * as vscode from 'vscode';
import { checkOf, isWorkflowDocument, WORKFLOW_SELECTOR } from '../vscode/documents.js';
import { quickFixes } from './quick-fixes.js';
import type { StepSpec } from './runtime.js';

export function registerQuickFixes(context: vscode.ExtensionContext): void {
  const provider: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, ctx) {
      if (!isWorkflowDocument(doc)) return [];
      const text = doc.getText();
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of ctx.diagnostics) {
        if (diagnostic.source !== 'weft') continue;
        const code =
          typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code ?? '');
        const fixes = quickFixes(text, {
          code,
          message: diagnostic.message,
          start: doc.offsetAt(diagnostic.range.start),
          end: doc.offsetAt(diagnostic.range.end),
        });
        for (const fix of fixes) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          if (fix.kind === 'replace') {
            action.edit = new vscode.WorkspaceEdit();
            action.edit.replace(
              doc.uri,
              new vscode.Range(doc.positionAt(fix.start), doc.positionAt(fix.end)),
              fix.text,
            );
            action.isPreferred = fix.preferred;
          } else if (fix.kind === 'snippet') {
            action.edit = new vscode.WorkspaceEdit();
            const at = doc.positionAt(fix.at);
            action.edit.set(doc.uri, [
              new vscode.SnippetTextEdit(new vscode.Range(at, at), new vscode.SnippetString(fix.snippet)),
            ]);
          } else {
            action.command = { command: 'weft.revealStep', title: fix.title, arguments: [doc.uri, fix.step] };
          }
          actions.push(action);
        }
      }
      return actions;
    },
  };
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(WORKFLOW_SELECTOR, provider, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    vscode.commands.registerCommand('weft.revealStep', revealStep),
  );
}

/** Selects a step's id in its file (opening it), e.g. the other end of a dependency cycle. */
export async function revealStep(uri: vscode.Uri, step: string): Promise<vscode.TextEditor | undefined> {
  const doc = await vscode.workspace.openTextDocument(uri);
  let range: vscode.Range | undefined;
  const find = (steps: StepSpec[]): StepSpec | undefined => {
    for (const s of steps) {
      if (s.id === step) return s;
      const inner = s.kind === 'parallel' ? find(s.steps) : s.kind === 'map' ? find([s.step]) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const found = find(checkOf(doc).definition?.steps ?? []);
  if (found?.range)
    range = new vscode.Range(doc.positionAt(found.range.start), doc.positionAt(found.range.end));
  else {
    const m = new RegExp(`\\bid:\\s*["']?(${step.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})\\b`).exec(
      doc.getText(),
    );
    if (m) {
      const start = m.index + m[0].length - m[1]!.length;
      range = new vscode.Range(doc.positionAt(start), doc.positionAt(start + step.length));
    }
  }
  if (!range) return undefined;
  return vscode.window.showTextDocument(doc, { selection: range, preserveFocus: false });
}
