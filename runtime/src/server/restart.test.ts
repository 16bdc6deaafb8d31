// `weft serve` as real processes on one data dir: runs outlive the process (SIGTERM then a new
// server lists and reads them, replays their events), a server killed with SIGKILL mid-run resumes
// the run when it starts again (the finished step's model call is not repeated), and a served folder
// reloads on change and reports a broken file without going down.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { type FakeServer, startFakeOpenAI } from '../models/testing/fake-openai.js';
import { json, killAll, serve as serveProcess, twoStepWorkflow, waitFor } from './test-process.js';
import { ECHO_WORKFLOW, type TempDir, tempDir } from './test-support.js';

const FAKE_KEY = 'sk-test-fake-key-0123456789';

const serve = (workflows: string, dataDir: string) =>
  serveProcess(cli.file, workflows, dataDir, { FAKE_OPENAI_KEY: FAKE_KEY });

/** The events of a finished run over SSE (the stream ends after run.finished). */
async function sseEvents(url: string, lastEventId?: string): Promise<Array<{ id: string; type: string }>> {
  const response = await fetch(url, { headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} });
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.includes('data: '))
    .map((frame) => {
      const id = /^id: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as { type: string };
      return { id, type: data.type };
    });
}

const prompt = (body: unknown) => JSON.stringify((body as { messages?: unknown })?.messages ?? []);

let cli: BuiltCli;
let fake: FakeServer;
let stepTwoCalls = 0;
const dirs: TempDir[] = [];

beforeAll(async () => {
  // the real `weft` bundle, as shipped (starts in well under a second, unlike tsx)
  cli = await buildCli('restart');
  fake = await startFakeOpenAI({
    script: (request) => {
      const text = prompt(request.body);
      if (text.includes('STEP ONE')) return { text: 'first answer' };
      if (text.includes('STEP TWO')) {
        stepTwoCalls += 1;
        // the first time, answer too late: the server is killed while it waits
        return stepTwoCalls === 1 ? { text: 'too late', delayMs: 60_000 } : { text: 'second answer' };
      }
      return { text: 'ok' };
    },
  });
});
afterEach(killAll);
afterAll(async () => {
  await fake.close();
  cli.remove();
  for (const dir of dirs) dir.remove();
});

function dir(prefix: string): TempDir {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
}

describe('weft serve: runs survive restarts (real processes)', () => {
  it('SIGTERM, then a new server on the same data dir lists the run, reads it with its trace and replays its events', async () => {
    const workflows = dir('weft-wf-');
    const file = workflows.write('echo.yaml', ECHO_WORKFLOW);
    const data = dir('weft-data-');

    const first = await serve(file, data.path);
    const done = await json<{ runId: string; status: string; outputs: unknown }>(`${first.url}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'remember me' }),
    });
    expect(done.status).toBe('succeeded');
    const before = await json<{ trace: unknown[]; outputs: unknown }>(`${first.url}/runs/${done.runId}`);
    const liveEvents = await sseEvents(`${first.url}/runs/${done.runId}/events`);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const second = await serve(file, data.path);
    const list = await json<{ runs: Array<{ runId: string; status: string }> }>(`${second.url}/runs`);
    expect(list.runs).toEqual([expect.objectContaining({ runId: done.runId, status: 'succeeded' })]);
    const status = await json(`${second.url}/status/${done.runId}`);
    expect(status).toMatchObject({ runId: done.runId, status: 'succeeded', outputs: done.outputs });
    const record = await json<{
      trace: Array<{ kind: string; name: string }>;
      inputs: unknown;
      usage: { totalTokens: number };
    }>(`${second.url}/runs/${done.runId}`);
    expect(record.inputs).toEqual({ message: 'remember me', count: 1 });
    expect(record.trace.map((s) => s.kind)).toEqual(expect.arrayContaining(['run', 'step', 'model_call']));
    expect(record.trace).toEqual(before.trace);
    expect(record.usage.totalTokens).toBeGreaterThan(0);

    // the events replay from the journal, with the ids the live stream gave them (deltas aside)
    const replayed = await sseEvents(`${second.url}/runs/${done.runId}/events`);
    expect(replayed.map((e) => e.type)).toEqual(
      liveEvents.filter((e) => e.type !== 'model.delta').map((e) => e.type),
    );
    expect(replayed.at(0)).toMatchObject({ type: 'run.started', id: liveEvents[0]?.id });
    expect(replayed.at(-1)?.type).toBe('run.finished');
    const stepStarted = replayed.find((e) => e.type === 'step.started')!;
    expect(liveEvents.find((e) => e.type === 'step.started')?.id).toBe(stepStarted.id);
    // Last-Event-ID resumes after that event, from the journal
    const rest = await sseEvents(`${second.url}/runs/${done.runId}/events`, stepStarted.id);
    expect(rest.map((e) => e.type)).toEqual(
      replayed.slice(replayed.indexOf(stepStarted) + 1).map((e) => e.type),
    );
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 90_000);

  it('kill -9 mid-run: the restarted server resumes the run at start and it finishes without repeating step one', async () => {
    const workflows = dir('weft-wf-');
    const file = workflows.write('two.yaml', twoStepWorkflow(fake.url));
    const data = dir('weft-data-');
    const before = fake.requests.length;

    const first = await serve(file, data.path);
    const accepted = await json<{ runId: string; status: string }>(`${first.url}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ topic: 'durability' }),
    });
    expect(accepted.status).toBe('running');
    await waitFor('step two to be in flight', () =>
      fake.requests.slice(before).some((r) => prompt(r.body).includes('STEP TWO')),
    );
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await serve(file, data.path);
    const final = await waitFor('the resumed run to finish', async () => {
      const s = await json<{ status: string; outputs?: unknown }>(`${second.url}/status/${accepted.runId}`);
      return s.status === 'running' ? undefined : s;
    });
    expect(final).toMatchObject({ status: 'succeeded', outputs: { final: 'second answer' } });
    expect(second.logs()).toContain('resumed 1 incomplete run(s)');

    const calls = fake.requests.slice(before).map((r) => prompt(r.body));
    expect(calls.filter((c) => c.includes('STEP ONE'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('STEP TWO'))).toHaveLength(2);

    const record = await json<{ trace: Array<{ kind: string }> }>(`${second.url}/runs/${accepted.runId}`);
    expect(record.trace.filter((s) => s.kind === 'model_call').length).toBeGreaterThanOrEqual(2);
    const events = await sseEvents(`${second.url}/runs/${accepted.runId}/events`);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['run.resumed', 'run.finished']));
    const list = await json<{ runs: Array<{ runId: string; status: string }> }>(`${second.url}/runs`);
    expect(list.runs).toEqual([expect.objectContaining({ runId: accepted.runId, status: 'succeeded' })]);
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 120_000);
});

describe('weft serve: a folder of workflows (real process)', () => {
  it('picks up added and changed files, and reports a broken one without going down', async () => {
    const workflows = dir('weft-wf-');
    workflows.write('echo.yaml', ECHO_WORKFLOW);
    const data = dir('weft-data-');
    const server = await serve(workflows.path, data.path);
    type Root = {
      workflows: Array<{ name: string; description?: string }>;
      problems: Array<{ file: string; diagnostics: Array<{ code: string; line: number; message: string }> }>;
    };
    expect((await json<Root>(`${server.url}/`)).workflows.map((w) => w.name)).toEqual(['echo']);

    // added: a second workflow appears and runs
    workflows.write('greet/workflow.yaml', ECHO_WORKFLOW.replace('name: echo', 'name: greet'));
    await waitFor(
      'the added workflow',
      async () => (await json<Root>(`${server.url}/`)).workflows.some((w) => w.name === 'greet') || undefined,
    );
    const ran = await json<{ status: string }>(`${server.url}/workflows/greet/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });
    expect(ran.status).toBe('succeeded');

    // changed: the new description is served
    workflows.write('echo.yaml', ECHO_WORKFLOW.replace(/^description: .*$/m, 'description: Changed.'));
    await waitFor(
      'the changed workflow',
      async () =>
        (await json<Root>(`${server.url}/`)).workflows.some((w) => w.description === 'Changed.') || undefined,
    );

    // broken: reported with its diagnostics; the last valid version keeps serving; a new broken file too
    workflows.write('echo.yaml', `${ECHO_WORKFLOW}\n  - id: answer\n    kind: nope\n`);
    workflows.write('bad.yaml', 'name: bad\nsteps:\n  - id: x\n    kind: llm\n    model: missing\n');
    const root = await waitFor('the problems to be reported', async () => {
      const r = await json<Root>(`${server.url}/`);
      const files = r.problems.map((p) => p.file).sort();
      return files.includes('bad.yaml') && files.includes('echo.yaml') ? r : undefined;
    });
    for (const problem of root.problems) {
      expect(problem.diagnostics.length).toBeGreaterThan(0);
      expect(problem.diagnostics[0]).toMatchObject({ line: expect.any(Number), code: expect.any(String) });
    }
    expect(root.workflows.map((w) => w.name).sort()).toEqual(['echo', 'greet']);
    expect(await json(`${server.url}/health`)).toEqual({ status: 'ok' });
    const still = await json<{ status: string }>(`${server.url}/workflows/echo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'still here' }),
    });
    expect(still.status).toBe('succeeded');

    // fixed: the problem goes away
    workflows.write('bad.yaml', ECHO_WORKFLOW.replace('name: echo', 'name: bad'));
    await waitFor('bad.yaml to load once fixed', async () => {
      const r = await json<Root>(`${server.url}/`);
      return r.workflows.some((w) => w.name === 'bad') && !r.problems.some((p) => p.file === 'bad.yaml')
        ? r
        : undefined;
    });
    expect(server.proc.exitCode).toBeNull();
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 90_000);
});
