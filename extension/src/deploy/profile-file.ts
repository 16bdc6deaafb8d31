// Which weft.deploy.yaml a deploy uses: the one given, the only one in the workspace, one picked, or a
// new default profile next to a picked workflow (as `weft deploy generate` writes it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeployRuntime } from './load.js';
import type { Prompts } from './prompts.js';

const EXCLUDE = '**/{node_modules,.git,dist,out}/**';

export async function chooseProfileFile(
  deploy: DeployRuntime,
  prompts: Prompts,
  folder: string | undefined,
  say: (line: string) => void,
): Promise<string | undefined> {
  if (folder) return ensureProfile(deploy, folder, undefined, say);
  const profiles = await vscode.workspace.findFiles(`**/${deploy.PROFILE_FILE}`, EXCLUDE, 50);
  if (profiles.length === 1) return profiles[0]?.fsPath;
  if (profiles.length > 1) {
    const picked = await prompts.pick(
      'Deploy which service? (its weft.deploy.yaml)',
      profiles.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    );
    return picked?.uri.fsPath;
  }
  const workflows = await vscode.workspace.findFiles('**/{workflow.yaml,*.workflow.yaml}', EXCLUDE, 200);
  if (workflows.length === 0) {
    void vscode.window.showErrorMessage(
      'Weft: no workflow.yaml in this workspace to deploy. Open the folder that holds your workflow.',
    );
    return undefined;
  }
  const picked = await prompts.pick(
    'Deploy which workflow? (a weft.deploy.yaml is written next to it; commit it)',
    workflows.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
  );
  if (!picked) return undefined;
  return ensureProfile(deploy, path.dirname(picked.uri.fsPath), path.basename(picked.uri.fsPath), say);
}

async function ensureProfile(
  deploy: DeployRuntime,
  folder: string,
  workflow: string | undefined,
  say: (line: string) => void,
): Promise<string> {
  const file = path.join(folder, deploy.PROFILE_FILE);
  const uri = vscode.Uri.file(file);
  try {
    await vscode.workspace.fs.stat(uri);
    return file;
  } catch {
    // no profile yet: write the default one
  }
  const workflows = workflow ?? 'workflow.yaml';
  const service = deploy.serviceNameFrom(workflows.replace(/\.ya?ml$/, ''));
  const profile = deploy.defaultProfile(service, workflows, deploy.RUNTIME_VERSION);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(deploy.profileToYaml(profile)));
  say(`wrote ${file}: a default profile (service ${service}); commit it so the team deploys the same way`);
  return file;
}
