// The language feature in VS Code: diagnostics as you type (in a worker), completion, hover,
// navigation, outline and quick fixes. The language logic itself is the pure modules beside this file.
import type * as vscode from 'vscode';
import type { Services } from '../services.js';
import { registerQuickFixes } from './code-actions.js';
import { DiagnosticsController } from './diagnostics.js';
import { registerLanguageProviders } from './providers.js';

export function register(context: vscode.ExtensionContext, services: Services): DiagnosticsController {
  const diagnostics = new DiagnosticsController(services.output);
  context.subscriptions.push(diagnostics);
  registerLanguageProviders(context, diagnostics);
  registerQuickFixes(context);
  services.diagnostics = diagnostics;
  return diagnostics;
}
