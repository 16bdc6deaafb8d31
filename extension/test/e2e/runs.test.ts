// Runs and traces inside the real extension host, against the real runtime: "Weft: Run Workflow"
// on test/fixtures/hello/workflow.yaml (offline `mock` model), first on a local `weft serve` the
// extension starts itself, then on a `weft serve` this test starts and names in weft.runtimeUrl.
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunsSnapshot } from '../../src/runs/controller';
import type { RunRecord } from '../../src/runtime-client/client';
import { activate, metric, repoDir, screenshot, startWeftServe, waitFor, workspaceUri } from './helpers';

const snapshot = () => vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');

async function setRuntimeUrl(value: string | undefined): Promise<void> {
  await vscode.workspace
    .getConfiguration('weft')
    .update('runtimeUrl', value, vscode.ConfigurationTarget.Workspace);
}

describe('Weft runs and traces against a real weft serve', function () {
  this.timeout(60_000);
  const hello = () => workspaceUri('hello', 'workflow.yaml');
  let first: RunRecord;

  before(async () => {
    await activate();
    await setRuntimeUrl(undefined);
  });

  it('Run Workflow starts a local weft serve, runs the workflow and lists it as succeeded', async () => {
    const t0 = Date.now();
    const run = await vscode.commands.executeCommand<RunRecord | undefined>('weft.runWorkflow', {
      uri: hello(),
      inputs: { topic: 'weaving' },
    });
    metric('runWorkflowFirstMs', Date.now() - t0); // includes starting weft serve
    assert.ok(run, 'the command returned no run (see the Weft output channel)');
    assert.strictEqual(run.status, 'succeeded', JSON.stringify(run.error));
    first = run;

    const snap = await waitFor('the run in the Runs view', async () => {
      const s = await snapshot();
      return s.runs.find((r) => r.runId === run.runId && r.status === 'succeeded') ? s : undefined;
    });
    assert.ok(snap.localRuntime, 'no local runtime was started');
    assert.strictEqual(snap.runtimeUrl, snap.localRuntime.url);
    assert.strictEqual(snap.localRuntime.workflowsDir, path.dirname(hello().fsPath));
    const item = snap.runs.find((r) => r.runId === run.runId)!;
    assert.strictEqual(item.label, 'hello');
    assert.strictEqual(item.icon, 'pass');
    assert.strictEqual(item.contextValue, 'run.succeeded');
    assert.match(item.description, /^succeeded · \d+ ms · \d+ tokens/);

    // the Trace view follows the newest run: the run, its two steps, one model call each, with tokens
    const trace = await waitFor('the trace', async () => {
      const s = await snapshot();
      return s.traceRunId === run.runId && s.trace.length >= 5 ? s.trace : undefined;
    });
    assert.deepStrictEqual(
      trace.map((t) => `${'  '.repeat(t.depth)}${t.kind} ${t.label}`),
      [
        'run workflow hello',
        '  step outline',
        '    model_call chat mock-1',
        '  step write',
        '    model_call chat mock-1',
      ],
    );
    for (const call of trace.filter((t) => t.kind === 'model_call')) {
      assert.match(call.description, /^\d+ ms · \d+ tokens · \$0\.0000$/);
      assert.strictEqual(call.icon, 'pass');
      assert.ok(Number(call.attributes['gen_ai.usage.input_tokens']) > 0);
    }

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.weft');
    await vscode.commands.executeCommand('weft.runs.focus');

    await screenshot('weft-runs');
  });

  it('shows the trace in the Trace view and the waterfall webview', async () => {
    await vscode.commands.executeCommand('weft.trace.focus');
    await screenshot('weft-trace');
    await vscode.commands.executeCommand('weft.showTrace', first);
    const panel = await waitFor('the waterfall webview', async () => (await snapshot()).waterfall);
    assert.strictEqual(panel.title, 'Trace: hello');
    assert.ok(panel.visible);
    assert.match(panel.html, /Content-Security-Policy" content="default-src 'none'/);
    assert.ok(!/<script/i.test(panel.html), 'no scripts in the waterfall');
    for (const text of ['outline', 'write', 'chat mock-1', 'tokens (', 'succeeded'])
      assert.ok(panel.html.includes(text), `${text} not in the waterfall`);
    assert.ok(!/#[0-9a-f]{6}\b/i.test(panel.html), 'colours come from the theme (var(--vscode-*))');
    await screenshot('weft-waterfall', 1200);
  });

  it('filters runs by status and workflow, and reruns a run with its inputs', async () => {
    await vscode.commands.executeCommand('weft.filterRuns', { status: 'failed' });
    assert.deepStrictEqual((await snapshot()).runs, []);
    await vscode.commands.executeCommand('weft.filterRuns', { workflow: 'hello', status: 'succeeded' });
    assert.ok((await snapshot()).runs.some((r) => r.runId === first.runId));

    const t0 = Date.now();
    const again = await vscode.commands.executeCommand<RunRecord | undefined>('weft.rerun', first);
    metric('rerunMs', Date.now() - t0);
    assert.ok(again && again.runId !== first.runId);
    assert.strictEqual(again.status, 'succeeded');
    const snap = await waitFor('two runs', async () => {
      const s = await snapshot();
      return s.runs.length >= 2 ? s : undefined;
    });
    assert.deepStrictEqual(
      snap.runs.slice(0, 2).map((r) => r.runId),
      [again.runId, first.runId],
      'newest first',
    );
    await vscode.commands.executeCommand('weft.filterRuns', {});
  });

  it('uses weft.runtimeUrl when it points at a running weft serve', async () => {
    const dir = path.dirname(hello().fsPath);
    const t0 = Date.now();
    const server = await startWeftServe(dir, { WEFT_DATA_DIR: path.join(dir, '.weft-external') }, [
      '--workflows',
      dir,
    ]);
    metric('weftServeStartMs', Date.now() - t0);
    try {
      await setRuntimeUrl(server.url);
      const run = await vscode.commands.executeCommand<RunRecord | undefined>('weft.runWorkflow', {
        uri: hello(),
        inputs: { topic: 'remote', words: 10 },
      });
      assert.ok(run);
      assert.strictEqual(run.status, 'succeeded');
      const snap = await snapshot();
      assert.strictEqual(snap.runtimeUrl, server.url);
      assert.deepStrictEqual(
        snap.runs.map((r) => r.runId),
        [run.runId],
        'the Runs view lists the configured runtime only',
      );
      const listed = (await (await fetch(`${server.url}/runs`)).json()) as { runs: RunRecord[] };
      assert.deepStrictEqual(
        listed.runs.map((r) => r.runId),
        [run.runId],
      );
      const record = (await (await fetch(`${server.url}/runs/${run.runId}`)).json()) as RunRecord;
      assert.deepStrictEqual(record.inputs, { topic: 'remote', words: 10 });
    } finally {
      await setRuntimeUrl(undefined);
      server.child.kill('SIGTERM');
    }
    // back on the local runtime: its runs again
    await waitFor('the local runs again', async () => {
      const s = await snapshot();
      return s.runs.some((r) => r.runId === first.runId) || undefined;
    });
  });
});
