// weft schema [--write PATH]: the workflow.yaml JSON Schema, printed or placed in a project so that
// editors (Red Hat YAML, any yaml-language-server client) find it with no network through a modeline.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { workflowSchema } from '../../language/index.js';
import { UsageError } from '../files.js';

/** The modeline for a workflow file in `fromDir` that points at the schema at `schemaFile`. */
export function modelineFor(schemaFile: string, fromDir: string): string {
  let relative = path.relative(fromDir, schemaFile).split(path.sep).join('/');
  if (!relative.startsWith('./') && !relative.startsWith('../')) relative = `./${relative}`;
  return `# yaml-language-server: $schema=${relative}`;
}

async function schema(options: { write?: string }): Promise<void> {
  const text = `${JSON.stringify(workflowSchema, null, 2)}\n`;
  if (!options.write) {
    process.stdout.write(text);
    return;
  }
  let target = path.resolve(options.write);
  if (options.write.endsWith('/') || options.write.endsWith(path.sep)) {
    target = path.join(target, 'workflow.schema.json');
  }
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  } catch (error) {
    throw new UsageError(
      `cannot write the schema to ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  process.stderr.write(
    `wrote ${target}\nfirst line of a workflow file in ${process.cwd()}:\n${modelineFor(target, process.cwd())}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('schema')
    .description('Print the workflow.yaml JSON Schema, or write it into a project for editors (--write)')
    .option('--write <path>', 'write it to this file (or into this folder, ending in /) instead of stdout')
    .action(schema);
}
