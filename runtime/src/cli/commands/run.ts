// weft run FILE [--input k=v]... [--inputs-file F] [--engine embedded] [--json] [--run-id ID]
// Progress on stderr; --json prints the run record on stdout. Exit 0 succeeded, 1 failed, 2 invalid/usage.
import path from 'node:path';
import { type Command, Option } from 'commander';
import { EmbeddedEngine, type RunHandle, type RunRecord } from '../../engines/embedded/index.js';
import { compileInputValidator } from '../../server/validation.js';
import { UsageError } from '../files.js';
import { parseInputPairs, readInputsFile } from '../inputs.js';
import { formatSeconds, formatUsage, ProgressFormatter } from '../output/progress.js';
import { loadWorkflow } from '../workflow-file.js';

interface RunOptions {
  input: string[];
  inputsFile?: string;
  engine: 'embedded' | 'temporal';
  json?: boolean;
  runId?: string;
}

export function runResultJson(record: RunRecord) {
  return {
    runId: record.runId,
    status: record.status,
    outputs: record.outputs ?? {},
    ...(record.error ? { error: record.error } : {}),
    usage: record.usage,
  };
}

export async function followRun(handle: RunHandle, options: { json?: boolean }): Promise<number> {
  const progress = new ProgressFormatter(process.stderr.isTTY === true && !process.env.NO_COLOR);
  const unsubscribe = handle.onEvent((event) => {
    const line = progress.line(event);
    if (line) process.stderr.write(`${line}\n`);
  });
  let interrupted = 0;
  const onSigint = () => {
    interrupted += 1;
    if (interrupted > 1) process.exit(130);
    process.stderr.write(
      '\nCancelling the run (Ctrl-C again to quit at once; the journal keeps it resumable)\n',
    );
    void engineFor.get(handle)?.cancel(handle.runId, 'interrupted from the terminal');
  };
  process.on('SIGINT', onSigint);
  try {
    const record = await handle.result;
    unsubscribe();
    const took = record.endedAt
      ? formatSeconds(Date.parse(record.endedAt) - Date.parse(record.startedAt))
      : '';
    const summary =
      record.status === 'succeeded'
        ? `✓ succeeded in ${took} · ${formatUsage(record.usage)}`
        : `✗ ${record.status}${record.error ? `: ${record.error.code}${record.error.step ? ` at step ${record.error.step}` : ''}: ${record.error.message}` : ''} · ${formatUsage(record.usage)}`;
    process.stderr.write(`${summary}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(runResultJson(record), null, 2)}\n`);
    else if (record.status === 'succeeded')
      process.stdout.write(`${JSON.stringify(record.outputs ?? {}, null, 2)}\n`);
    return record.status === 'succeeded' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const engineFor = new WeakMap<RunHandle, EmbeddedEngine>();

async function run(file: string, options: RunOptions): Promise<number> {
  if (options.engine === 'temporal') {
    throw new UsageError(
      '--engine temporal: running through Temporal from the CLI is not available yet; use the embedded engine (the default)',
    );
  }
  const definition = await loadWorkflow(file);
  const engine = new EmbeddedEngine();
  if (options.runId) {
    const existing = await engine.getRun(options.runId);
    if (existing) {
      if (existing.workflow !== definition.name) {
        throw new UsageError(
          `run ${options.runId} belongs to workflow '${existing.workflow}', not '${definition.name}'`,
        );
      }
      const handle = engine.resume(options.runId);
      engineFor.set(handle, engine);
      return followRun(handle, options);
    }
  }
  const given = {
    ...(options.inputsFile ? await readInputsFile(options.inputsFile) : {}),
    ...parseInputPairs(definition, options.input),
  };
  const checked = compileInputValidator(definition.inputs)(given);
  if (!checked.ok) {
    const lines = checked.errors.map((e) => `  input ${e.pointer.slice(1) || '(all)'}: ${e.message}`);
    throw new UsageError(`invalid inputs for ${definition.name}:\n${lines.join('\n')}`);
  }
  const handle = engine.start(definition, checked.inputs, {
    workflowFile: path.resolve(file),
    ...(options.runId ? { runId: options.runId } : {}),
  });
  engineFor.set(handle, engine);
  return followRun(handle, options);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('run')
    .description('Run a workflow (offline with mock models); progress on stderr, outputs on stdout')
    .argument('<file>', 'the workflow.yaml to run')
    .option(
      '-i, --input <name=value>',
      'an input (repeatable); non-string inputs are read as JSON',
      collect,
      [],
    )
    .option('--inputs-file <file>', 'a JSON object of inputs (--input values win)')
    .addOption(
      new Option('--engine <engine>', 'where to run').choices(['embedded', 'temporal']).default('embedded'),
    )
    .option('--json', 'print the run record {runId, status, outputs, error?, usage} on stdout')
    .option('--run-id <id>', 'use this run id; if the run exists and did not finish, resume it')
    .action(async (file: string, options: RunOptions) => {
      process.exitCode = await run(file, options);
    });
}
