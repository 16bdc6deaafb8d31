// The runtime feature: which runtime runs workflows (bundled, or pinned), `weft` in terminals, and
// the Runtime view. One entry for extension.ts.
import * as vscode from 'vscode';
import { RuntimeService } from './service.js';
import { RuntimeView, runtimeRows } from './view.js';

export type { RuntimeService } from './service.js';

export function register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): RuntimeService {
  const service = new RuntimeService(context, log);
  const view = new RuntimeView(service);
  context.subscriptions.push(
    service,
    view,
    vscode.commands.registerCommand('weft.internal.runtimeSnapshot', () => ({
      ...runtimeRows(service),
      selection: service.current(),
      shimPath: service.shimPath,
      server: service.server,
    })),
  );
  return service;
}
