// Language-support latencies on a 1,000-step workflow (bench/check.ts's generator), measured inside
// the real extension host through VS Code's command API (the editor's own path, IPC included).
// "fresh": the first request after an edit (the document version's caches are cold);
// "warm": the median of three more requests on the same version. Recorded in metrics.json.
import * as assert from 'node:assert';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { generateWorkflow } from '../../../bench/lib/generate-workflow';
import type { WeftApi } from '../../src/extension';
import { activate, metric, waitFor, workspaceUri } from './helpers';

const STEPS = 1000;
const round = (ms: number) => Number(ms.toFixed(1));

async function timed<T>(fn: () => Thenable<T> | Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** The longest the extension host's main thread went without running a 5 ms timer, until stopped:
 * how long a request arriving meanwhile could have waited (the tests run on that thread too). */
function stallMonitor(): { stop: () => number } {
  let longest = 0;
  let last = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    timer = setTimeout(tick, 5);
  };
  timer = setTimeout(tick, 5);
  return {
    stop: () => {
      clearTimeout(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

async function fresh_and_warm<T>(
  name: string,
  fn: () => Thenable<T>,
  check: (value: T) => void,
): Promise<{ fresh: number; warm: number }> {
  const first = await timed(fn);
  check(first.value);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push((await timed(fn)).ms);
  const median = warm.sort((a, b) => a - b)[1]!;
  metric(`${name}FreshMs`, round(first.ms));
  metric(`${name}WarmMs`, round(median));
  console.log(`    ${name}: fresh ${first.ms.toFixed(1)} ms, warm ${median.toFixed(1)} ms`);
  return { fresh: first.ms, warm: median };
}

describe(`Language support on a ${STEPS}-step workflow`, function () {
  this.timeout(60_000);
  let api: WeftApi;
  let doc: vscode.TextDocument;
  const uri = () => workspaceUri('big', 'bench.workflow.yaml');
  const config = () => vscode.workspace.getConfiguration('weft');

  before(async () => {
    api = await activate();
    // one deliberate error (an unknown model in s0), so "diagnostics arrived" is observable
    const text = generateWorkflow(STEPS).replace('    model: fast\n', '    model: fastest\n');
    await vscode.workspace.fs.writeFile(uri(), new TextEncoder().encode(text));
    metric('bigFile', { steps: STEPS, bytes: text.length, lines: text.split('\n').length });
    // the machine's load while measuring (shared CI boxes: read the numbers with it)
    metric('loadAverage1m', Number(os.loadavg()[0]!.toFixed(2)));
    metric('cpus', os.cpus().length);
  });

  after(async () => {
    await config().update('diagnostics.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
    if (doc?.isDirty) await doc.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // through a WorkspaceEdit, as the Explorer does: watchers and onDidDeleteFiles see it
    const remove = new vscode.WorkspaceEdit();
    remove.deleteFile(vscode.Uri.joinPath(uri(), '..'), { recursive: true, ignoreIfNotExists: true });
    assert.ok(await vscode.workspace.applyEdit(remove));
    await waitFor('the file gone', async () => {
      try {
        await vscode.workspace.fs.stat(uri());
        return undefined;
      } catch {
        return true;
      }
    });
    await vscode.commands.executeCommand('weft.refresh');
  });

  let lastCheckMs = 0;
  let lastHostMs = 0;
  let lastStallMs = 0;
  const errors = () =>
    vscode.languages.getDiagnostics(uri()).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

  async function editAndWait(find: string, replace: string, expectErrors: number): Promise<number> {
    const at = doc.getText().indexOf(find);
    assert.ok(at >= 0, find);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + find.length)), replace);
    let changed = 0;
    const listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && !changed) changed = performance.now();
    });
    const t0 = performance.now();
    const stalls = stallMonitor();
    assert.ok(await vscode.workspace.applyEdit(edit));
    listener.dispose();
    const applied = performance.now() - t0;
    await waitFor(`${expectErrors} errors`, () => errors().length === expectErrors || undefined, 15_000, 2);
    const total = performance.now() - t0;
    lastStallMs = stalls.stop();
    const check = api.diagnostics.lastCheck.get(uri().toString())!;
    console.log(
      `    edit: applyEdit ${applied.toFixed(0)} ms, check ${check.ms.toFixed(0)} ms, check ended at +${(check.endedAt - t0).toFixed(0)} ms, seen at +${total.toFixed(0)} ms`,
    );
    lastCheckMs = check.ms;
    // from the change event in the extension host (what a keystroke starts) to the diagnostics
    lastHostMs = check.endedAt - changed;
    console.log(`    longest main-thread stall meanwhile ${lastStallMs.toFixed(0)} ms`);
    return total;
  }

  it('opening the file: first diagnostics', async () => {
    const t0 = performance.now();
    const stalls = stallMonitor();
    doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    const ds = await waitFor(
      'the first diagnostics',
      () => (errors().length ? errors() : undefined),
      15_000,
      2,
    );
    const ms = performance.now() - t0;
    const stall = stalls.stop();
    assert.strictEqual(ds.length, 1, ds.map((d) => d.message).join('\n'));
    assert.match(ds[0]!.message, /fastest/);
    metric('bigOpenToDiagnosticsMs', round(ms));
    const check = api.diagnostics.lastCheck.get(uri().toString())!;
    metric('bigFirstCheckMs', round(check.ms));
    metric('bigOpenMainThreadStallMs', round(stall));
    console.log(
      `    open -> diagnostics ${ms.toFixed(1)} ms (check ${check.ms.toFixed(1)} ms; longest main-thread stall ${stall.toFixed(0)} ms)`,
    );
  });

  it('an edit: updated diagnostics, with the default debounce and without', async () => {
    const debounce = config().get<number>('diagnostics.debounceMs');
    const withDebounce = await editAndWait(
      '  - id: s497\n    kind: llm\n    model: fast\n',
      '  - id: s497\n    kind: llm\n    model: faster\n',
      2,
    );
    metric('bigEditToDiagnosticsMs', round(withDebounce));
    metric('debounceMs', debounce);
    metric('bigRecheckMs', round(lastCheckMs));
    metric('bigChangeEventToDiagnosticsMs', round(lastHostMs));
    await config().update('diagnostics.debounceMs', 0, vscode.ConfigurationTarget.Workspace);
    const without = await editAndWait(
      '  - id: s700\n    kind: llm\n    model: fast\n',
      '  - id: s700\n    kind: llm\n    model: quick\n',
      3,
    );
    metric('bigEditToDiagnosticsNoDebounceMs', round(without));
    metric('bigRecheckNoDebounceMs', round(lastCheckMs));
    metric('bigChangeEventToDiagnosticsNoDebounceMs', round(lastHostMs));
    metric('bigEditMainThreadStallNoDebounceMs', round(lastStallMs));
    // back to the default: the requests below measure the providers, not a check racing them
    await config().update('diagnostics.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
    console.log(
      `    edit -> diagnostics ${withDebounce.toFixed(1)} ms (debounce ${debounce} ms), ${without.toFixed(1)} ms without; re-check ${lastCheckMs.toFixed(1)} ms`,
    );
  });

  it('completion while a diagnostics check runs (debounce 0)', async () => {
    // the edit starts a check at once; the completion request right after it must not wait for it
    await config().update('diagnostics.debounceMs', 0, vscode.ConfigurationTarget.Workspace);
    const anchor = '  - id: s980\n';
    const at = doc.getText().indexOf(anchor) + anchor.length;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at), '    needs: []\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const version = doc.version;
    const { ms, value: list } = await timed(() =>
      vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        doc.uri,
        doc.positionAt(at + '    needs: ['.length),
      ),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('s979'), `${labels.length} labels`);
    // and the check of that version still lands
    await waitFor(
      'the check of the edit',
      () => api.diagnostics.lastCheck.get(uri().toString())?.version === version || undefined,
      15_000,
      2,
    );
    metric('bigCompletionDuringCheckMs', round(ms));
    metric('checksInWorker', api.diagnostics.usesWorker);
    console.log(
      `    completion during a check ${ms.toFixed(1)} ms (checks in a worker: ${api.diagnostics.usesWorker})`,
    );
    await config().update('diagnostics.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('completion at `needs: [` and inside `${{ steps.`', async () => {
    const anchor = '  - id: s990\n';
    let at = doc.getText().indexOf(anchor) + anchor.length;
    let edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at), '    needs: []\n');
    await vscode.workspace.applyEdit(edit);
    const needsPos = doc.positionAt(at + '    needs: ['.length);
    await fresh_and_warm(
      'bigCompletionNeeds',
      () =>
        vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          doc.uri,
          needsPos,
        ),
      (list) => {
        const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        assert.ok(labels.includes('s989') && labels.includes('s0'), `${labels.length} labels`);
      },
    );

    const prompt = doc.getText().indexOf('prompt: "Step 994: ');
    at = prompt + 'prompt: "Step 994: '.length;
    edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at), '${{ steps. }} ');
    await vscode.workspace.applyEdit(edit);
    const stepsPos = doc.positionAt(at + '${{ steps.'.length);
    await fresh_and_warm(
      'bigCompletionSteps',
      () =>
        vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          doc.uri,
          stepsPos,
          '.',
        ),
      (list) => {
        const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        assert.ok(labels.includes('s993'), `${labels.length} labels: ${labels.slice(0, 5)}`);
      },
    );
  });

  it('hover, rename and document symbols', async () => {
    // a fresh version first (a one-character edit far away), as after typing
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(doc.getText().indexOf('prompt: "Step 7:') + 'prompt: "'.length), 'x');
    await vscode.workspace.applyEdit(edit);
    const ref = doc.getText().indexOf('steps.s998.output');
    assert.ok(ref > 0);
    const hoverPos = doc.positionAt(ref + 'steps.'.length + 1);
    await fresh_and_warm(
      'bigHover',
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, hoverPos),
      (hovers) => assert.ok(hovers.length > 0, 'no hover'),
    );

    const e2 = new vscode.WorkspaceEdit();
    e2.insert(doc.uri, doc.positionAt(doc.getText().indexOf('prompt: "Step 14:') + 'prompt: "'.length), 'y');
    await vscode.workspace.applyEdit(e2);
    await fresh_and_warm(
      'bigDocumentSymbols',
      () =>
        vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
          'vscode.executeDocumentSymbolProvider',
          doc.uri,
        ),
      (symbols) => {
        const steps = symbols.find((s) => s.name === 'steps');
        assert.strictEqual(steps?.children.length, STEPS);
      },
    );

    const e3 = new vscode.WorkspaceEdit();
    e3.insert(doc.uri, doc.positionAt(doc.getText().indexOf('prompt: "Step 21:') + 'prompt: "'.length), 'z');
    await vscode.workspace.applyEdit(e3);
    const idPos = doc.positionAt(doc.getText().indexOf('  - id: s499\n') + '  - id: s'.length);
    await fresh_and_warm(
      'bigRename',
      () =>
        vscode.commands.executeCommand<vscode.WorkspaceEdit>(
          'vscode.executeDocumentRenameProvider',
          doc.uri,
          idPos,
          'renamed',
        ),
      (we) => assert.ok(we.get(doc.uri).length >= 2, `${we.get(doc.uri).length} edits`),
    );
  });
});
