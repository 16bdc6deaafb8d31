// The Weft debugger inside the real extension host: a breakpoint set as the gutter sets it, a launch
// configuration started as F5 starts it, the stop at the step's line, the Variables view's scopes, and
// Continue to the end; the debugged run is then in the Runs view. Offline (`mock` model).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { RunsSnapshot } from '../../src/runs/controller';
import { activate, screenshot, waitFor, workspaceUri } from './helpers';

interface Message {
  type: string;
  event?: string;
  body?: Record<string, unknown>;
}

describe('Weft debugger in the real extension host', function () {
  this.timeout(90_000);

  it('F5 on a workflow stops at a gutter breakpoint, shows its inputs, and Continue finishes the run', async () => {
    await activate();
    const uri = workspaceUri('hello', 'workflow.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lines = doc.getText().split('\n');
    const promptLine = lines.findIndex((l) => l.includes('prompt: "Write'));
    const stepLine = lines.findIndex((l) => l.includes('- id: write'));
    const breakpoint = new vscode.SourceBreakpoint(
      new vscode.Location(uri, new vscode.Position(promptLine, 0)),
    );
    vscode.debug.addBreakpoints([breakpoint]);

    const messages: Message[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('weft', {
      createDebugAdapterTracker: () => ({ onDidSendMessage: (m: Message) => messages.push(m) }),
    });
    try {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const started = await vscode.debug.startDebugging(folder, {
        type: 'weft',
        request: 'launch',
        name: 'Debug hello',
        program: uri.fsPath,
        inputs: { topic: 'weaving' },
      });
      assert.ok(started, 'the debug session did not start');
      const session = vscode.debug.activeDebugSession;
      assert.ok(session && session.type === 'weft', 'no active weft debug session');
      const ended = new Promise<void>((resolve) =>
        vscode.debug.onDidTerminateDebugSession((s) => s.id === session.id && resolve()),
      );

      const stop = await waitFor(
        'a stopped event',
        () => messages.find((m) => m.event === 'stopped'),
        30_000,
      );
      assert.strictEqual(stop.body?.reason, 'breakpoint');
      const stack = await session.customRequest('stackTrace', { threadId: 1 });
      const top = stack.stackFrames[0];
      assert.strictEqual(top.name, 'write (before)');
      assert.strictEqual(top.line, stepLine + 1, 'the stop is at the first line of the step');
      // (in a remote window VS Code hands the path back as a vscode-remote URI)
      assert.ok(String(top.source.path).endsWith(uri.path), `frame source ${top.source.path}`);

      const { scopes } = await session.customRequest('scopes', { frameId: top.id });
      assert.deepStrictEqual(
        scopes.map((s: { name: string }) => s.name),
        ['Inputs', 'Step', 'Steps', 'Run'],
      );
      const inputs = await session.customRequest('variables', {
        variablesReference: scopes[0].variablesReference,
      });
      assert.deepStrictEqual(
        inputs.variables.map((v: { name: string; value: string }) => [v.name, v.value]),
        [
          ['words', '50'],
          ['topic', '"weaving"'],
        ],
      );
      await screenshot('debug-stopped-at-breakpoint');

      await vscode.commands.executeCommand('workbench.action.debug.continue');
      await ended;
      const result = messages.find((m) => m.event === 'weft/ended');
      assert.strictEqual(result?.body?.status, 'succeeded', JSON.stringify(result?.body));
      const runId = String(result?.body?.runId);

      // the debugged run is kept where the Runs view's local runtime keeps its runs
      let snap = await vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');
      if (!snap.localRuntime && !snap.runtimeUrl) {
        await vscode.commands.executeCommand('weft.runWorkflow', {
          uri,
          inputs: { topic: 'start the runtime' },
        });
      }
      await waitFor(
        'the debugged run in the Runs view',
        async () => {
          await vscode.commands.executeCommand('weft.refresh');
          snap = await vscode.commands.executeCommand<RunsSnapshot>('weft.internal.runsSnapshot');
          return snap.runs.find((r) => r.runId === runId);
        },
        30_000,
        500,
      );
    } finally {
      tracker.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });
});
