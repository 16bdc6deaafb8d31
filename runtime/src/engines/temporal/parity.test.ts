// Parity: every sample (and a failure, a budget stop and a cancellation) runs on the embedded engine
// and on a REAL Temporal dev server (an in-process Worker with this package's workflow and
// activities) with the same status, outputs, usage and the same step records in the same order.
// Under CI=true a missing `temporal` binary fails (startTemporal throws); elsewhere it fails too,
// with the reason and the provisioning command in the message.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporal, type TemporalService } from '../../../test/support/services.js';
import type { JournalEvent } from '../../engine/journal.js';
import type { RunRecord } from '../../engine/run-record.js';
import { scriptedModel } from '../../engine/testing/clients.js';
import { branch, decision, llm, parallel, workflow } from '../../engine/testing/definitions.js';
import { checkWorkflow } from '../../language/index.js';
import type { JsonValue, ModelSpec, WorkflowDefinition } from '../../language/types.js';
import { createModelClient } from '../../models/index.js';
import type { ModelClient } from '../../models/types.js';
import { fileCheckOptions } from '../../workflow-files/resolver.js';
import { EmbeddedEngine, type RunEvent } from '../embedded/index.js';
import { TemporalRuns } from './client.js';
import { createWeftWorker, workflowBundle } from './worker.js';

const SAMPLES = fileURLToPath(new URL('../../../../samples/', import.meta.url));

// Scripted models (provider mock, model `scripted-*`): `slow` waits 10 s (until aborted), `big` spends
// 1100 tokens; every other model is the offline mock provider.
const scripted = scriptedModel((request) => {
  const text = request.messages.at(-1)?.content ?? '';
  if (text === 'slow') return { text: 'slow', delayMs: 10_000 };
  if (text === 'big') return { text: 'big', inputTokens: 900, outputTokens: 200, delayMs: 20 };
  return { text: `ok: ${text}` };
});
const factory = (spec: ModelSpec): ModelClient =>
  spec.model.startsWith('scripted') ? scripted.factory(spec) : createModelClient(spec, { env: {} });
const SCRIPTED: Record<string, ModelSpec> = {
  // 100 output tokens a call: two calls fit a 1000-token budget at once (`big` then overshoots it)
  fast: { provider: 'mock', model: 'scripted-1', parameters: { maxOutputTokens: 100 } },
};

let temporal: TemporalService;
let weather: Server;
let weatherUrl: string;
let embeddedDir: string;
let temporalDir: string;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let runs: TemporalRuns;
/** Every workflow run by these tests: their histories must replay without nondeterminism. */
const workflowIds: string[] = [];

beforeAll(async () => {
  const [service] = await Promise.all([
    startTemporal(),
    (async () => {
      embeddedDir = await mkdtemp(join(tmpdir(), 'weft-parity-embedded-'));
      temporalDir = await mkdtemp(join(tmpdir(), 'weft-parity-temporal-'));
      weather = createServer((req, res) => {
        const city = new URL(req.url!, 'http://x').searchParams.get('city');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ city, temperature_c: 21, conditions: 'sunny' }));
      });
      await new Promise<void>((resolve) => weather.listen(0, '127.0.0.1', resolve));
      weatherUrl = `http://127.0.0.1:${(weather.address() as AddressInfo).port}`;
    })(),
  ]);
  temporal = service;
  const config = { address: temporal.address, namespace: temporal.namespace, taskQueue: 'weft-parity' };
  connection = await NativeConnection.connect({ address: temporal.address });
  worker = await createWeftWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    env: {},
    dataDir: temporalDir,
    modelClientFactory: factory,
    heartbeatMs: 200,
  });
  running = worker.run();
  runs = await TemporalRuns.connect(config);
}, 120_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => {});
  await connection?.close();
  await runs?.close();
  await temporal?.stop();
  if (weather) await new Promise<void>((resolve) => weather.close(() => resolve()));
  for (const dir of [embeddedDir, temporalDir]) if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

function embedded(): EmbeddedEngine {
  return new EmbeddedEngine({ dataDir: embeddedDir, env: {}, modelClientFactory: factory });
}

/** What must be equal on both engines: everything but times and the run id. */
function shape(record: RunRecord) {
  return {
    workflow: record.workflow,
    status: record.status,
    inputs: record.inputs,
    outputs: record.outputs,
    error: record.error,
    usage: record.usage,
    // a sub-workflow step's child run id is made of the parent's (different on each engine)
    steps: record.steps.map(({ startedAt, endedAt, childRunId, ...step }) => ({
      ...step,
      ...(childRunId !== undefined ? { childRunId: childRunId.replace(record.runId, '<run>') } : {}),
    })),
  };
}

/** The step events of a journal in order, without times (the `sequence of step keys/statuses`). */
function stepSequence(events: readonly JournalEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if ('key' in e) {
      const extra =
        e.type === 'step_failed' ? ` ${e.error.code}` : e.type === 'step_started' ? ` #${e.attempt}` : '';
      out.push(`${e.type} ${e.key}${extra}`);
    }
  }
  return out;
}

/** Order-insensitive for steps that run at the same time: sorted per key, then the key order. */
function perKey(sequence: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of sequence) {
    const key = line.split(' ')[1]!;
    out[key] = [...(out[key] ?? []), line];
  }
  return out;
}

async function runBoth(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  onEmbeddedStart?: (cancel: () => Promise<void>) => void,
  onTemporalStart?: (cancel: () => Promise<void>) => void,
) {
  const engine = embedded();
  const handle = engine.start(definition, inputs);
  const embeddedEvents: RunEvent[] = [];
  handle.onEvent((e) => embeddedEvents.push(e));
  onEmbeddedStart?.(() => engine.cancel(handle.runId, 'test cancel'));
  const temporalHandle = await runs.start(definition, inputs, { pollMs: 50 });
  const temporalEvents: RunEvent[] = [];
  temporalHandle.onEvent((e) => temporalEvents.push(e));
  workflowIds.push(temporalHandle.runId);
  onTemporalStart?.(() => temporalHandle.cancel('test cancel'));
  const [a, b] = await Promise.all([handle.result, temporalHandle.result]);
  return { embedded: a, temporal: b, embeddedEvents, temporalEvents, temporalRunId: temporalHandle.runId };
}

/**
 * `stoppedSibling`: a step that the run's failure stops while in flight. On Temporal, when its
 * activity had not started by the time the workflow failed the run (a loaded machine), it is
 * cancelled rather than stopped by the budget breaker: either code is accepted for it.
 */
function expectParity(result: Awaited<ReturnType<typeof runBoth>>, stoppedSibling?: string) {
  const stopped = (code: string) => (code === 'budget_exceeded' || code === 'cancelled' ? 'stopped' : code);
  const normalize = (record: RunRecord) => {
    const s = shape(record);
    for (const step of s.steps) {
      if (step.key === stoppedSibling && step.error)
        step.error = { code: stopped(step.error.code), message: '' };
    }
    return s;
  };
  const sequence = (events: readonly JournalEvent[]) =>
    stepSequence(events).map((line) =>
      stoppedSibling && line.startsWith(`step_failed ${stoppedSibling} `)
        ? `step_failed ${stoppedSibling} ${stopped(line.split(' ')[2]!)}`
        : line,
    );
  expect(normalize(result.temporal)).toEqual(normalize(result.embedded));
  const a = sequence(result.embeddedEvents);
  const b = sequence(result.temporalEvents);
  expect(perKey(b)).toEqual(perKey(a));
  expect(b).toHaveLength(a.length);
  // Every event streamed to the follower arrives once, numbered 1..n, with workflow timestamps.
  expect(result.temporalEvents.map((e) => e.seq)).toEqual(result.temporalEvents.map((_, i) => i + 1));
  for (const e of result.temporalEvents) expect(Date.parse(e.at)).not.toBeNaN();
  expect(result.temporal.runId).toBe(result.temporalRunId);
}

const sampleInputs: Record<string, () => Record<string, JsonValue>> = {
  'sales-inquiry': () => ({ message: 'We would like to buy 40 seats for our sales team.' }),
  research: () => ({}),
  debate: () => ({ question: 'Should tests hit real services?' }),
  'http-tool': () => ({ city: 'Lisbon', weather_url: weatherUrl }),
  'sub-workflow': () => ({ topic: 'durable execution' }),
};

describe('Temporal engine parity with the embedded engine', () => {
  it.each(Object.keys(sampleInputs))(
    'sample %s: same status, outputs, usage and steps',
    async (name) => {
      const file = join(SAMPLES, name, 'workflow.yaml');
      const { definition, diagnostics } = checkWorkflow(readFileSync(file, 'utf8'), fileCheckOptions(file));
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const result = await runBoth(definition!, sampleInputs[name]!());
      expect(result.temporal.status).toBe('succeeded');
      expectParity(result);
    },
    30_000,
  );

  it('the support path of sales-inquiry (decision otherwise, skipped steps)', async () => {
    const { definition } = checkWorkflow(
      readFileSync(join(SAMPLES, 'sales-inquiry', 'workflow.yaml'), 'utf8'),
    );
    const result = await runBoth(definition!, { message: 'My invoice page shows an error (support)' });
    expect(result.temporal.steps.some((s) => s.status === 'skipped')).toBe(true);
    expectParity(result);
  });

  it('fails alike: no_branch_matched names the decision step', async () => {
    const def = workflow(
      [
        llm('classify', 'classify this'),
        decision('route', [branch('steps.classify.output.text == "never"', ['sales'])]),
        llm('sales', 'sales reply'),
      ],
      { models: SCRIPTED },
    );
    const result = await runBoth(def, {});
    expect(result.temporal.status).toBe('failed');
    expect(result.temporal.error).toMatchObject({ code: 'no_branch_matched', step: 'route' });
    expectParity(result);
  });

  it('stops alike on the budget: the breaker aborts the in-flight sibling', async () => {
    const def = workflow([parallel('p', [llm('big', 'big'), llm('slow', 'slow')])], {
      models: SCRIPTED,
      budget: { maxTokens: 1000 },
    });
    const started = Date.now();
    const result = await runBoth(def, {});
    expect(Date.now() - started).toBeLessThan(8000);
    expect(result.temporal.status).toBe('failed');
    expect(result.temporal.error?.code).toBe('budget_exceeded');
    expect(result.temporal.usage.totalTokens).toBe(1100);
    expect(result.embedded.steps.find((s) => s.key === 'p.slow')?.error?.code).toBe('budget_exceeded');
    expectParity(result, 'p.slow');
  });

  it('refuses alike, before it is made, a call that cannot fit the budget', async () => {
    const def = workflow([llm('a', 'too long for this budget '.repeat(8))], {
      models: SCRIPTED,
      budget: { maxTokens: 40 },
    });
    const before = scripted.requests.length;
    const result = await runBoth(def, {});
    expect(scripted.requests.length).toBe(before);
    expect(result.temporal.status).toBe('failed');
    expect(result.temporal.error?.code).toBe('budget_exceeded');
    expect(result.temporal.usage.totalTokens).toBe(0);
    expect(result.temporal.steps[0]?.error?.message).toContain('refused before it was made');
    expectParity(result);
  });

  it('cancels alike: the in-flight step is stopped and the run ends cancelled', async () => {
    const def = workflow([llm('a', 'slow'), llm('b', '${{ steps.a.output.text }}')], { models: SCRIPTED });
    const later = (cancel: () => Promise<void>) => {
      setTimeout(() => void cancel(), 1500);
    };
    const abortedBefore = scripted.aborted();
    const started = Date.now();
    const result = await runBoth(def, {}, later, later);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(scripted.aborted() - abortedBefore).toBe(2);
    expect(result.temporal.status).toBe('cancelled');
    expect(result.temporal.steps.find((s) => s.key === 'a')).toMatchObject({
      status: 'failed',
      error: { code: 'cancelled' },
    });
    expectParity(result);
  });

  it('every history replays deterministically (same interpreter decisions under replay)', async () => {
    expect(workflowIds.length).toBeGreaterThanOrEqual(8);
    const bundle = await workflowBundle();
    for (const workflowId of workflowIds) {
      const history = await runs.client.workflow.getHandle(workflowId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
    }
  }, 30_000);
});
