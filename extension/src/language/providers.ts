// Thin adapters from the pure language service (../language) to VS Code's provider interfaces.
import * as vscode from 'vscode';
import {
  cachedCheck,
  checkOf,
  indexOf,
  isWorkflowDocument,
  toRange,
  WORKFLOW_SELECTOR,
} from '../vscode/documents.js';
import { language } from '../vscode/lazy.js';
import type { OutlineSymbol } from './analysis.js';
import type { CompletionKind } from './completion.js';
import type { CheckResult } from './runtime.js';
import { subWorkflowAt } from './sub-workflow-link.js';

const COMPLETION_KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  step: vscode.CompletionItemKind.Function,
  model: vscode.CompletionItemKind.Constant,
  agent: vscode.CompletionItemKind.Class,
  tool: vscode.CompletionItemKind.Method,
  input: vscode.CompletionItemKind.Variable,
  field: vscode.CompletionItemKind.Field,
  variable: vscode.CompletionItemKind.Variable,
};

const SYMBOL_KIND: Record<OutlineSymbol['kind'], vscode.SymbolKind> = {
  step: vscode.SymbolKind.Function,
  section: vscode.SymbolKind.Namespace,
  model: vscode.SymbolKind.Constant,
  agent: vscode.SymbolKind.Class,
  tool: vscode.SymbolKind.Method,
  input: vscode.SymbolKind.Variable,
  output: vscode.SymbolKind.Property,
};

/** The checked definition, when the file is valid enough to have one (for output schemas). */
function definitionOf(doc: vscode.TextDocument) {
  try {
    return checkOf(doc).definition;
  } catch {
    return undefined;
  }
}

/** Checks a document's current version off the main thread (the diagnostics worker). */
export interface Checker {
  checkNow(doc: vscode.TextDocument): Promise<CheckResult | undefined>;
}

export function registerLanguageProviders(context: vscode.ExtensionContext, checker?: Checker): void {
  const completion: vscode.CompletionItemProvider = {
    provideCompletionItems(doc, position) {
      if (!isWorkflowDocument(doc)) return undefined;
      const offset = doc.offsetAt(position);
      const entries = language().complete(doc.getText(), offset, {
        index: indexOf(doc),
        definition: () => definitionOf(doc),
      });
      return entries.map((e) => {
        const item = new vscode.CompletionItem(e.label, COMPLETION_KIND[e.kind]);
        item.detail = e.detail;
        if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
        item.insertText = e.insertText ?? e.label;
        item.range = toRange(doc, e.replace);
        item.sortText = e.sortText;
        return item;
      });
    },
  };

  const hovers: vscode.HoverProvider = {
    async provideHover(doc, position) {
      if (!isWorkflowDocument(doc)) return undefined;
      const version = doc.version;
      const text = doc.getText();
      const offset = doc.offsetAt(position);
      // The definition (for output schemas) comes from a check: cached for this version, else the
      // worker's (awaited, the main thread stays free), else an in-thread one.
      let check = cachedCheck(doc);
      let wanted = false;
      const compute = () =>
        language().hover(text, offset, {
          index: indexOf(doc),
          definition: () => {
            if (check || !checker) return check ? check.definition : definitionOf(doc);
            wanted = true;
            return undefined;
          },
        });
      let h = compute();
      if (wanted && checker) {
        check = (await checker.checkNow(doc)) ?? { diagnostics: [] };
        if (doc.isClosed || doc.version !== version) return undefined;
        h = compute();
      }
      if (!h) return undefined;
      return new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(doc, h.span));
    },
  };

  const definitions: vscode.DefinitionProvider = {
    provideDefinition(doc, position) {
      if (!isWorkflowDocument(doc)) return undefined;
      const child = subWorkflowAt(doc.getText(), doc.offsetAt(position));
      if (child)
        return new vscode.Location(vscode.Uri.joinPath(doc.uri, '..', child.ref), new vscode.Position(0, 0));
      const index = indexOf(doc);
      const symbol = language().symbolAt(index, doc.offsetAt(position));
      if (!symbol) return undefined;
      const d = language().findDefinition(index, symbol.kind, symbol.name);
      return d ? new vscode.Location(doc.uri, toRange(doc, d.span)) : undefined;
    },
  };

  const references: vscode.ReferenceProvider = {
    provideReferences(doc, position, ctx) {
      if (!isWorkflowDocument(doc)) return undefined;
      const index = indexOf(doc);
      const symbol = language().symbolAt(index, doc.offsetAt(position));
      if (!symbol) return undefined;
      return language()
        .findReferences(index, symbol.kind, symbol.name, ctx.includeDeclaration)
        .map((s) => new vscode.Location(doc.uri, toRange(doc, s)));
    },
  };

  const renames: vscode.RenameProvider = {
    prepareRename(doc, position) {
      if (!isWorkflowDocument(doc)) throw new Error('Not a Weft workflow.');
      const symbol = language().prepareRename(indexOf(doc), doc.offsetAt(position));
      if (!symbol)
        throw new Error('Only declared step ids, models, agents, tools and inputs can be renamed.');
      return { range: toRange(doc, symbol.span), placeholder: symbol.name };
    },
    provideRenameEdits(doc, position, newName) {
      if (!isWorkflowDocument(doc)) return undefined;
      const result = language().rename(indexOf(doc), doc.offsetAt(position), newName);
      if (!result.ok) throw new Error(result.message);
      const edit = new vscode.WorkspaceEdit();
      for (const e of result.edits) edit.replace(doc.uri, toRange(doc, e), e.newText);
      return edit;
    },
  };

  const symbols: vscode.DocumentSymbolProvider = {
    provideDocumentSymbols(doc) {
      if (!isWorkflowDocument(doc)) return undefined;
      const convert = (s: OutlineSymbol): vscode.DocumentSymbol => {
        const symbol = new vscode.DocumentSymbol(
          s.name,
          s.detail,
          SYMBOL_KIND[s.kind],
          toRange(doc, s.span),
          toRange(doc, s.selectionSpan),
        );
        symbol.children = s.children.map(convert);
        return symbol;
      };
      return language().outline(indexOf(doc)).map(convert);
    },
  };

  // Run | Debug only where running is allowed; they appear once the workspace is trusted.
  const lensesChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    lensesChanged,
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensesChanged.fire()),
  );
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses(doc) {
      if (!isWorkflowDocument(doc) || !vscode.workspace.isTrusted) return [];
      const top = new vscode.Range(0, 0, 0, 0);
      return [
        new vscode.CodeLens(top, { title: '$(play) Run', command: 'weft.runWorkflow', arguments: [doc.uri] }),
        new vscode.CodeLens(top, {
          title: '$(debug-alt) Debug',
          command: 'weft.debugWorkflow',
          arguments: [doc.uri],
        }),
      ];
    },
  };

  const selector = WORKFLOW_SELECTOR;
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(selector, completion, '.', ' ', ':', '[', ','),
    vscode.languages.registerHoverProvider(selector, hovers),
    vscode.languages.registerDefinitionProvider(selector, definitions),
    vscode.languages.registerReferenceProvider(selector, references),
    vscode.languages.registerRenameProvider(selector, renames),
    vscode.languages.registerDocumentSymbolProvider(selector, symbols, { label: 'Weft workflow' }),
    vscode.languages.registerCodeLensProvider(selector, lenses),
  );
}
