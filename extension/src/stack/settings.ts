// The weft.stack.* settings, read and checked (adapter), and the folder the stack belongs to.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkBackend, checkPort, type StackOptions } from './options.js';

/** The first workspace folder on disk: the stack's working folder (one stack per workspace). */
export function stackFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/** The settings as StackOptions; paths resolved against the folder. Throws naming a bad setting. */
export function readStackOptions(folder: string): StackOptions {
  const config = vscode.workspace.getConfiguration('weft.stack');
  const where = (key: string) => `setting weft.stack.${key}`;
  const text = (key: string) => config.get<string>(key, '')?.trim() || undefined;
  const resolve = (p: string | undefined) => (p ? path.resolve(folder, p) : undefined);
  const timeout = config.get<number | null>('timeoutSeconds', null);
  if (timeout !== null && timeout !== undefined && !(typeof timeout === 'number' && timeout > 0))
    throw new Error(
      `${where('timeoutSeconds')} is ${JSON.stringify(timeout)}: expected seconds above 0, or empty`,
    );
  return {
    backend: checkBackend(config.get('backend'), where('backend')),
    ports: {
      weft: checkPort(config.get('weftPort'), where('weftPort')),
      temporal: checkPort(config.get('temporalPort'), where('temporalPort')),
      temporalUi: checkPort(config.get('temporalUiPort'), where('temporalUiPort')),
      redis: checkPort(config.get('redisPort'), where('redisPort')),
    },
    dataDir: resolve(text('dataDir')),
    // the stack's server serves the whole workspace folder unless told otherwise
    workflows: resolve(text('workflows')) ?? folder,
    timeoutSeconds: timeout ?? undefined,
  };
}

export function connectRunsView(): boolean {
  return vscode.workspace.getConfiguration('weft.stack').get<boolean>('connectRunsView', true);
}

export function affectsStack(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('weft.stack');
}
