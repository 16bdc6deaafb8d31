// Sub-workflow steps on a REAL Temporal dev server: the child runs as a Temporal child workflow of the parent
// (describe shows the parent), the parent gets the child's outputs and usage, and a failing child fails the
// parent with the child's error code. Same outcome as the embedded engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporal, type TemporalService } from '../../../test/support/services.js';
import { scriptedModel } from '../../engine/testing/clients.js';
import { llm, subWorkflow, workflow } from '../../engine/testing/definitions.js';
import { checkWorkflow } from '../../language/index.js';
import { memoryResolver } from '../../language/test-support.js';
import type { WorkflowDefinition } from '../../language/types.js';
import { createModelClient } from '../../models/index.js';
import { EmbeddedEngine } from '../embedded/index.js';
import { TemporalRuns } from './client.js';
import { createWeftWorker, workflowBundle } from './worker.js';

const CHILD = `name: summarize
version: 1.2.0
inputs:
  text: { type: string }
outputs:
  summary: { type: string, value: "\${{ steps.condense.output.text }}" }
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: condense
    kind: llm
    model: fast
    prompt: "Summarize: \${{ inputs.text }}"
`;

const FAILING_CHILD = `name: strict
inputs:
  text: { type: string }
models:
  fast: { provider: mock, model: mock-1 }
steps:
  - id: route
    kind: decision
    branches:
      - when: inputs.text == "never"
        then: [reply]
  - id: reply
    kind: llm
    model: fast
    prompt: hi
`;

const parent = (child: string) => `name: brief
models:
  fast: { provider: mock, model: mock-1 }
outputs:
  summary: { type: string, value: "\${{ steps.summarize.output.summary }}" }
steps:
  - id: draft
    kind: llm
    model: fast
    prompt: notes
  - id: summarize
    kind: workflow
    workflow: ./${child}
    inputs:
      text: \${{ steps.draft.output.text }}
`;

const FILES = {
  '/w/brief.yaml': parent('summarize.yaml'),
  '/w/failing.yaml': parent('strict.yaml').replace(
    'outputs:\n  summary: { type: string, value: "${{ steps.summarize.output.summary }}" }\n',
    '',
  ),
  '/w/summarize.yaml': CHILD,
  '/w/strict.yaml': FAILING_CHILD,
};

function load(file: keyof typeof FILES): WorkflowDefinition {
  const { definition, diagnostics } = checkWorkflow(FILES[file], { file, resolve: memoryResolver(FILES) });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return definition!;
}

const slowModel = scriptedModel(() => ({ text: 'late', delayMs: 20_000 }));

let temporal: TemporalService;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let runs: TemporalRuns;
let dataDir: string;
const taskQueue = 'weft-child-workflow';

beforeAll(async () => {
  temporal = await startTemporal();
  dataDir = await mkdtemp(join(tmpdir(), 'weft-child-workflow-'));
  connection = await NativeConnection.connect({ address: temporal.address });
  worker = await createWeftWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue,
    env: {},
    dataDir,
    modelClientFactory: (spec) =>
      spec.model === 'slow-1' ? slowModel.factory(spec) : createModelClient(spec, { env: {} }),
    heartbeatMs: 200,
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

describe('sub-workflow steps on Temporal', () => {
  const ids: string[] = [];

  it("the parent succeeds with the child's outputs; the child is a child workflow of the parent", async () => {
    const definition = load('/w/brief.yaml');
    const record = await (await runs.start(definition, {})).result;
    ids.push(record.runId);
    expect(record.status).toBe('succeeded');
    expect(record.outputs?.summary).toContain('Summarize: [mock-1] Reply to: notes');

    const childId = `${record.runId}.summarize`;
    ids.push(childId);
    const child = await runs.client.workflow.getHandle(childId).describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(child.parentExecution?.workflowId).toBe(record.runId);
    expect(child.memo).toMatchObject({
      weftWorkflow: 'summarize',
      weftVersion: '1.2.0',
      weftParentRunId: record.runId,
    });

    // the same outcome as the embedded engine: outputs, usage (the child's counted in the parent's), steps
    const engine = new EmbeddedEngine({ dataDir: join(dataDir, 'embedded'), env: {} });
    const embedded = await engine.start(definition, {}).result;
    expect(record.outputs).toEqual(embedded.outputs);
    expect(record.usage).toEqual(embedded.usage);
    const steps = (r: typeof record) =>
      r.steps.map(({ startedAt, endedAt, childRunId, ...s }) => ({
        ...s,
        child: childRunId?.replace(r.runId, '<run>'),
      }));
    expect(steps(record)).toEqual(steps(embedded));
    expect(steps(record).find((s) => s.key === 'summarize')?.child).toBe('<run>.summarize');
    const childRecord = await engine.getRun(`${embedded.runId}.summarize`);
    expect(record.usage.totalTokens).toBeGreaterThan(childRecord!.usage.totalTokens);
  }, 60_000);

  it("a failing child fails the parent with the child's error code", async () => {
    const record = await (await runs.start(load('/w/failing.yaml'), {})).result;
    ids.push(record.runId, `${record.runId}.summarize`);
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'no_branch_matched', step: 'summarize' });
    expect(record.error?.message).toContain('route');
    const child = await runs.client.workflow.getHandle(`${record.runId}.summarize`).describe();
    expect(child.status.name).toBe('FAILED');
    expect(child.parentExecution?.workflowId).toBe(record.runId);

    const engine = new EmbeddedEngine({ dataDir: join(dataDir, 'embedded'), env: {} });
    const embedded = await engine.start(load('/w/failing.yaml'), {}).result;
    expect(embedded.error?.code).toBe('no_branch_matched');
  }, 60_000);

  it("the child gets only what is left of the parent's budget, as on the embedded engine", async () => {
    const engine = new EmbeddedEngine({ dataDir: join(dataDir, 'embedded'), env: {} });
    const free = await engine.start(load('/w/brief.yaml'), {}).result;
    const draftTokens =
      (await engine.getRun(free.runId))!.usage.totalTokens -
      (await engine.getRun(`${free.runId}.summarize`))!.usage.totalTokens;
    const capped = { ...load('/w/brief.yaml'), budget: { maxTokens: draftTokens + 12 } };
    const embedded = await engine.start(capped, {}).result;
    const record = await (await runs.start(capped, {})).result;
    ids.push(record.runId, `${record.runId}.summarize`);
    expect(embedded.error?.code).toBe('budget_exceeded');
    expect(record.error?.code).toBe('budget_exceeded');
    expect(record.usage).toEqual(embedded.usage);
    // the child started, with the parent's draft spent: its call did not fit what was left
    expect(record.steps.find((st) => st.key === 'summarize')?.error?.code).toBe('budget_exceeded');
    expect(embedded.steps.find((st) => st.key === 'summarize')?.error?.code).toBe('budget_exceeded');
    const childInput = (await runs.client.workflow.getHandle(`${record.runId}.summarize`).fetchHistory())
      .events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data;
    expect(JSON.parse(Buffer.from(childInput!).toString()).definition.budget).toEqual({ maxTokens: 12 });
  }, 60_000);

  it("the step's timeout ends the child workflow: the step, and the run, time out", async () => {
    const slow = workflow([llm('wait', 'wait')], {
      name: 'slow',
      models: { fast: { provider: 'mock', model: 'slow-1', parameters: {} } },
    });
    const record = await (await runs.start(workflow([subWorkflow('sub', slow, {}, { timeoutMs: 1500 })]), {}))
      .result;
    ids.push(record.runId);
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'timeout', step: 'sub' });
    const child = await runs.client.workflow.getHandle(`${record.runId}.sub`).describe();
    expect(child.status.name).toBe('TIMED_OUT');
  }, 60_000);

  it('the histories of parents and children replay deterministically', async () => {
    const bundle = await workflowBundle();
    for (const id of ids) {
      const history = await runs.client.workflow.getHandle(id).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, id);
    }
  }, 60_000);
});
