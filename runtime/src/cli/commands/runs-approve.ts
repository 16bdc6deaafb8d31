// weft runs approve|reject RUN_ID STEP [--comment T] [--by NAME] [--decision D] [--server URL] [--json]
// With --server (or WEFT_SERVER_URL): POST /runs/{id}/approvals/{step} on that server (WEFT_API_KEY as the
// bearer key). With --engine temporal (default when TEMPORAL_ADDRESS is set): the workflow's update.
// Otherwise: the run in the data directory; a waiting run no process drives is resumed here
// with the decision and followed to its end (or to its next approval).
// Exit 0 decision recorded (locally: and the run succeeded or waits again), 1 refused (not waiting,
// not an allowed decision, unknown run or step) or the run failed, 2 usage or I/O.
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { EmbeddedEngine } from '../../engines/embedded/index.js';
import { UsageError } from '../files.js';
import { followRun } from './run.js';

export interface ApproveOptions {
  engine?: 'embedded' | 'temporal';
  comment?: string;
  by?: string;
  decision?: string;
  server?: string;
  json?: boolean;
}

function who(options: ApproveOptions): string {
  if (options.by) return options.by;
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

async function overHttp(
  server: string,
  runId: string,
  step: string,
  decision: string,
  options: ApproveOptions,
) {
  const url = `${server.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}/approvals/${encodeURIComponent(step)}`;
  const key = process.env.WEFT_API_KEY?.trim();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({
        decision,
        by: who(options),
        ...(options.comment !== undefined ? { comment: options.comment } : {}),
      }),
    });
  } catch (error) {
    throw new UsageError(
      `could not reach ${server}: ${(error as Error).message} (is \`weft serve\` running there?)`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string };
    decision?: string;
    by?: string;
    at?: string;
  };
  if (response.status === 401)
    throw new UsageError(`${server} refused the API key: set WEFT_API_KEY (${body.error?.message ?? ''})`);
  if (!response.ok) {
    process.stderr.write(
      `✗ ${body.error?.code ?? response.status}: ${body.error?.message ?? response.statusText}\n`,
    );
    return 1;
  }
  process.stderr.write(`✓ ${step} of run ${runId}: ${body.decision} by ${body.by} at ${body.at}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  return 0;
}

/** On Temporal (TEMPORAL_ADDRESS...): the workflow's approval update. */
async function onTemporal(runId: string, step: string, decision: string, options: ApproveOptions) {
  const temporal = await import('../../engines/temporal/index.js');
  const runs = await temporal.TemporalRuns.connect(temporal.temporalConfig());
  try {
    const result = await runs.decideApproval(runId, {
      key: step,
      decision,
      by: who(options),
      ...(options.comment !== undefined ? { comment: options.comment } : {}),
    });
    if (!result.ok) {
      process.stderr.write(`✗ ${result.reason}: ${result.message}\n`);
      return 1;
    }
    process.stderr.write(
      `✓ ${step} of run ${runId}: ${decision} by ${result.approval.by} at ${result.approval.at}\n`,
    );
    if (options.json) process.stdout.write(`${JSON.stringify(result.approval, null, 2)}\n`);
    return 0;
  } finally {
    await runs.close();
  }
}

async function locally(runId: string, step: string, decision: string, options: ApproveOptions) {
  const engine = new EmbeddedEngine();
  const result = await engine.decideApproval(
    runId,
    step,
    { decision, by: who(options), ...(options.comment !== undefined ? { comment: options.comment } : {}) },
    { detachWhenWaiting: true },
  );
  if (!result.ok) {
    process.stderr.write(`✗ ${result.reason}: ${result.message}\n`);
    return 1;
  }
  process.stderr.write(
    `✓ ${step} of run ${runId}: ${decision} by ${result.approval.by}; the run continues here\n`,
  );
  if (!result.handle) return 0;
  return followRun(result.handle, { ...options, waitingExitCode: 0 });
}

export async function decide(
  defaultDecision: 'approve' | 'reject',
  runId: string,
  step: string,
  options: ApproveOptions,
): Promise<number> {
  const decision = options.decision ?? defaultDecision;
  const server = options.server ?? process.env.WEFT_SERVER_URL?.trim();
  if (server) return overHttp(server, runId, step, decision, options);
  const engine = options.engine ?? (process.env.TEMPORAL_ADDRESS?.trim() ? 'temporal' : 'embedded');
  return engine === 'temporal'
    ? onTemporal(runId, step, decision, options)
    : locally(runId, step, decision, options);
}

export function registerApprovals(runs: Command): void {
  for (const verb of ['approve', 'reject'] as const) {
    runs
      .command(verb)
      .description(
        `${verb === 'approve' ? 'Approve' : 'Reject'} an approval step a run waits for (on a server with --server, else in the data directory)`,
      )
      .argument('<runId>')
      .argument('<step>', 'the approval step (its key: review, each[2])')
      .option('--comment <text>', 'a comment kept with the decision')
      .option('--by <name>', 'who decides (default: your user name)')
      .option('--decision <name>', `another of the step's decisions than \`${verb}\``)
      .option('--server <url>', 'a weft server (default: WEFT_SERVER_URL); WEFT_API_KEY is sent as the key')
      .addOption(
        new Option(
          '--engine <engine>',
          'without --server: the data directory, or Temporal (default when TEMPORAL_ADDRESS is set)',
        ).choices(['embedded', 'temporal']),
      )
      .option('--json', 'print the recorded decision (server) or the run record (data directory)')
      .action(async (runId: string, step: string, options: ApproveOptions) => {
        process.exitCode = await decide(verb, runId, step, options);
      });
  }
}
