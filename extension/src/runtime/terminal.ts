// `weft` in VS Code's integrated terminals: the shim folder (per workspace) is put first on their
// PATH through the extension's environment variable collection; the shim runs the selected runtime.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Selection } from './select.js';
import { shimFiles } from './shim.js';

/** Where the shim lives: this workspace's storage (its runtime may be pinned), else global storage. */
export function shimDir(context: vscode.ExtensionContext): string {
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'bin');
}

/** Prepends the shim folder to PATH for new terminals (no I/O; cheap at activation). */
export function putOnPath(context: vscode.ExtensionContext): string {
  const dir = shimDir(context);
  const env = context.environmentVariableCollection;
  env.description = 'Puts the Weft CLI (`weft`) on the PATH';
  env.prepend('PATH', `${dir}${path.delimiter}`);
  return dir;
}

/** Writes the shim for `selection` (only the files that changed). */
export async function writeShim(dir: string, selection: Selection): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(shimFiles(selection, process.platform))) {
    const file = path.join(dir, name);
    const old = await readFile(file, 'utf8').catch(() => undefined);
    if (old !== text) await writeFile(file, text);
    await chmod(file, 0o755);
  }
  return path.join(dir, 'weft');
}
