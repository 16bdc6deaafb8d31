// Language features inside the real extension host, through VS Code's own command API
// (the same path the editor takes), on a copy of test/fixtures/workflow.yaml.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ActivationTime, WeftApi } from '../../src/extension';
import { EXTENSION_ID, metric, screenshot, waitFor } from './helpers';

function workflowUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, 'workflow.yaml');
}

function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `not in the document: ${needle}`);
  return doc.positionAt(i + delta);
}

async function replaceAll(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

describe('Weft language features in the extension host', () => {
  let api: WeftApi;
  let doc: vscode.TextDocument;
  let original: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<WeftApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in the host`);
    api = await ext.activate();
    doc = await vscode.workspace.openTextDocument(workflowUri());
    original = doc.getText();
    await vscode.window.showTextDocument(doc);
  });

  afterEach(async () => {
    if (doc.getText() !== original) await replaceAll(doc, original);
  });

  it('activated on workspaceContains:**/workflow.yaml and recorded its activation time', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.ok(ext.isActive);
    const t = await vscode.commands.executeCommand<ActivationTime>('weft.internal.activationTime');
    assert.ok(t && t.activationMs > 0 && t.activateEndMs >= t.activateStartMs, JSON.stringify(t));
    console.log(
      `    activation ${t.activationMs.toFixed(1)} ms = load ${t.loadMs.toFixed(1)} ms + activate ${t.activateMs.toFixed(1)} ms; vscode ${vscode.version}`,
    );
    metric('activationMs', Number(t.activationMs.toFixed(1)));
    metric('loadMs', Number(t.loadMs.toFixed(1)));
    metric('activateMs', Number(t.activateMs.toFixed(1)));
    metric('hostWaitBetweenLoadAndActivateMs', Number((t.activateStartMs - t.loadEndMs).toFixed(1)));
    assert.strictEqual(doc.languageId, 'yaml', 'workflow files stay plain yaml');
  });

  it('reports no problems on the valid fixture', async () => {
    api.diagnostics.run(doc);
    assert.deepStrictEqual(
      vscode.languages.getDiagnostics(doc.uri).map((d) => d.message),
      [],
    );
  });

  it('shows an unknown-step diagnostic at the right range after an edit (debounced)', async () => {
    const t0 = Date.now();
    const edit = new vscode.WorkspaceEdit();
    const at = positionOf(doc, 'needs: [classify]', 'needs: ['.length);
    edit.replace(doc.uri, new vscode.Range(at, at.translate(0, 'classify'.length)), 'clasify');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diagnostics = await waitFor('a diagnostic', () => {
      const ds = vscode.languages.getDiagnostics(doc.uri);
      return ds.length ? ds : undefined;
    });
    metric('editToDiagnosticMs', Date.now() - t0);
    assert.strictEqual(diagnostics.length, 1, diagnostics.map((d) => d.message).join('\n'));
    const d = diagnostics[0]!;
    assert.strictEqual(d.code, 'unknown-step');
    assert.strictEqual(d.source, 'weft');
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /clasify.*did you mean `classify`/);
    assert.deepStrictEqual(
      [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
      [at.line, at.character, at.line, at.character + 'clasify'.length],
    );
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(d.range.start, d.range.start);
    editor.revealRange(d.range, vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('weft-diagnostics');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('completes step ids in needs and output fields inside templates', async () => {
    const at = positionOf(doc, 'needs: [classify]', 'needs: ['.length);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, at, 'classify, ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      at.translate(0, 'classify, '.length),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const id of ['classify', 'sales_reply', 'other_reply'])
      assert.ok(labels.includes(id), `${id} not in ${labels}`);
    assert.ok(!labels.includes('route'), 'a step cannot need itself');

    await replaceAll(doc, original);
    const prompt = positionOf(doc, 'Route this message: ', 'Route this message: '.length);
    const e2 = new vscode.WorkspaceEdit();
    e2.insert(doc.uri, prompt, '${{ steps.classify.output.');
    assert.ok(await vscode.workspace.applyEdit(e2));
    const fields = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      prompt.translate(0, '${{ steps.classify.output.'.length),
      '.',
    );
    const fieldLabels = fields.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(fieldLabels.includes('category') && fieldLabels.includes('confidence'), String(fieldLabels));
  });

  it('renames a step id everywhere, expressions included', async () => {
    const at = positionOf(doc, 'id: classify', 'id: '.length + 2);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      doc.uri,
      at,
      'triage',
    );
    const edits = edit.get(doc.uri);
    assert.strictEqual(edits.length, 5, 'declaration, needs, two in `when`, one in a prompt');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const text = doc.getText();
    assert.ok(!text.includes('classify'));
    assert.ok(text.includes('needs: [triage]'));
    assert.ok(text.includes('steps.triage.output.category == "sales"'));
    api.diagnostics.run(doc);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(doc.uri), [], 'renamed file still checks');
  });

  it('lists steps as document symbols', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      doc.uri,
    );
    const steps = symbols.find((s) => s.name === 'steps');
    assert.ok(steps, `no steps section in ${symbols.map((s) => s.name)}`);
    assert.deepStrictEqual(
      steps.children.map((c) => `${c.name}:${c.detail}`),
      ['classify:llm', 'route:decision', 'sales_reply:llm', 'other_reply:llm'],
    );
  });

  it('goes to the definition and finds references of a step, and hovers show output types', async () => {
    const ref = positionOf(doc, 'steps.classify.output.category ==', 'steps.'.length + 1);
    const defs = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      'vscode.executeDefinitionProvider',
      doc.uri,
      ref,
    );
    const def = defs[0]!;
    const range = 'range' in def ? def.range : def.targetRange;
    assert.strictEqual(doc.getText(range), 'classify');
    assert.strictEqual(range.start.line, positionOf(doc, 'id: classify').line);

    const refs = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider',
      doc.uri,
      ref,
    );
    assert.strictEqual(refs.length, 5);

    const field = positionOf(doc, 'output.category ==', 'output.'.length + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      field,
    );
    const text = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
      .join('\n');
    assert.match(text, /"sales" \| "support" \| "other"/);
  });

  it('puts Run | Debug code lenses at the top', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      doc.uri,
    );
    assert.deepStrictEqual(
      lenses.map((l) => [l.range.start.line, l.command?.command]),
      [
        [0, 'weft.runWorkflow'],
        [0, 'weft.debugWorkflow'],
      ],
    );
  });

  it('shows the Weft views with the workspace workflows', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.weft');
    await waitFor('the Workflows view', () => api.workflowsView.visible || undefined);
    const items = await api.workflows.getChildren();
    assert.deepStrictEqual(items.map((i) => i.label).sort(), ['hello', 'triage']);
    // the suggest widget, for the screenshot: complete step ids in `otherwise`
    await vscode.window.showTextDocument(doc);
    const at = positionOf(doc, 'otherwise: [other_reply]', 'otherwise: ['.length);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(at, at.translate(0, 'other_reply'.length)), 'sa');
    await vscode.workspace.applyEdit(edit);
    const editor = vscode.window.activeTextEditor!;
    editor.selection = new vscode.Selection(at.translate(0, 2), at.translate(0, 2));
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await new Promise((r) => setTimeout(r, 800));
    await screenshot('weft-views-completion');
    await vscode.commands.executeCommand('hideSuggestWidget');
  });
});
