// The workflow graph and the last-run CodeLens in the real extension host: the graph of every sample
// (the model the webview reports drawing, a screenshot each), both-way sync with the YAML, redraw on
// edit, export, node statuses from a real run, and CodeLens figures against that run's record.
// Runs after runs.test (file order): the local weft serve it started serves test/fixtures/hello.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GraphReport, ToWebview } from '../../src/graph/protocol';
import type { GraphSnapshot } from '../../src/graph/register';
import type { RunsSnapshot } from '../../src/runs/controller';
import type { RunRecord, TraceSpan } from '../../src/runtime-client/client';
import { activate, metric, repoDir, screenshot, waitFor, workspaceUri } from './helpers';

const graph = () => vscode.commands.executeCommand<GraphSnapshot>('weft.internal.graphSnapshot');
const post = (message: ToWebview, exportTo?: string) =>
  vscode.commands.executeCommand<boolean>('weft.internal.graphPost', message, exportTo);

async function drawn(
  what: string,
  ok: (r: GraphReport) => boolean,
  timeoutMs = 20_000,
): Promise<GraphReport> {
  return waitFor(
    what,
    async () => {
      const r = (await graph()).report;
      return r && ok(r) ? r : undefined;
    },
    timeoutMs,
  );
}

const edges = (r: GraphReport) => r.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);

describe('Weft workflow graph and last-run figures', function () {
  this.timeout(90_000);

  before(async () => {
    await activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const sample of ['sales-inquiry', 'research', 'debate', 'http-tool']) {
    it(`draws the graph of samples/${sample}`, async () => {
      const uri = vscode.Uri.file(path.join(repoDir(), 'samples', sample, 'workflow.yaml'));
      const text = fs.readFileSync(uri.fsPath, 'utf8');
      const t0 = Date.now();
      await vscode.commands.executeCommand('weft.showGraph', uri);
      const report = await drawn(`the graph of ${sample}`, (r) => r.workflow === sample);
      metric(`graphOpen_${sample}_ms`, Date.now() - t0);
      // every step declared in the file is a node; every edge joins two drawn nodes
      const declared = [...text.matchAll(/^\s*(?:- )?(?:\{ )?id: ([\w-]+)/gm)].map((m) => m[1]!);
      const ids = new Set(report.nodes.map((n) => n.id));
      for (const id of declared) assert.ok(ids.has(id), `${id} not drawn`);
      for (const e of report.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `${e.from} -> ${e.to}`);
      for (const n of report.nodes)
        assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `${n.id} not placed`);
      if (sample === 'sales-inquiry') {
        assert.deepStrictEqual(edges(report), [
          'classify -needs-> route',
          'route -branch-> sales_reply',
          'route -otherwise-> general_reply',
        ]);
        assert.match(report.edges[1]!.label!, /^steps\.classify\.output\.category == "sales"/);
        assert.strictEqual(report.edges[2]!.label, 'otherwise');
      }
      if (sample === 'research') {
        assert.deepStrictEqual(edges(report), [
          'summarize -each-> summarize_topic',
          'summarize_topic -join-> summarize#join',
          'summarize#join -needs-> perspectives',
          'perspectives -fanout-> benefits',
          'benefits -join-> perspectives#join',
          'perspectives -fanout-> risks',
          'risks -join-> perspectives#join',
          'perspectives#join -needs-> merge',
        ]);
        // laid out top to bottom: each edge goes down
        const y = new Map(report.nodes.map((n) => [n.id, n.y]));
        for (const e of report.edges) assert.ok(y.get(e.from)! < y.get(e.to)!, `${e.from} above ${e.to}`);
      }
      await screenshot(`weft-graph-${sample}`, 900);
    });
  }

  it('selects the step in the YAML when a node is clicked, and highlights the node under the cursor', async () => {
    const uri = workspaceUri('workflow.yaml');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('weft.showGraph', uri);
    await drawn('the fixture graph', (r) => r.nodes.some((n) => n.id === 'route'));

    assert.ok(await post({ type: 'click', id: 'route' }));
    const editor = await waitFor('the selection on `route`', () => {
      const e = vscode.window.visibleTextEditors.find((x) => x.document.uri.toString() === uri.toString());
      return e && e.document.getText(e.selection) === 'route' ? e : undefined;
    });
    assert.strictEqual(
      editor.selection.start.line,
      editor.document
        .getText()
        .split('\n')
        .findIndex((l) => /- id: route/.test(l)),
    );

    const text = editor.document.getText();
    const inReply = editor.document.positionAt(text.indexOf('prompt', text.indexOf('id: sales_reply')));
    editor.selection = new vscode.Selection(inReply, inReply);
    const report = await drawn('sales_reply highlighted', (r) => r.highlighted === 'sales_reply');
    assert.deepStrictEqual(
      report.nodes.filter((n) => n.highlighted).map((n) => n.id),
      ['sales_reply'],
    );
  });

  it('redraws when the YAML changes, and marks a step with a diagnostic', async () => {
    const uri = workspaceUri('workflow.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const before = (await graph()).report!;
    const original = doc.getText();
    await editor.edit((b) =>
      b.insert(
        doc.positionAt(doc.getText().length),
        '\n  - id: follow_up\n    kind: llm\n    model: fsat\n    prompt: "Follow up on ${{ steps.sales_reply.output.text }}"\n',
      ),
    );
    const after = await drawn('follow_up drawn', (r) => r.nodes.some((n) => n.id === 'follow_up'));
    assert.strictEqual(after.nodes.length, before.nodes.length + 1);
    assert.ok(edges(after).includes('sales_reply -needs-> follow_up'), edges(after).join('\n'));
    assert.ok(after.nodes.find((n) => n.id === 'follow_up')!.problems, 'the unknown model marks the step');
    assert.ok(!after.layoutReused);
    await screenshot('weft-graph-edited', 900);

    // an edit inside a prompt keeps the structure: the layout is reused
    const prompt = doc.getText().indexOf('Follow up on');
    await editor.edit((b) => b.insert(doc.positionAt(prompt), 'Please '));
    const same = await drawn('redrawn after a prompt edit', (r) => r.sentAt > after.sentAt);
    assert.ok(same.layoutReused);
    await editor.edit((b) =>
      b.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original),
    );
    await doc.save();
    await drawn('follow_up gone after revert', (r) => !r.nodes.some((n) => n.id === 'follow_up'));
  });

  it('offers quick fixes from the check: did-you-mean replacements and both ends of a cycle', async () => {
    const uri = workspaceUri('workflow.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const original = doc.getText();
    try {
      const at = original.indexOf('model: fast', original.indexOf('id: sales_reply')) + 'model: '.length;
      await editor.edit((b) =>
        b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 4)), 'fsat'),
      );
      const typo = await waitFor('the unknown-model diagnostic', () =>
        vscode.languages.getDiagnostics(uri).find((d) => d.code === 'unknown-model'),
      );
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        typo.range,
      );
      const fix = actions.find((a) => a.title === 'Change `fsat` to `fast`');
      assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
      assert.ok(fix.isPreferred);
      await vscode.workspace.applyEdit(fix.edit);
      assert.strictEqual(doc.getText(), original);

      // a cycle: route needs sales_reply, which route chooses
      const routeNeeds =
        original.indexOf('needs: [classify]', original.indexOf('id: route')) + 'needs: [classify'.length;
      await editor.edit((b) => b.insert(doc.positionAt(routeNeeds), ', sales_reply'));
      const cycle = await waitFor('the cycle diagnostic', () =>
        vscode.languages.getDiagnostics(uri).find((d) => d.code === 'cycle'),
      );
      const opens = (
        await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          uri,
          cycle.range,
        )
      ).filter((a) => a.command?.command === 'weft.revealStep');
      assert.deepStrictEqual(opens.map((a) => a.command!.arguments![1]).sort(), ['route', 'sales_reply']);
      for (const open of opens) {
        const step = open.command!.arguments![1] as string;
        await vscode.commands.executeCommand(open.command!.command, ...open.command!.arguments!);
        const active = vscode.window.activeTextEditor!;
        assert.strictEqual(active.document.getText(active.selection), step);
      }
    } finally {
      await editor.edit((b) =>
        b.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original),
      );
      await doc.save();
    }
  });

  it('exports the graph to an SVG file with the theme colours resolved', async () => {
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weft-graph-')), 'graph.svg');
    assert.ok(await post({ type: 'command', command: 'export' }, target));
    await waitFor('the SVG file', () => fs.existsSync(target) || undefined);
    const svg = fs.readFileSync(target, 'utf8');
    assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const id of ['classify', 'route', 'sales_reply', 'other_reply'])
      assert.ok(svg.includes(`>${id}<`), id);
    assert.ok(!svg.includes('var(--'), 'theme variables resolved');
    fs.copyFileSync(target, path.join(repoDir(), 'artifacts', 'weft-graph-fixture.svg'));
  });

  it('shows a real run on the nodes, and the same figures in the CodeLens, from the run record', async () => {
    const hello = workspaceUri('hello', 'workflow.yaml');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('weft.showGraph', hello);
    await drawn('the hello graph', (r) => r.workflow === 'hello');
    const run = await vscode.commands.executeCommand<RunRecord | undefined>('weft.runWorkflow', {
      uri: hello,
      inputs: { topic: 'graphs' },
    });
    assert.ok(run && run.status === 'succeeded', JSON.stringify(run?.error));
    const report = await drawn(
      'both steps succeeded on the graph',
      (r) =>
        r.nodes.filter((n) => n.status === 'succeeded').length === 2 &&
        !!r.runLabel?.includes(run.runId.slice(0, 8)),
    );
    for (const n of report.nodes) assert.match(n.figures ?? '', /^✓ \d+ ms · \d+ tokens · \$0\.0000$/, n.id);
    await screenshot('weft-graph-run', 900);

    // the record, as the runtime serves it
    const runs = await vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');
    assert.ok(runs.runtimeUrl);
    const record = (await (await fetch(`${runs.runtimeUrl}/runs/${run.runId}`)).json()) as RunRecord;
    const spans = record.trace as TraceSpan[];
    const expected = (step: string) => {
      const span = spans.find(
        (s) => s.kind === 'step' && (s.stepId === step || s.attributes['weft.step.key'] === step),
      )!;
      const calls = spans.filter((s) => s.parentSpanId === span.spanId && s.kind === 'model_call');
      const tokens = calls.reduce(
        (n, s) =>
          n +
          Number(s.attributes['gen_ai.usage.input_tokens']) +
          Number(s.attributes['gen_ai.usage.output_tokens']),
        0,
      );
      const cost = calls.reduce((n, s) => n + Number(s.attributes['weft.cost_usd']), 0);
      const ms = Date.parse(span.endedAt!) - Date.parse(span.startedAt);
      assert.ok(ms < 1000 && tokens < 1000, 'the mock model keeps these small');
      return {
        title: `✓ ${Math.round(ms)} ms · ${tokens} tokens · $${cost.toFixed(4)}`,
        spanId: span.spanId,
      };
    };
    const doc = await vscode.workspace.openTextDocument(hello);
    let seen = '';
    const lenses = await waitFor('the CodeLenses of the run', async () => {
      const all = (
        await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', hello)
      )?.filter((l) => l.command?.command === 'weft.showStepSpan');
      seen = JSON.stringify(all?.map((l) => [l.command?.title, l.command?.arguments]));
      return all?.length === 2 && all.every((l) => l.command?.arguments?.[0] === run.runId) ? all : undefined;
    }).catch((error) => {
      throw new Error(`${error.message}; last seen: ${seen}`);
    });
    const lines = doc.getText().split('\n');
    for (const [i, step] of ['outline', 'write'].entries()) {
      const lens = lenses[i]!;
      assert.strictEqual(
        lens.range.start.line,
        lines.findIndex((l) => l.includes(`- id: ${step}`)),
      );
      assert.strictEqual(lens.command!.title, expected(step).title);
      assert.strictEqual(report.nodes.find((n) => n.id === step)!.figures, expected(step).title);
    }
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await screenshot('weft-codelens', 1200);

    // a click opens the step's span in the waterfall
    const write = lenses[1]!.command!;
    await vscode.commands.executeCommand(write.command, ...(write.arguments ?? []));
    const panel = await waitFor('the waterfall on `write`', async () => {
      const w = (await vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot')).waterfall;
      return w?.html.includes('class="row focused"') ? w : undefined;
    });
    assert.match(panel.html, /class="row focused" aria-current="true"><div class="label"[^>]*>write </);

    // off by the setting
    await vscode.workspace
      .getConfiguration('weft')
      .update('lastRun.codeLens', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('no CodeLens', async () => {
        const all = await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          hello,
        );
        return !(all ?? []).some((l) => l.command?.command === 'weft.showStepSpan') || undefined;
      });
    } finally {
      await vscode.workspace
        .getConfiguration('weft')
        .update('lastRun.codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
