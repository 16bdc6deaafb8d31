// Helpers for the language tests.
import { checkWorkflow } from './check.js';
import type { WorkflowResolver } from './semantic/sub-workflows.js';
import type { Diagnostic } from './types.js';

export const HEADER = `name: t
inputs:
  message: { type: string }
models:
  fast: { provider: mock, model: m }
steps:
`;

/** [line, column, endLine, endColumn] of each diagnostic with this code. */
export function rangesOf(text: string, code: string): Array<[number, number, number, number]> {
  return checkWorkflow(text)
    .diagnostics.filter((d) => d.code === code)
    .map((d) => [d.range.line, d.range.column, d.range.endLine, d.range.endColumn]);
}

export function only(text: string, code: string): Diagnostic {
  const found = checkWorkflow(text).diagnostics.filter((d) => d.code === code);
  if (found.length !== 1)
    throw new Error(`expected one ${code}, got ${JSON.stringify(checkWorkflow(text).diagnostics)}`);
  return found[0]!;
}

/** A resolver over in-memory files by path (`/w/a.yaml`): `ref` is joined to the calling file's folder. */
export function memoryResolver(files: Record<string, string>): WorkflowResolver {
  return (from, ref) => {
    const parts = [...from.split('/').slice(0, -1), ...ref.split('/')];
    const out: string[] = [];
    for (const part of parts) {
      if (part === '..') out.pop();
      else if (part !== '.') out.push(part);
    }
    const file = out.join('/');
    return Object.hasOwn(files, file) ? { file, text: files[file]! } : undefined;
  };
}
