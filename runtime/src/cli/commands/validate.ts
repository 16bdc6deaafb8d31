// weft validate FILE... [--format text|json]: exit 0 valid, 1 errors found, 2 usage or I/O error.

import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { budgetBound, checkWorkflow, type Diagnostic, describeBound } from '../../language/index.js';
import { wholeCharacters } from '../../language/text.js';
import { fileCheckOptions } from '../../workflow-files/resolver.js';
import { expandFileArguments } from '../files.js';

export interface FileDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

export function toFileDiagnostic(file: string, d: Diagnostic): FileDiagnostic {
  const { line, column, endLine, endColumn } = d.range;
  // never half a character (a lone surrogate) in a message, whatever produced it
  const message = wholeCharacters(d.message);
  return { file, line, column, endLine, endColumn, severity: d.severity, code: d.code, message };
}

export function formatText(d: FileDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}

async function validate(args: string[], options: { format: 'text' | 'json' }): Promise<number> {
  const { files, problems } = await expandFileArguments(args);
  const all: FileDiagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push(
        `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const { definition, diagnostics: found } = checkWorkflow(text, fileCheckOptions(file));
    const diagnostics = found.map((d) => toFileDiagnostic(file, d));
    all.push(...diagnostics);
    if (options.format === 'text') for (const d of diagnostics) process.stdout.write(`${formatText(d)}\n`);
    // The worst case the file can spend (stderr: stdout keeps the FILE:LINE:COL contract).
    if (options.format === 'text' && definition && !diagnostics.some((d) => d.severity === 'error')) {
      const bound = budgetBound(definition);
      if (bound.steps.length > 0) process.stderr.write(`${file}: ${describeBound(bound, definition)}\n`);
    }
  }
  if (options.format === 'json') process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  for (const problem of problems) process.stderr.write(`weft validate: ${problem}\n`);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (options.format === 'text' && files.length > 0) {
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    process.stderr.write(
      `${plural(files.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`,
    );
  }
  if (problems.length > 0) return 2;
  return errors > 0 ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check workflow files (files, directories or globs) for errors')
    .argument('<files...>', 'workflow.yaml files, directories holding them, or glob patterns')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (files: string[], options: { format: 'text' | 'json' }) => {
      process.exitCode = await validate(files, options);
    });
}
