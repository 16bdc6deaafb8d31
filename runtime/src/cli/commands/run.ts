// weft run FILE [--input k=v]... [--inputs-file F] [--engine embedded|temporal] [--json] [--run-id ID]
// Progress on stderr; --json prints the run record on stdout. Exit 0 succeeded, 1 failed, 2 invalid/usage.
// Both engines print the same lines and record: followRun() takes any handle that streams run events.
import path from 'node:path';
import { type Command, Option } from 'commander';
import { EmbeddedEngine, type RunHandle, type RunRecord } from '../../engines/embedded/index.js';
import { compileInputValidator } from '../../language/inputs.js';
import type { JsonValue, WorkflowDefinition } from '../../language/types.js';
import { UsageError } from '../files.js';
import { parseInputPairs, readInputsFile } from '../inputs.js';
import { formatSeconds, formatUsage, ProgressFormatter } from '../output/progress.js';
import { loadWorkflow } from '../workflow-file.js';
import { askForApprovals } from './run-approvals.js';

export interface RunOptions {
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

/** What followRun needs from a run, whichever engine drives it. */
export type FollowedRun = Pick<RunHandle, 'runId' | 'result' | 'onEvent'>;

/**
 * Follows a run to its end and returns the exit code: 0 succeeded, 1 failed or cancelled. A run left
 * waiting for approvals (detached: nobody here can answer) prints how to decide and returns
 * `waitingExitCode` (default 1: it did not succeed, yet).
 */
export async function followRun(
  handle: FollowedRun,
  options: { json?: boolean; waitingExitCode?: number },
  cancel?: (reason: string) => Promise<void>,
): Promise<number> {
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
    const reason = 'interrupted from the terminal';
    const request = cancel ? cancel(reason) : engineFor.get(handle)?.cancel(handle.runId, reason);
    void request?.catch((error: Error) => process.stderr.write(`could not cancel: ${error.message}\n`));
  };
  process.on('SIGINT', onSigint);
  try {
    const record = await handle.result;
    unsubscribe();
    const waiting = (record.approvals ?? []).filter((a) => a.decision === undefined);
    if (record.status === 'running' && waiting.length > 0) {
      for (const approval of waiting) {
        process.stderr.write(
          `⏸ run ${record.runId} waits for a decision on step ${approval.step} (${approval.decisions.join(' | ')}): ${approval.prompt}\n` +
            `  decide with: weft runs approve ${record.runId} ${approval.step}   (or: weft runs reject ...; --decision NAME for another)\n`,
        );
      }
      if (options.json) process.stdout.write(`${JSON.stringify(runResultJson(record), null, 2)}\n`);
      return options.waitingExitCode ?? 1;
    }
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

const engineFor = new WeakMap<FollowedRun, EmbeddedEngine>();

async function run(file: string, options: RunOptions): Promise<number> {
  const definition = await loadWorkflow(file);
  if (options.engine === 'temporal') {
    return runOnTemporal(definition, file, options);
  }
  const engine = new EmbeddedEngine();
  // in a terminal approvals are asked here; otherwise the run is left waiting for `weft runs approve`
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const follow = (handle: RunHandle) => {
    engineFor.set(handle, engine);
    if (interactive)
      askForApprovals((key, answer) => engine.decideApproval(handle.runId, key, answer), handle);
    return followRun(handle, options);
  };
  if (options.runId) {
    const existing = await engine.getRun(options.runId);
    if (existing) {
      if (existing.workflow !== definition.name) {
        throw new UsageError(
          `run ${options.runId} belongs to workflow '${existing.workflow}', not '${definition.name}'`,
        );
      }
      return follow(engine.resume(options.runId, { detachWhenWaiting: !interactive }));
    }
  }
  const handle = engine.start(definition, await checkedInputs(definition, options), {
    workflowFile: path.resolve(file),
    ...(options.runId ? { runId: options.runId } : {}),
    detachWhenWaiting: !interactive,
  });
  return follow(handle);
}

/** --inputs-file and --input values, checked against the workflow's inputs (UsageError if invalid). */
export async function checkedInputs(
  definition: WorkflowDefinition,
  options: Pick<RunOptions, 'input' | 'inputsFile'>,
): Promise<Record<string, JsonValue>> {
  const given = {
    ...(options.inputsFile ? await readInputsFile(options.inputsFile) : {}),
    ...parseInputPairs(definition, options.input),
  };
  const checked = compileInputValidator(definition.inputs)(given);
  if (!checked.ok) {
    const lines = checked.errors.map((e) => `  input ${e.pointer.slice(1) || '(all)'}: ${e.message}`);
    throw new UsageError(`invalid inputs for ${definition.name}:\n${lines.join('\n')}`);
  }
  return checked.inputs;
}

/**
 * --engine temporal: starts the workflow (workflow id = run id) on TEMPORAL_TASK_QUEUE and follows it
 * through its journal query. When no worker polls the queue, this process runs one for the run (so a
 * dev server is all that is needed); `weft worker` keeps one running. --run-id of an existing workflow
 * follows that run instead of starting one (Temporal keeps it; there is nothing to resume).
 */
async function runOnTemporal(definition: WorkflowDefinition, file: string, options: RunOptions) {
  const temporal = await import('../../engines/temporal/index.js');
  temporal.installCliRuntime();
  const config = temporal.temporalConfig();
  const runs = await temporal.TemporalRuns.connect(config);
  let local: Awaited<ReturnType<typeof temporal.startInProcessWorker>> | undefined;
  try {
    let handle = options.runId ? await runs.attach(options.runId) : undefined;
    if (!handle) {
      const inputs = await checkedInputs(definition, options);
      if (!(await runs.hasWorker())) {
        process.stderr.write(
          `no worker polls queue ${config.taskQueue} at ${config.address}: running one in this process for this run (\`weft worker\` keeps one running)\n`,
        );
        process.stderr.write('bundling workflows…\n');
        local = await temporal.startInProcessWorker(config);
        process.stderr.write(`worker ready on queue ${config.taskQueue}\n`);
      }
      handle = await runs.start(definition, inputs, {
        workflowFile: path.resolve(file),
        ...(options.runId ? { runId: options.runId } : {}),
      });
    } else if (!(await runs.hasWorker())) {
      local = await temporal.startInProcessWorker(config);
    }
    const started = handle;
    // Temporal keeps a waiting run: in a terminal it is asked here, else decided with `weft runs approve`
    if (process.stdin.isTTY === true && process.stderr.isTTY === true) {
      askForApprovals((key, answer) => runs.decideApproval(started.runId, { key, ...answer }), started);
    }
    return await followRun(started, options, (reason) => started.cancel(reason));
  } finally {
    await local?.stop();
    await runs.close();
  }
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
