// The local stack in VS Code: Weft: Start/Stop/Restart Stack, Show Stack Logs, Open Temporal UI, the
// status bar item and the `weft` task type. One entry: register(context, services).
import * as vscode from 'vscode';
import type { Services } from '../services.js';
import { StackController } from './controller.js';
import { affectsStack, connectRunsView } from './settings.js';
import { overallState, serverUrl, temporalUiUrl } from './status.js';
import { StackStatusBar } from './status-bar.js';
import { TASK_TYPE } from './task-definition.js';
import { WeftTaskProvider } from './task-provider.js';

const UNTRUSTED =
  'Weft starts the local stack (Temporal, Redis and the Weft server, as processes or containers) only in a trusted workspace.';

export function register(context: vscode.ExtensionContext, services: Services): StackController {
  const hooks = {
    output: services.output,
    // the Runs view uses the stack's server while it is healthy (registered before us)
    setStackRuntime: (url: string | undefined) => {
      services.runs?.connection.setStackUrl(url);
      void services.runs?.refresh();
    },
  };
  const stack = new StackController(context, hooks, connectRunsView);
  services.stack = stack;
  const statusBar = new StackStatusBar(stack);

  const trusted = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(UNTRUSTED, 'Manage Workspace Trust')
      .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  };

  const failed = (what: string) => {
    const message = `Weft: ${what} failed: ${stack.lastError ?? 'see the Weft Stack output'}`;
    void vscode.window
      .showErrorMessage(message, 'Show Stack Logs', 'Open Settings')
      .then((a) =>
        a === 'Show Stack Logs'
          ? stack.logs.show(true)
          : a && vscode.commands.executeCommand('workbench.action.openSettings', 'weft.stack'),
      );
  };

  /** Runs an operation under a progress notification that shows the CLI's latest progress line. */
  const withProgress = (
    title: string,
    work: (onLine: (l: string) => void, signal: AbortSignal) => Promise<boolean>,
  ) =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return work((line) => line.trim() && progress.report({ message: line.trim() }), abort.signal);
      },
    );

  const start = async (): Promise<boolean> => {
    if (!trusted()) return false;
    const ok = await withProgress('Weft: starting the stack', (onLine, signal) =>
      stack.up({}, onLine, signal),
    );
    if (ok) {
      const url = serverUrl(stack.status);
      void vscode.window.setStatusBarMessage(`Weft stack healthy${url ? `: ${url}` : ''}`, 5000);
    } else failed('Start Stack');
    return ok;
  };

  const stop = async (): Promise<boolean> => {
    if (!trusted()) return false;
    const ok = await withProgress('Weft: stopping the stack', (onLine) => stack.down({}, false, onLine));
    if (!ok) failed('Stop Stack');
    else if (stack.status?.backend === 'external')
      void vscode.window.showInformationMessage(
        'Weft: the stack answering on these ports was not started from this folder, so nothing was stopped. Stop it where it was started (weft stack down there).',
      );
    return ok;
  };

  const restart = async (): Promise<boolean> => {
    if (!trusted()) return false;
    const ok = await withProgress('Weft: restarting the stack', (onLine, signal) =>
      stack.restart({}, false, onLine, signal),
    );
    if (!ok) failed('Restart Stack');
    return ok;
  };

  const openTemporalUi = async (): Promise<string | undefined> => {
    if (!trusted()) return undefined;
    await stack.refresh();
    let url: string | undefined;
    try {
      url = temporalUiUrl(stack.status, stack.temporalUiPort());
    } catch (error) {
      void vscode.window.showErrorMessage(`Weft: ${(error as Error).message}`);
      return undefined;
    }
    if (!url) {
      const action = await vscode.window.showInformationMessage(
        'The Weft stack is not running, so there is no Temporal UI to open.',
        'Start Stack',
      );
      if (action) await start();
      return undefined;
    }
    const external = await vscode.env.asExternalUri(vscode.Uri.parse(url));
    await vscode.env.openExternal(external);
    return external.toString();
  };

  const refreshOnTrust = () => {
    statusBar.update();
    void stack.refresh();
  };

  context.subscriptions.push(
    stack,
    statusBar,
    vscode.tasks.registerTaskProvider(TASK_TYPE, new WeftTaskProvider(stack)),
    vscode.commands.registerCommand('weft.stack.start', start),
    vscode.commands.registerCommand('weft.stack.stop', stop),
    vscode.commands.registerCommand('weft.stack.restart', restart),
    vscode.commands.registerCommand('weft.stack.showLogs', () => {
      stack.logs.show(true);
      return stack.refresh();
    }),
    vscode.commands.registerCommand('weft.stack.openTemporalUi', openTemporalUi),
    vscode.commands.registerCommand('weft.stack.actions', () => statusBar.pickAction()),
    vscode.commands.registerCommand(
      'weft.internal.stackSnapshot',
      async (options?: { refresh?: boolean }) => {
        if (options?.refresh) await stack.refresh();
        return {
          state: stack.state,
          overall: overallState(stack.status),
          status: stack.status,
          operation: stack.operation,
          lastError: stack.lastError,
          followingLogs: stack.followingLogs,
          statusBar: statusBar.snapshot(),
        };
      },
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(refreshOnTrust),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsStack(e) && vscode.workspace.isTrusted) void stack.refresh();
    }),
  );
  // the first status read waits until activation is over (it runs the CLI)
  if (vscode.workspace.isTrusted) stack.schedulePoll(2000);
  return stack;
}
