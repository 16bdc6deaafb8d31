// Reads and checks a workflow file for commands that run it; diagnostics are printed like `weft validate`.
import { readFile } from 'node:fs/promises';
import { checkWorkflow, type WorkflowDefinition } from '../language/index.js';
import { fileCheckOptions } from '../workflow-files/resolver.js';
import { formatText, toFileDiagnostic } from './commands/validate.js';
import { UsageError } from './files.js';

export async function loadWorkflow(file: string): Promise<WorkflowDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const { definition, diagnostics } = checkWorkflow(text.replace(/^\uFEFF/, ''), fileCheckOptions(file));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !definition) {
    const lines = errors.map((d) => formatText(toFileDiagnostic(file, d)));
    throw new UsageError(
      `${lines.join('\n')}\n${file} has ${errors.length} error(s); fix them and run again`,
    );
  }
  return definition;
}
