// The file system side of sub-workflows: `workflow: ./child.workflow.yaml` is read relative to the calling file.
// The language asks through this port (it does no I/O itself); the CLI and the server pass it to checkWorkflow.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { WorkflowResolver } from '../language/index.js';

/** Resolves `ref` against the directory of `fromFile` (absolute paths as they are); undefined when unreadable. */
export const fileWorkflowResolver: WorkflowResolver = (fromFile, ref) => {
  const file = resolve(dirname(resolve(fromFile)), ref);
  try {
    return { file, text: readFileSync(file, 'utf8').replace(/^\uFEFF/, '') };
  } catch {
    return undefined;
  }
};

/** checkWorkflow's options for the file `file` on disk. */
export function fileCheckOptions(file: string): { file: string; resolve: WorkflowResolver } {
  return { file: resolve(file), resolve: fileWorkflowResolver };
}
