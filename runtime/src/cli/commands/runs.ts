// weft runs [list] | weft runs show ID | weft runs resume ID: the runs kept in the data directory.
import { type Command, Option } from 'commander';
import { EmbeddedEngine, type RunSummary } from '../../engines/embedded/index.js';
import { UsageError } from '../files.js';
import { formatSeconds, formatUsage } from '../output/progress.js';
import { renderTraceTree } from '../output/trace-tree.js';
import { followRun } from './run.js';
import { registerApprovals } from './runs-approve.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function summaryRow(run: RunSummary): string[] {
  const took = run.endedAt ? formatSeconds(Date.parse(run.endedAt) - Date.parse(run.startedAt)) : '';
  const status = run.needsAttention ? `${run.status} (needs attention)` : run.status;
  return [
    run.runId,
    run.workflow,
    status,
    run.startedAt,
    took,
    formatUsage(run.usage),
    run.error?.code ?? '',
  ];
}

interface ListOptions {
  workflow?: string;
  status?: string;
  limit: string;
  json?: boolean;
  engine?: 'embedded' | 'temporal';
}

/** Runs on Temporal, through its visibility API (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY...). */
async function temporalRuns(filter: { workflow?: string; status?: RunSummary['status']; limit: number }) {
  const temporal = await import('../../engines/temporal/index.js');
  const config = temporal.temporalConfig();
  const runs = await temporal.TemporalRuns.connect(config);
  try {
    return {
      runs: await runs.list(filter),
      where: `Temporal at ${config.address} (namespace ${config.namespace})`,
    };
  } finally {
    await runs.close();
  }
}

async function list(options: ListOptions) {
  const filter = {
    ...(options.workflow ? { workflow: options.workflow } : {}),
    ...(options.status ? { status: options.status as RunSummary['status'] } : {}),
    limit: Number(options.limit),
  };
  const engine = options.engine ?? (process.env.TEMPORAL_ADDRESS?.trim() ? 'temporal' : 'embedded');
  let runs: RunSummary[];
  let where: string;
  if (engine === 'temporal') ({ runs, where } = await temporalRuns(filter));
  else {
    const embedded = new EmbeddedEngine();
    runs = await embedded.listRuns(filter);
    where = embedded.dataDir;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return;
  }
  if (runs.length === 0) {
    process.stderr.write(`no runs in ${where} (start one with \`weft run FILE\`)\n`);
    return;
  }
  const header = ['RUN', 'WORKFLOW', 'STATUS', 'STARTED', 'TOOK', 'USAGE', 'ERROR'];
  process.stdout.write(`${table([header, ...runs.map(summaryRow)])}\n`);
}

async function show(runId: string, options: { json?: boolean }) {
  const engine = new EmbeddedEngine();
  const record = await engine.getRun(runId);
  if (!record) throw new UsageError(`no run ${runId} in ${engine.dataDir} (see \`weft runs\`)`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return;
  }
  const out = [
    `run       ${record.runId}`,
    `workflow  ${record.workflow}${record.workflowFile ? ` (${record.workflowFile})` : ''}`,
    `status    ${record.status}${record.error ? ` - ${record.error.code}: ${record.error.message}` : ''}`,
    `usage     ${formatUsage(record.usage)}`,
    ...record.warnings.map((w) => `warning   ${w}`),
    ...(record.needsAttention
      ? [
          `ATTENTION ${record.needsAttention.file}:${record.needsAttention.line}: ${record.needsAttention.message}`,
        ]
      : []),
    ...(record.approvals ?? []).map((a) =>
      a.decision === undefined
        ? `approval  ${a.step}: waiting (${a.decisions.join(' | ')}${a.timeoutAt ? `; ${a.onTimeout} at ${a.timeoutAt}` : ''}): ${a.prompt}\n          decide: weft runs approve ${record.runId} ${a.step}  (or reject)`
        : `approval  ${a.step}: ${a.decision} by ${a.by} at ${a.at}${a.timedOut ? ' (timeout)' : ''}${a.comment ? `: ${a.comment}` : ''}`,
    ),
    '',
    'trace',
    ...renderTraceTree(record.trace).map((l) => `  ${l}`),
  ];
  if (record.outputs) out.push('', 'outputs', JSON.stringify(record.outputs, null, 2));
  process.stdout.write(`${out.join('\n')}\n`);
}

export function register(program: Command): void {
  const runs = program
    .command('runs')
    .description('List runs, show one with its trace, resume one, or approve/reject a step it waits for');
  runs
    .command('list', { isDefault: true })
    .description('List runs, newest first')
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--status <status>', 'running | succeeded | failed | cancelled')
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print JSON')
    .addOption(
      new Option(
        '--engine <engine>',
        'where the runs are: the data directory, or Temporal (default when TEMPORAL_ADDRESS is set)',
      ).choices(['embedded', 'temporal']),
    )
    .action(list);
  runs
    .command('show')
    .description('Show a run: status, usage, outputs and its trace as a tree')
    .argument('<runId>')
    .option('--json', 'print the whole run record')
    .action(show);
  runs
    .command('resume')
    .description('Resume a run that did not finish (after a crash); finished steps are not run again')
    .argument('<runId>')
    .option('--json', 'print the run record on stdout')
    .action(async (runId: string, options: { json?: boolean }) => {
      const engine = new EmbeddedEngine();
      if (!(await engine.getRun(runId))) throw new UsageError(`no run ${runId} in ${engine.dataDir}`);
      process.exitCode = await followRun(engine.resume(runId), options);
    });
  registerApprovals(runs);
}
