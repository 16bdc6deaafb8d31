// Last-run figures inline: the CodeLens above every step, and `weft.showStepSpan` (its click).
import * as vscode from 'vscode';
import { need, type Services } from '../services.js';
import { WORKFLOW_SELECTOR } from '../vscode/documents.js';
import { LatestRuns } from './latest.js';
import { LastRunLenses } from './lens.js';

export function register(context: vscode.ExtensionContext, services: Services): LastRunLenses {
  const runs = need(services, 'runs');
  let latest = services.latestRuns;
  if (!latest) {
    latest = services.latestRuns = new LatestRuns(runs, services.output);
    context.subscriptions.push(latest);
  }
  const lenses = new LastRunLenses(latest, need(services, 'diagnostics'));
  context.subscriptions.push(
    lenses,
    vscode.languages.registerCodeLensProvider(WORKFLOW_SELECTOR, lenses),
    vscode.commands.registerCommand('weft.showStepSpan', async (runId: string, spanId?: string) => {
      const run = await runs.reload(runId);
      if (run) runs.showTrace(run, true, spanId);
    }),
  );
  return lenses;
}
