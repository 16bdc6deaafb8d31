// Approval steps in the Runs view, against a real `weft serve`: a run of samples/approval waits, the
// view marks it (bell icon, "waiting for review", the Approve…/Reject… context), a notification is
// shown for it, and Weft: Approve… records the decision through the HTTP route; the run then succeeds.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunsSnapshot } from '../../src/runs/controller';
import type { RunRecord } from '../../src/runtime-client/client';
import { activate, repoDir, screenshot, startWeftServe, stopProcess, waitFor } from './helpers';

const serve = (workflows: string, dataDir: string) =>
  startWeftServe(workflows, {
    WEFT_DATA_DIR: dataDir,
    WEFT_WORKFLOWS: path.join(workflows, 'workflow.yaml'),
  });

const snapshot = () => vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');

describe('Weft Runs view: approval steps', function () {
  this.timeout(90_000);

  it('marks a waiting run, notifies, and Approve… decides it', async () => {
    await activate();
    const workflows = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-e2e-approval-wf-'));
    fs.copyFileSync(
      path.join(repoDir(), 'samples', 'approval', 'workflow.yaml'),
      path.join(workflows, 'workflow.yaml'),
    );
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-e2e-approval-data-'));
    const server = await serve(workflows, dataDir);
    const settings = vscode.workspace.getConfiguration('weft');
    try {
      const response = await fetch(`${server.url}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({}),
      });
      const { runId } = (await response.json()) as { runId: string };
      await settings.update('runtimeUrl', server.url, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('weft.runs.focus');

      const snap = await waitFor('the waiting run in the Runs view', async () => {
        await vscode.commands.executeCommand('weft.refresh');
        const s = await snapshot();
        const item = s.runs.find((r) => r.runId === runId);
        return item?.contextValue === 'run.running.waiting' && s.notifiedApprovals.includes(`${runId}/review`)
          ? s
          : undefined;
      });
      const item = snap.runs.find((r) => r.runId === runId)!;
      assert.strictEqual(item.icon, 'bell-dot');
      assert.match(item.description, /^waiting for review/);
      await screenshot('weft-approval-waiting');

      const decided = await vscode.commands.executeCommand<boolean>('weft.approveRun', {
        runId,
        step: 'review',
        comment: 'from the e2e test',
      });
      assert.strictEqual(decided, true);
      const done = await waitFor('the run to succeed', async () => {
        const r = (await (await fetch(`${server.url}/runs/${runId}`)).json()) as RunRecord;
        return r.status === 'succeeded' ? r : undefined;
      });
      assert.strictEqual(done.outputs?.decision, 'approve');
      assert.strictEqual(done.approvals?.[0]?.comment, 'from the e2e test');
      await waitFor('the Runs view to show it succeeded', async () => {
        await vscode.commands.executeCommand('weft.refresh');
        const s = await snapshot();
        return s.runs.find((r) => r.runId === runId && r.contextValue === 'run.succeeded') ? s : undefined;
      });
    } finally {
      await settings.update('runtimeUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await stopProcess(server.child);
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(workflows, { recursive: true, force: true });
    }
  });
});
