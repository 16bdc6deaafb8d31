// Weft: Deploy to Cloud Run. One entry: register(context, services).
import * as vscode from 'vscode';
import type { Services } from '../services.js';
import { DeployFlow } from './flow.js';
import type { DeployArgs } from './questions.js';

const UNTRUSTED =
  'Weft deploys (runs gcloud, Docker and the Google Cloud APIs) only from a trusted workspace.';

export function register(context: vscode.ExtensionContext, _services: Services): DeployFlow {
  const flow = new DeployFlow();
  context.subscriptions.push(
    flow,
    vscode.commands.registerCommand('weft.deployCloudRun', (args?: DeployArgs) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window
          .showWarningMessage(UNTRUSTED, 'Manage Workspace Trust')
          .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
        return { ok: false, cancelled: true };
      }
      // from the palette or a menu the argument is not ours
      return flow.run(args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : {});
    }),
    vscode.commands.registerCommand('weft.internal.deploySnapshot', () => flow.snapshot()),
  );
  return flow;
}
