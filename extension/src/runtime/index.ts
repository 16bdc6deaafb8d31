// The runtime feature: which runtime runs workflows (bundled, or pinned), `weft` in terminals, and
// the Runtime view. One entry for extension.ts.
import * as vscode from 'vscode';
import { RuntimeService } from './service.js';
import { RuntimeView, runtimeRows } from './view.js';

export type { RuntimeService } from './service.js';

export function register(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): RuntimeService {
  const service = new RuntimeService(context, log);
  context.subscriptions.push(service);
  // the Runtime view is collapsed at first: created right after activation
  setImmediate(() => context.subscriptions.push(new RuntimeView(service)));
  context.subscriptions.push(
    vscode.commands.registerCommand('weft.internal.runtimeSnapshot', () => ({
      ...runtimeRows(service),
      selection: service.current(),
      shimPath: service.shimPath,
      server: service.server,
    })),
  );
  return service;
}
