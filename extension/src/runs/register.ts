// The runs feature: the Runs and Trace views, the waterfall, and the run commands.
import type * as vscode from 'vscode';
import { need, type Services } from '../services.js';
import { registerRunCommands } from './commands.js';
import { RunsController } from './controller.js';

export function register(context: vscode.ExtensionContext, services: Services): RunsController {
  const runs = new RunsController(context, services.output, need(services, 'runtime'));
  context.subscriptions.push(runs, ...registerRunCommands(runs));
  services.runs = runs;
  return runs;
}
