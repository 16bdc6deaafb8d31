// The debugger in VS Code: the inline adapter factory, F5 without a launch.json, missing inputs asked with
// the input form, Debug Workflow, Fork From Here, Replay in Debugger and Add Launch Configuration.
// The adapter itself (out/debug-adapter.js) is loaded on the first debug session.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { askInputs, type InputField } from '../runs/input-form.js';
import { isWorkflowDocument } from '../vscode/documents.js';
import { language } from '../vscode/lazy.js';
import type * as Adapter from './adapter-main.js';
import { expressionAt } from './hover-expression.js';
import { launchConfiguration } from './launch-config.js';

let adapter: typeof Adapter | undefined;
const loadAdapter = () => {
  adapter ??= require('./debug-adapter.js') as typeof Adapter;
  return adapter;
};

function dataDirOf(context: vscode.ExtensionContext): string {
  // the local `weft serve` of the Runs view keeps its runs here too: debug runs show in the Runs view
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'runtime-data');
}

/** Asks for the required inputs the configuration does not give; undefined when the user cancels. */
async function withInputs(config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
  if (config.replay || config.inputsFile || typeof config.program !== 'string') return config;
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(config.program)));
  } catch {
    return config; // the adapter says the file is missing
  }
  const checked = language().checkWorkflow(text);
  if (!checked.definition) return config; // the adapter names the first diagnostic
  const given = (config.inputs ?? {}) as Record<string, unknown>;
  const fields: InputField[] = Object.entries(checked.definition.inputs)
    .filter(([name, spec]) => spec.required && spec.default === undefined && given[name] === undefined)
    .map(([name, spec]) => ({
      name,
      required: true,
      schema: {
        ...(spec.schema as InputField['schema']),
        description: spec.description ?? (spec.schema as InputField['schema']).description,
      },
    }));
  if (fields.length === 0) return config;
  const asked = await askInputs(checked.definition.name, fields);
  return asked ? { ...config, inputs: { ...given, ...asked } } : undefined;
}

class WeftConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly context: vscode.ExtensionContext) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [launchConfiguration('${file}')];
  }

  resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !isWorkflowDocument(editor.document)) {
        void vscode.window.showErrorMessage(
          'Weft: open a workflow.yaml to debug it, or add a Weft launch configuration.',
        );
        return undefined;
      }
      config = { ...launchConfiguration(editor.document.uri.fsPath) };
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Weft: debugging runs the workflow; trust this workspace first.');
      return undefined;
    }
    const cwd =
      folder?.uri.fsPath ?? (typeof config.program === 'string' ? path.dirname(config.program) : undefined);
    return {
      ...config,
      ...(config.cwd || !cwd ? {} : { cwd }),
      ...(config.dataDir ? {} : { dataDir: dataDirOf(this.context) }),
    };
  }

  resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    return withInputs(config);
  }
}

function targetUri(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  const uri =
    (target as { resourceUri?: vscode.Uri; uri?: vscode.Uri } | undefined)?.resourceUri ??
    (target as { uri?: vscode.Uri } | undefined)?.uri;
  if (uri) return uri;
  const doc = vscode.window.activeTextEditor?.document;
  return doc && isWorkflowDocument(doc) ? doc.uri : undefined;
}

interface RunLike {
  runId?: string;
  workflowFile?: string;
  steps?: Array<{ key: string }>;
}

function runOf(target: unknown): RunLike | undefined {
  const t = target as ({ run?: RunLike } & RunLike) | undefined;
  return t?.run ?? (t?.runId ? t : undefined);
}

/** Replays a run in the debugger; with `forkFrom`, up to that step, then runs the rest for real. */
function replayRun(run: RunLike, forkFrom?: string): Thenable<boolean> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return vscode.debug.startDebugging(folder, {
    ...launchConfiguration(run.workflowFile),
    name: forkFrom ? `Fork ${run.runId} from ${forkFrom}` : `Replay ${run.runId}`,
    replay: run.runId,
    ...(forkFrom ? { forkFrom } : {}),
  });
}

async function addLaunchConfiguration(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage(
      'Weft: open a folder first; launch configurations live in .vscode/launch.json.',
    );
    return;
  }
  const launch = vscode.workspace.getConfiguration('launch', folder.uri);
  const configurations = (launch.get<vscode.DebugConfiguration[]>('configurations') ?? []).slice();
  if (configurations.some((c) => c.type === 'weft' && c.program === '${file}')) {
    void vscode.window.showInformationMessage('Weft: .vscode/launch.json already has a Weft configuration.');
    return;
  }
  configurations.push(launchConfiguration('${file}'));
  await launch.update('configurations', configurations, vscode.ConfigurationTarget.WorkspaceFolder);
  void vscode.window.showInformationMessage('Weft: added "Debug workflow" to .vscode/launch.json.');
}

export function registerDebugger(context: vscode.ExtensionContext): void {
  const provider = new WeftConfigurationProvider(context);
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('weft', {
      createDebugAdapterDescriptor: () =>
        new vscode.DebugAdapterInlineImplementation(
          new (loadAdapter().WeftDebugSession)() as unknown as vscode.DebugAdapter,
        ),
    }),
    vscode.debug.registerDebugConfigurationProvider('weft', provider),
    vscode.commands.registerCommand('weft.debugWorkflow', (target?: unknown) => {
      const uri = targetUri(target);
      if (!uri) {
        void vscode.window.showErrorMessage(
          'Open a workflow.yaml (or pick one in the Workflows view) to debug it.',
        );
        return false;
      }
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      return vscode.debug.startDebugging(folder, launchConfiguration(uri.fsPath));
    }),
    vscode.commands.registerCommand('weft.replayRun', (target?: unknown) => {
      const run = runOf(target);
      return run?.runId ? replayRun(run) : false;
    }),
    vscode.commands.registerCommand('weft.forkRun', async (target?: unknown) => {
      const run = runOf(target);
      if (!run?.runId) return false;
      // steps at the top level or in a parallel step (a map item is forked from its map step)
      const keys = (run.steps ?? []).map((s) => s.key).filter((k) => !k.includes('['));
      const picked = await vscode.window.showQuickPick(keys, {
        title: `Fork run ${run.runId} from step…`,
        placeHolder: 'Recorded results before this step are kept; it and the rest run for real',
      });
      return picked ? replayRun(run, picked.split('.').pop()) : false;
    }),
    vscode.commands.registerCommand('weft.forkFromHere', async () => {
      const session = vscode.debug.activeDebugSession;
      if (session?.type !== 'weft') return undefined;
      try {
        return await session.customRequest('fork');
      } catch (error) {
        void vscode.window.showErrorMessage(`Weft: ${(error as Error).message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('weft.addLaunchConfiguration', addLaunchConfiguration),
    vscode.languages.registerEvaluatableExpressionProvider(
      [{ pattern: '**/workflow.yaml' }, { pattern: '**/*.workflow.yaml' }],
      {
        provideEvaluatableExpression(doc, position) {
          const found = expressionAt(doc.lineAt(position.line).text, position.character);
          if (!found) return undefined;
          const range = new vscode.Range(position.line, found.start, position.line, found.end);
          return new vscode.EvaluatableExpression(range, found.text);
        },
      },
    ),
  );
}
