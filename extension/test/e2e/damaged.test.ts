// A run whose journal is corrupt shows in the Runs view as `damaged` (warning icon; the file, line and
// repair hint in its tooltip), never as running: against a real `weft serve` restarted on a data dir
// whose journal this test damaged.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunsSnapshot } from '../../src/runs/controller';
import { activate, repoDir, startWeftServe, stopProcess, waitFor, workspaceUri } from './helpers';

const serve = (workflows: string, dataDir: string) =>
  startWeftServe(workflows, {
    WEFT_DATA_DIR: dataDir,
    WEFT_WORKFLOWS: path.join(workflows, 'workflow.yaml'),
  });

const snapshot = () => vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');

describe('Weft Runs view: a damaged run', function () {
  this.timeout(60_000);

  it('shows status damaged with a warning icon, not running', async () => {
    await activate();
    const workflows = path.dirname(workspaceUri('hello', 'workflow.yaml').fsPath);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-e2e-damaged-'));
    let server = await serve(workflows, dataDir);
    let runId: string;
    try {
      const response = await fetch(`${server.url}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'damage' }),
      });
      runId = ((await response.json()) as { runId: string }).runId;
    } finally {
      await stopProcess(server.child);
    }
    // a garbage line 2: everything from there on is untrustworthy
    const journal = path.join(dataDir, 'runs', runId, 'journal.jsonl');
    const lines = fs.readFileSync(journal, 'utf8').split('\n');
    lines.splice(1, 0, 'garbage');
    fs.writeFileSync(journal, lines.join('\n'));

    server = await serve(workflows, dataDir);
    const settings = vscode.workspace.getConfiguration('weft');
    try {
      await settings.update('runtimeUrl', server.url, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('weft.refresh');
      const snap = await waitFor('the damaged run in the Runs view', async () => {
        await vscode.commands.executeCommand('weft.refresh');
        const s = await snapshot();
        return s.runs.some((r) => r.runId === runId) ? s : undefined;
      });
      const item = snap.runs.find((r) => r.runId === runId)!;
      assert.strictEqual(item.status, 'damaged');
      assert.strictEqual(item.icon, 'warning');
      assert.strictEqual(item.contextValue, 'run.damaged');
      assert.match(item.description, /^damaged/);
    } finally {
      await settings.update('runtimeUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await stopProcess(server.child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
