// The embedded run store over a real embedded engine (journals in a temp folder): records, lists and
// event replays come from the journals; memory holds only bounded buffers of live runs.
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedEngine } from '../engines/embedded/index.js';
import { checkWorkflow } from '../language/index.js';
import type { WorkflowDefinition } from '../language/types.js';
import { RunManager } from '../server/runs.js';
import { type TempDir, tempDir } from '../server/test-support.js';
import { EmbeddedRunStore, type EmbeddedRunStoreOptions, parseEventId } from './embedded-run-store.js';
import type { StoredEvent } from './run-store.js';

const STEPS = 6;
const WORKFLOW = `name: chain
inputs:
  word: { type: string }
outputs:
  last: { type: string, value: "\${{ steps.s${STEPS}.output.text }}" }
models:
  fast: { provider: mock, model: mock-1 }
steps:
${Array.from(
  { length: STEPS },
  (_, i) => `  - id: s${i + 1}
    kind: llm
    model: fast
    prompt: "\${{ inputs.word }}-${i + 1}"
`,
).join('')}`;

const quiet = { info() {}, warn() {}, error() {} };
const dirs: TempDir[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function definition(): WorkflowDefinition {
  const checked = checkWorkflow(WORKFLOW);
  if (!checked.definition || checked.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(JSON.stringify(checked.diagnostics));
  return checked.definition;
}

function setup(options: EmbeddedRunStoreOptions = {}, dataDir?: string) {
  let data = dataDir;
  if (!data) {
    const made = tempDir('weft-store-');
    dirs.push(made);
    data = made.path;
  }
  const engine = new EmbeddedEngine({ dataDir: data, env: {} });
  const store = new EmbeddedRunStore(engine, options);
  const runs = new RunManager({ engine, store, instanceId: 'test', log: quiet });
  return { data, engine, store, runs };
}

async function collect(store: EmbeddedRunStore, runId: string, after?: string): Promise<StoredEvent[]> {
  return store.readEvents(runId, after);
}

describe('EmbeddedRunStore', () => {
  it('parses event ids', () => {
    expect(parseEventId('7')).toEqual([7, 0]);
    expect(parseEventId('7.3')).toEqual([7, 3]);
    expect(parseEventId('x')).toBeUndefined();
    expect(parseEventId(undefined)).toBeUndefined();
  });

  it('reads records, lists and events of runs from before a restart from the journals', async () => {
    const a = setup();
    const first = await a.runs.start(definition(), { word: 'one' }).done;
    const second = await a.runs.start(definition(), { word: 'two' }).done;
    expect(first.status).toBe('succeeded');
    const live = await collect(a.store, second.runId);
    await a.runs.close();
    await a.store.close();

    const b = setup({}, a.data);
    const record = await b.store.getRun(second.runId);
    expect(record).toMatchObject({
      runId: second.runId,
      status: 'succeeded',
      outputs: { last: expect.any(String) },
      inputs: { word: 'two' },
    });
    expect(record?.trace.length).toBeGreaterThan(STEPS);
    expect(await b.store.getRun('no-such-run')).toBeUndefined();
    expect(await b.store.getRun('../../etc/passwd')).toBeUndefined();

    const page1 = await b.store.listRuns({ limit: 1 });
    expect(page1.runs.map((r) => r.runId)).toEqual([second.runId]);
    const page2 = await b.store.listRuns({ limit: 1, cursor: page1.nextCursor });
    expect(page2.runs.map((r) => r.runId)).toEqual([first.runId]);
    expect(page2.nextCursor).toBeUndefined();
    expect((await b.store.listRuns({ limit: 10, status: 'failed' })).runs).toEqual([]);

    // replayed with the same ids and types as the live stream gave
    const replayed = await collect(b.store, second.runId);
    expect(replayed.map((e) => [e.id, e.event.type])).toEqual(
      live
        // model text deltas are streamed live, never journaled
        .filter((e) => e.event.type !== 'run.finished' && e.event.type !== 'model.delta')
        .map((e) => [e.id, e.event.type])
        .concat(
          // run.finished takes the journal's terminal seq: later than any live id, so resuming works
          [[replayed.at(-1)!.id, 'run.finished']],
        ),
    );
    expect(replayed.at(-1)?.event).toMatchObject({ status: 'succeeded', workflow: 'chain' });
    const middle = replayed[3]!;
    expect((await collect(b.store, second.runId, middle.id)).map((e) => e.id)).toEqual(
      replayed.slice(4).map((e) => e.id),
    );
    await b.store.close();
  });

  it('keeps finished runs in memory only for a while and only a few of them', async () => {
    const { store, runs } = setup({ maxFinishedBuffers: 2, finishedRetentionMs: 200 });
    const ids: string[] = [];
    for (const word of ['a', 'b', 'c', 'd']) ids.push((await runs.start(definition(), { word }).done).runId);
    expect(store.bufferedRuns).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(store.bufferedRuns).toBe(0);
    // still all there, from the journals
    for (const id of ids) {
      expect((await store.getRun(id))?.status).toBe('succeeded');
      expect((await collect(store, id)).at(-1)?.event.type).toBe('run.finished');
    }
    expect(store.bufferedRuns).toBe(0);
    await store.close();
  });

  it('caps the events of a live run; a stream from the start continues from the journal without gaps', async () => {
    const { store, runs } = setup({ maxEventsPerRun: 10 });
    const reference = setup();
    const seen: StoredEvent[] = [];
    const active = runs.start(definition(), { word: 'w' });
    await active.done;
    const expected = await collect(
      reference.store,
      (await reference.runs.start(definition(), { word: 'w' }).done).runId,
    );
    expect(expected.length).toBeGreaterThan(10);
    // the buffer was trimmed, so this replays the journal, then the rest from memory
    const unsubscribe = await store.subscribe(active.runId, undefined, (e) => seen.push(e));
    unsubscribe();
    // the journal part has no model text deltas (never journaled); the in-memory rest may
    const journaled = (events: StoredEvent[]) =>
      events.map((e) => e.event.type).filter((type) => type !== 'model.delta');
    expect(journaled(seen)).toEqual(journaled(expected));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    await store.close();
    await reference.store.close();
  });

  it('lists a run the server just started before its journal exists, and prefers its own final record after an engine error', async () => {
    const { store } = setup();
    await store.putRun({
      runId: 'early',
      workflow: 'chain',
      status: 'running',
      inputs: {},
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
      startedAt: new Date().toISOString(),
      trace: [],
      instance: 'test',
    });
    expect((await store.getRun('early'))?.status).toBe('running');
    expect((await store.listRuns({ limit: 5 })).runs.map((r) => r.runId)).toEqual(['early']);
    await store.putRun({
      ...(await store.getRun('early'))!,
      status: 'failed',
      error: { code: 'engine_error', message: 'disk full' },
    });
    expect(await store.getRun('early')).toMatchObject({ status: 'failed', error: { code: 'engine_error' } });
    await store.ping();
    await store.close();
  });
});
