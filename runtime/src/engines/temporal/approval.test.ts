// Approval steps on a REAL Temporal dev server: the workflow waits (durably, in Temporal), the worker
// is stopped and a new one started while it waits, the decision goes in through the workflow's
// `weft.approval` update (refusals typed as the HTTP route maps them), a timeout decides on_timeout
// from a workflow timer, and every history replays deterministically.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../../test/support/cli.js';
import { startTemporal, type TemporalService } from '../../../test/support/services.js';
import type { RunEvent } from '../../engine/journal.js';
import { checkWorkflow } from '../../language/index.js';
import type { WorkflowDefinition } from '../../language/types.js';
import { type TemporalRunHandle, TemporalRuns } from './client.js';
import { TemporalServerEngine } from './server-engine.js';
import { createWeftWorker, workflowBundle } from './worker.js';

const yaml = (review: string) => `name: approve-temporal
models:
  fast: { provider: mock, model: mock-1 }
outputs:
  decision: { type: string, value: "\${{ steps.review.output.decision }}" }
  by: { type: string, value: "\${{ steps.review.output.by }}" }
  sent: { type: string, value: "\${{ steps.send.output != null ? 'sent' : 'held' }}" }
steps:
  - id: draft
    kind: llm
    model: fast
    prompt: draft
  - id: review
    kind: approval
    prompt: "Send \${{ steps.draft.output.text }}?"
${review}  - id: send
    kind: llm
    model: fast
    if: steps.review.output.decision == "approve"
    prompt: send
`;

function definition(review = ''): WorkflowDefinition {
  const result = checkWorkflow(yaml(review));
  expect(result.diagnostics).toEqual([]);
  return result.definition!;
}

const TASK_QUEUE = 'weft-approval';
let temporal: TemporalService;
let connection: NativeConnection;
let dataDir: string;
let worker: Worker;
let running: Promise<void>;
let runs: TemporalRuns;
const workflowIds: string[] = [];

async function startWorker(): Promise<void> {
  worker = await createWeftWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: TASK_QUEUE,
    env: {},
    dataDir,
    heartbeatMs: 200,
  });
  running = worker.run();
}

async function stopWorker(): Promise<void> {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => {});
}

beforeAll(async () => {
  temporal = await startTemporal();
  dataDir = await mkdtemp(join(tmpdir(), 'weft-approval-temporal-'));
  connection = await NativeConnection.connect({ address: temporal.address });
  await startWorker();
  runs = await TemporalRuns.connect({
    address: temporal.address,
    namespace: temporal.namespace,
    taskQueue: TASK_QUEUE,
  });
}, 120_000);

afterAll(async () => {
  await stopWorker();
  await connection?.close();
  await runs?.close();
  await temporal?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

function requested(handle: TemporalRunHandle, key: string): Promise<RunEvent> {
  return new Promise((resolve) => {
    handle.onEvent((event) => {
      if (event.type === 'approval_requested' && event.key === key) resolve(event);
    });
  });
}

describe('approval steps on Temporal (real dev server)', () => {
  it('waits across a worker restart; the update refuses what the route refuses and decides', async () => {
    const handle = await runs.start(definition('    decisions: [approve, reject]\n'), {});
    workflowIds.push(handle.runId);
    const event = await requested(handle, 'review');
    expect(event).toMatchObject({ key: 'review', decisions: ['approve', 'reject'] });
    expect(event.type === 'approval_requested' && event.prompt).toMatch(/^Send .+\?$/);

    // the worker goes away while the run waits, and a new one takes over
    await stopWorker();
    await startWorker();

    const engine = new TemporalServerEngine({
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue: TASK_QUEUE,
    });
    try {
      expect(
        await engine.decideApproval(handle.runId, 'review', { decision: 'maybe', by: 'ada' }),
      ).toMatchObject({
        ok: false,
        reason: 'invalid_decision',
        decisions: ['approve', 'reject'],
      });
      expect(
        await engine.decideApproval(handle.runId, 'draft', { decision: 'approve', by: 'ada' }),
      ).toMatchObject({
        ok: false,
        reason: 'unknown_step',
      });
      expect(
        await engine.decideApproval('no-such-run', 'review', { decision: 'approve', by: 'ada' }),
      ).toMatchObject({
        ok: false,
        reason: 'no_run',
      });
      const decided = await engine.decideApproval(handle.runId, 'review', {
        decision: 'approve',
        by: 'ada',
        comment: 'ok',
      });
      expect(decided).toMatchObject({
        ok: true,
        approval: { step: 'review', decision: 'approve', by: 'ada', comment: 'ok' },
      });
      const record = await handle.result;
      expect(record.status).toBe('succeeded');
      expect(record.outputs).toEqual({ decision: 'approve', by: 'ada', sent: 'sent' });
      expect(record.approvals).toEqual([
        expect.objectContaining({
          step: 'review',
          decision: 'approve',
          by: 'ada',
          comment: 'ok',
          timedOut: false,
        }),
      ]);
      const after = await engine.decideApproval(handle.runId, 'review', { decision: 'reject', by: 'bob' });
      expect(after).toMatchObject({ ok: false, reason: 'not_waiting' });
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a timeout decides on_timeout from a workflow timer', async () => {
    const handle = await runs.start(definition('    timeout: 1s\n    on_timeout: reject\n'), {});
    workflowIds.push(handle.runId);
    const record = await handle.result;
    expect(record.status).toBe('succeeded');
    expect(record.outputs).toEqual({ decision: 'reject', by: 'timeout', sent: 'held' });
    expect(record.approvals?.[0]).toMatchObject({ decision: 'reject', by: 'timeout', timedOut: true });
  }, 60_000);

  it('weft runs reject decides on Temporal (TEMPORAL_ADDRESS set, no server)', async () => {
    const cli: BuiltCli = await buildCli('approval-temporal');
    try {
      const handle = await runs.start(definition(), {});
      workflowIds.push(handle.runId);
      await requested(handle, 'review');
      const env = {
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      };
      const wrong = await cli.runAsync(['runs', 'approve', handle.runId, 'review', '--decision', 'maybe'], {
        env,
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/invalid_decision: .*allowed: approve, reject/);
      const rejected = await cli.runAsync(['runs', 'reject', handle.runId, 'review', '--by', 'carol'], {
        env,
      });
      expect(rejected.stderr).toMatch(/review of run .*: reject by carol/);
      expect(rejected.code).toBe(0);
      expect((await handle.result).outputs).toEqual({ decision: 'reject', by: 'carol', sent: 'held' });
    } finally {
      cli.remove();
    }
  }, 120_000);

  it('every history replays deterministically', async () => {
    expect(workflowIds.length).toBe(3);
    const bundle = await workflowBundle();
    for (const workflowId of workflowIds) {
      const history = await runs.client.workflow.getHandle(workflowId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
    }
  }, 60_000);
});
