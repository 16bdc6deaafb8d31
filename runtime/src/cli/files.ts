// Expands the FILE arguments of a command: plain files, directories (their workflow files) and globs.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

export const WORKFLOW_FILE_PATTERNS = [
  '**/workflow.yaml',
  '**/workflow.yml',
  '**/*.workflow.yaml',
  '**/*.workflow.yml',
];
const IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**'];

export class UsageError extends Error {}

/** Files in argument order, without duplicates. Throws UsageError for arguments that match nothing. */
export async function expandFileArguments(
  args: readonly string[],
): Promise<{ files: string[]; problems: string[] }> {
  const files: string[] = [];
  const problems: string[] = [];
  const add = (file: string) => {
    if (!files.includes(file)) files.push(file);
  };
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await glob(WORKFLOW_FILE_PATTERNS, { cwd: arg, ignore: IGNORED, dot: false });
      if (found.length === 0)
        problems.push(`${arg}: no workflow.yaml or *.workflow.yaml files in this directory`);
      for (const file of found.sort()) add(path.join(arg, file));
    } else if (info) {
      add(arg);
    } else if (isDynamicPattern(arg)) {
      const found = await glob(arg, { ignore: IGNORED, onlyFiles: true, expandDirectories: false });
      if (found.length === 0) problems.push(`${arg}: no files match this pattern`);
      for (const file of found.sort()) add(file);
    } else {
      problems.push(`${arg}: no such file or directory`);
    }
  }
  return { files, problems };
}
