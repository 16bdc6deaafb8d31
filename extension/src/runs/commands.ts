// The run commands: run / debug (asking for inputs), cancel, rerun, show trace, filter, API key.
import * as vscode from 'vscode';
import { isWorkflowFile } from '../language/selector.js';
import type { RunRecord } from '../runtime-client/client.js';
import { language } from '../vscode/lazy.js';
import type { ApprovalRequest } from './approvals.js';
import type { RunsController } from './controller.js';
import { askInputs, type InputField } from './input-form.js';
import { describeFilter, type RunFilter, type RunItem } from './runs-tree.js';

/** What `weft.runWorkflow` accepts besides a Uri or a Workflows view item (tests, automation). */
export interface RunRequest {
  uri: vscode.Uri | string;
  inputs?: Record<string, unknown>;
}

export function registerRunCommands(runs: RunsController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('weft.runWorkflow', (target?: unknown) =>
      runCommand(runs, target, false),
    ),
    vscode.commands.registerCommand('weft.cancelRun', (item?: RunItem) => runs.cancel(item)),
    vscode.commands.registerCommand('weft.approveRun', (item?: RunItem | ApprovalRequest) =>
      runs.decide(item, 'approve'),
    ),
    vscode.commands.registerCommand('weft.rejectRun', (item?: RunItem | ApprovalRequest) =>
      runs.decide(item, 'reject'),
    ),
    vscode.commands.registerCommand('weft.rerun', (item?: RunItem) => rerun(runs, item)),
    vscode.commands.registerCommand('weft.showTrace', (item?: RunItem | RunRecord) => runs.showTrace(item)),
    vscode.commands.registerCommand('weft.setApiKey', async () => {
      await runs.connection.setApiKey();
    }),
    vscode.commands.registerCommand('weft.filterRuns', (filter?: RunFilter) => pickFilter(runs, filter)),
    vscode.commands.registerCommand('weft.internal.runsSnapshot', () => runs.snapshot()),
  ];
}

async function pickFilter(runs: RunsController, filter?: RunFilter): Promise<void> {
  if (!filter) {
    const workflows = [...new Set(runs.runs.runs.map((r) => r.workflow))].sort();
    const items: Array<vscode.QuickPickItem & { filter: RunFilter }> = [
      { label: 'All runs', filter: {} },
      ...['running', 'succeeded', 'failed', 'cancelled', 'damaged'].map((status) => ({
        label: `$(filter) status: ${status}`,
        filter: { ...runs.filter, status },
      })),
      ...workflows.map((workflow) => ({
        label: `$(symbol-event) workflow: ${workflow}`,
        filter: { ...runs.filter, workflow },
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Filter Weft runs',
      placeHolder: describeFilter(runs.filter) ?? 'all runs',
    });
    if (!picked) return;
    filter = picked.filter;
  }
  await runs.setFilter(filter);
}

/** The workflow file a command is about: its argument (Uri, path, view item) or the active editor. */
export function resolveTarget(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  if (typeof target === 'string')
    return target.includes('://') ? vscode.Uri.parse(target) : vscode.Uri.file(target);
  if (target && typeof target === 'object' && 'uri' in target) {
    const uri = (target as { uri: unknown }).uri;
    if (uri instanceof vscode.Uri || typeof uri === 'string') return resolveTarget(uri);
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isWorkflowFile(doc.fileName, doc.lineCount ? doc.lineAt(0).text : '')) return doc.uri;
  return undefined;
}

async function runCommand(
  runs: RunsController,
  target: unknown,
  debug: boolean,
): Promise<RunRecord | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Weft runs workflows only in a trusted workspace (Manage Workspace Trust).',
    );
    return undefined;
  }
  const uri = resolveTarget(target);
  if (!uri) {
    void vscode.window.showErrorMessage(
      'Open a workflow.yaml (or pick one in the Workflows view) to run it.',
    );
    return undefined;
  }
  const given =
    target && typeof target === 'object' && 'inputs' in target ? (target as RunRequest).inputs : undefined;
  let inputs = given;
  if (!inputs) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const checked = language().checkWorkflow(doc.getText());
    if (!checked.definition) {
      const first = checked.diagnostics.find((d) => d.severity === 'error');
      void vscode.window.showErrorMessage(
        `Weft: fix the workflow before running it${first ? `: ${first.message}` : ''}`,
      );
      return undefined;
    }
    const fields: InputField[] = Object.entries(checked.definition.inputs).map(([name, spec]) => ({
      name,
      required: spec.required,
      schema: {
        ...(spec.schema as InputField['schema']),
        description: spec.description ?? (spec.schema as InputField['schema']).description,
        default: spec.default,
      },
    }));
    inputs = await askInputs(checked.definition.name, fields);
    if (!inputs) return undefined;
  }
  return runs.start(uri, inputs, debug);
}

async function rerun(runs: RunsController, item?: RunItem): Promise<RunRecord | undefined> {
  const run = runs.selected(item);
  const last = runs.lastRequest;
  if (run && last && run.inputs === undefined) return runs.start(last.uri, last.inputs);
  let uri = last?.uri;
  if (run) uri = (await findWorkflowFile(run.workflow)) ?? uri;
  if (!uri) {
    void vscode.window.showErrorMessage('Weft: cannot find the workflow file of this run in the workspace.');
    return undefined;
  }
  return runs.start(uri, (run?.inputs as Record<string, unknown>) ?? last?.inputs ?? {});
}

/** The workspace's workflow file whose top-level `name:` is `workflow`. */
export async function findWorkflowFile(workflow: string): Promise<vscode.Uri | undefined> {
  const uris = await vscode.workspace.findFiles(
    '{**/workflow.yaml,**/*.workflow.yaml}',
    '**/node_modules/**',
    200,
  );
  const pattern = new RegExp(
    `^name:\\s*["']?${workflow.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`,
    'm',
  );
  for (const candidate of uris) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(candidate));
    if (pattern.test(text)) return candidate;
  }
  return undefined;
}
