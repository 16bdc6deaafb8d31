// What a Temporal user sees of Weft runs, on a REAL Temporal dev server, read back with the official
// `temporal` CLI (JSON) and the SDK: activities named for their step, a failed run = a failed workflow
// typed with the Weft error code, name/version in memo and the WeftWorkflow search attribute, each
// activity's input without the whole definition, and runs listed through the visibility API.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceBinary, startTemporal, type TemporalService } from '../../../test/support/services.js';
import { checkWorkflow } from '../../language/index.js';
import type { WorkflowDefinition } from '../../language/types.js';
import { TemporalRuns } from './client.js';
import { WEFT_SEARCH_ATTRIBUTE } from './visibility.js';
import { createWeftWorker } from './worker.js';

const run = promisify(execFile);

const NO_BRANCH = `name: no-branch
version: 2.1.0
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: classify
    kind: llm
    model: fast
    prompt: hello
  - id: route
    kind: decision
    branches:
      - when: steps.classify.output.text == "never"
        then: [reply]
  - id: reply
    kind: llm
    model: fast
    prompt: ${'A long prompt that only the reply step needs. '.repeat(20)}
`;

const TWO_STEPS = `name: two-steps
version: 1.0.0
models:
  fast: { provider: mock, model: mock-1 }
  other: { provider: mock, model: mock-2 }
steps:
  - id: classify
    kind: llm
    model: fast
    prompt: hello
  - id: answer
    kind: llm
    model: other
    needs: [classify]
    prompt: ${'Answer at length, this prompt is long on purpose. '.repeat(20)}
`;

function definitionOf(text: string): WorkflowDefinition {
  const { definition, diagnostics } = checkWorkflow(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return definition!;
}

let temporal: TemporalService;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let runs: TemporalRuns;
let dataDir: string;
const taskQueue = 'weft-visibility';

async function cli(...args: string[]): Promise<unknown> {
  const { stdout } = await run(serviceBinary('temporal'), [
    ...args,
    '--address',
    temporal.address,
    '--namespace',
    temporal.namespace,
    '--output',
    'json',
  ]);
  return JSON.parse(stdout);
}

beforeAll(async () => {
  temporal = await startTemporal({ extraArgs: ['--search-attribute', `${WEFT_SEARCH_ATTRIBUTE}=Keyword`] });
  dataDir = await mkdtemp(join(tmpdir(), 'weft-visibility-'));
  connection = await NativeConnection.connect({ address: temporal.address });
  worker = await createWeftWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue,
    env: {},
    dataDir,
  });
  running = worker.run();
  runs = await TemporalRuns.connect({ address: temporal.address, namespace: temporal.namespace, taskQueue });
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => {});
  await connection?.close();
  await runs?.close();
  await temporal?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('Weft runs as Temporal shows them', () => {
  let failedId: string;
  let okId: string;

  it('a failed Weft run fails its workflow with an ApplicationFailure typed with the error code', async () => {
    const handle = await runs.start(definitionOf(NO_BRANCH), {}, { workflowFile: '/w/no-branch.yaml' });
    const record = await handle.result;
    failedId = record.runId;
    expect(record.status).toBe('failed');
    expect(record.error?.code).toBe('no_branch_matched');

    const described = (await cli('workflow', 'describe', '--workflow-id', failedId)) as {
      workflowExecutionInfo: { status: string };
    };
    expect(described.workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_FAILED');
    const history = (await cli('workflow', 'show', '--workflow-id', failedId)) as {
      // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON history, read field by field below
      events: Array<Record<string, any>>;
    };
    const failed = history.events.find((e) => e.workflowExecutionFailedEventAttributes);
    const failure = failed!.workflowExecutionFailedEventAttributes.failure;
    expect(failure.applicationFailureInfo.type).toBe('no_branch_matched');
    expect(failure.applicationFailureInfo.nonRetryable).toBe(true);
    expect(failure.message).toContain('route');
    // the activity is named for its step: id and summary
    const scheduled = history.events.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes.activityId)).toEqual([
      'step:classify',
    ]);
    const summary = scheduled[0]!.userMetadata?.summary;
    expect(Buffer.from(summary.data, 'base64').toString()).toBe('"step classify (llm fast, attempt 1)"');
  }, 60_000);

  it('names the workflow in memo and search attribute; the definition travels once', async () => {
    const handle = await runs.start(definitionOf(TWO_STEPS), {}, { workflowFile: '/w/two-steps.yaml' });
    const record = await handle.result;
    okId = record.runId;
    expect(record.status).toBe('succeeded');
    const wf = runs.client.workflow.getHandle(okId);
    const description = await wf.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.memo).toMatchObject({
      weftWorkflow: 'two-steps',
      weftVersion: '1.0.0',
      weftWorkflowFile: '/w/two-steps.yaml',
      weftStatus: 'succeeded',
      weftUsage: record.usage,
    });
    expect(description.searchAttributes[WEFT_SEARCH_ATTRIBUTE]).toEqual(['two-steps']);
    // Temporal's own query language finds runs of a Weft workflow by name
    const found = (await cli(
      'workflow',
      'list',
      '--query',
      `${WEFT_SEARCH_ATTRIBUTE} = 'two-steps'`,
    )) as Array<{
      execution: { workflowId: string };
    }>;
    expect(found.map((f) => f.execution.workflowId)).toEqual([okId]);

    const history = await wf.fetchHistory();
    const inputOf = (data: Uint8Array | null | undefined) => Buffer.from(data ?? []).toString();
    const workflowInput = inputOf(
      history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data,
    );
    const activityInputs = history
      .events!.filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => ({
        id: e.activityTaskScheduledEventAttributes!.activityId,
        input: inputOf(e.activityTaskScheduledEventAttributes!.input!.payloads![0]!.data),
      }));
    expect(activityInputs.map((a) => a.id)).toEqual(['step:classify', 'step:answer']);
    expect(workflowInput).toContain('this prompt is long on purpose');
    const classify = JSON.parse(activityInputs[0]!.input);
    // only what the step uses: its model, the budget; not the other step's prompt or model
    expect(Object.keys(classify.definition.models)).toEqual(['fast']);
    expect(classify.definition.steps).toEqual([]);
    expect(activityInputs[0]!.input).not.toContain('long on purpose');
    expect(activityInputs[0]!.input.length).toBeLessThan(workflowInput.length / 2);
  }, 60_000);

  it('lists Weft runs through the visibility API with status, usage and error code', async () => {
    // visibility is eventually consistent: wait until both runs are listed as ended
    let listed = await runs.list({ limit: 10 });
    for (let i = 0; i < 50 && listed.filter((r) => r.status !== 'running').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      listed = await runs.list({ limit: 10 });
    }
    const byId = Object.fromEntries(listed.map((r) => [r.runId, r]));
    expect(byId[failedId]).toMatchObject({
      workflow: 'no-branch',
      status: 'failed',
      error: { code: 'no_branch_matched' },
    });
    expect(byId[okId]).toMatchObject({ workflow: 'two-steps', status: 'succeeded' });
    expect(byId[okId]!.usage.totalTokens).toBeGreaterThan(0);
    expect((await runs.list({ limit: 10, workflow: 'two-steps' })).map((r) => r.runId)).toEqual([okId]);
    expect((await runs.list({ limit: 10, status: 'failed' })).map((r) => r.runId)).toEqual([failedId]);
  }, 60_000);
});
