// `weft serve` as real processes: an accepted run is never lost (kill -9 right after N concurrent 202s,
// then a restart finishes all N without repeating a recorded step's model call), a journal with no
// start record is "never started" (removed at start-up, its id free for `weft run --run-id`), and a
// damaged journal shows as `damaged` in the record, in GET /runs and in the log.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltCli, buildCli } from '../../test/support/cli.js';
import { type FakeServer, startFakeOpenAI } from '../models/testing/fake-openai.js';
import { decodeJournal } from '../store/journal-codec.js';
import { json, killAll, logLines, serve, twoStepWorkflow, waitFor } from './test-process.js';
import { ECHO_WORKFLOW, type TempDir, tempDir } from './test-support.js';

const FAKE_KEY = 'sk-test-fake-key-0123456789';
const ENV = { FAKE_OPENAI_KEY: FAKE_KEY };
const N = 20;

let cli: BuiltCli;
let fake: FakeServer;
/** Step two answers slowly until the crash, so that runs are caught between their steps. */
let beforeCrash = true;
const dirs: TempDir[] = [];

const promptOf = (body: unknown) => JSON.stringify((body as { messages?: unknown })?.messages ?? []);
/** "STEP ONE t-3" -> ['ONE', 't-3']; "STEP TWO one t-3" -> ['TWO', 'one t-3']. */
const stepOf = (body: unknown) => {
  const match = /STEP (ONE|TWO) ([^"\\]*)/.exec(promptOf(body));
  return match ? ([match[1]!, match[2]!] as const) : undefined;
};

beforeAll(async () => {
  cli = await buildCli('durability');
  fake = await startFakeOpenAI({
    script: (request) => {
      const step = stepOf(request.body);
      if (step?.[0] === 'ONE') return { text: `one ${step[1]}` };
      if (step?.[0] === 'TWO') return { text: `two ${step[1]}`, delayMs: beforeCrash ? 2000 : 0 };
      return { text: 'ok' };
    },
  });
});
afterEach(() => killAll());
afterAll(async () => {
  killAll();
  await fake.close();
  cli.remove();
  for (const dir of dirs) dir.remove();
});

function dir(prefix: string): TempDir {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
}

const journalOf = (data: string, runId: string) => {
  const file = join(data, 'runs', runId, 'journal.jsonl');
  return decodeJournal(existsSync(file) ? readFileSync(file, 'utf8') : '', file);
};

describe('weft serve: an accepted run is never lost (real processes)', () => {
  it.each([
    ['right after the 202s', false],
    ['once every run waits on step two (step one recorded)', true],
  ])(
    `${N} concurrent 202s, kill -9 %s: the restarted server finishes all ${N}, no recorded step called again`,
    async (_when, midRun) => {
      const workflows = dir('weft-wf-');
      const file = workflows.write('two.yaml', twoStepWorkflow(fake.url));
      const data = dir('weft-data-');
      beforeCrash = true;
      const seen = fake.requests.length;
      const first = await serve(cli.file, file, data.path, ENV);
      const topics = Array.from({ length: N }, (_, i) => `t-${i}${midRun ? 'm' : ''}`);
      const accepted = await Promise.all(
        topics.map(async (topic) => {
          const response = await fetch(`${first.url}/run`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', prefer: 'respond-async' },
            body: JSON.stringify({ topic }),
          });
          expect(response.status).toBe(202);
          return { topic, runId: ((await response.json()) as { runId: string }).runId };
        }),
      );
      if (midRun) {
        await waitFor('step two of every run to be in flight', () =>
          topics.every((t) => fake.requests.some((r) => stepOf(r.body)?.join(' ') === `TWO one ${t}`)),
        );
      }
      first.proc.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');

      // on disk at the moment of the crash: every accepted run's start record, and which steps finished
      const callsBefore = fake.requests
        .slice(seen)
        .map((r) => stepOf(r.body))
        .filter((s) => s !== undefined);
      const recorded = new Map<string, string[]>();
      for (const { topic, runId } of accepted) {
        const journal = journalOf(data.path, runId);
        expect(journal.events[0]).toMatchObject({ type: 'run_started', runId, inputs: { topic } });
        const done = journal.events.filter((e) => e.type === 'step_completed').map((e) => e.key);
        recorded.set(topic, done);
      }

      beforeCrash = false;
      const second = await serve(cli.file, file, data.path, ENV);
      for (const { topic, runId } of accepted) {
        const final = await waitFor(`run ${runId} to finish`, async () => {
          const s = await json<{ status: string; outputs?: unknown }>(`${second.url}/status/${runId}`);
          return s.status === 'running' ? undefined : s;
        });
        expect(final).toMatchObject({ status: 'succeeded', outputs: { final: `two one ${topic}` } });
      }
      const calls = fake.requests
        .slice(seen)
        .map((r) => stepOf(r.body))
        .filter((s) => s !== undefined);
      const count = (list: typeof calls, step: string, arg: string) =>
        list.filter((c) => c[0] === step && c[1] === arg).length;
      let recordedSteps = 0;
      for (const topic of topics) {
        for (const key of recorded.get(topic) ?? []) {
          recordedSteps += 1;
          const [step, arg] = key === 'one' ? ['ONE', topic] : ['TWO', `one ${topic}`];
          // called once, before the crash, and never again
          expect(count(callsBefore, step, arg)).toBe(1);
          expect(count(calls, step, arg)).toBe(1);
        }
      }
      // with step two in flight, every run's step one was recorded (stored before step two started)
      if (midRun) expect([...recorded.values()].filter((keys) => keys.includes('one'))).toHaveLength(N);
      expect(recordedSteps).toBeGreaterThanOrEqual(midRun ? N : 0);
      const list = await json<{ runs: Array<{ status: string }> }>(`${second.url}/runs?limit=200`);
      expect(list.runs.filter((r) => r.status === 'succeeded')).toHaveLength(N);
      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    },
    120_000,
  );

  it('a journal with no start record never started: removed at start-up, its id free again for weft run --run-id', async () => {
    const workflows = dir('weft-wf-');
    const file = workflows.write('echo.yaml', ECHO_WORKFLOW);
    const data = dir('weft-data-');
    // a crash after the journal file was made, before its first line was stored (or while writing it)
    for (const [runId, text] of [
      ['empty-run', ''],
      ['torn-run', '{"seq":1,"crc":"0000'],
    ] as const) {
      mkdirSync(join(data.path, 'runs', runId), { recursive: true });
      writeFileSync(join(data.path, 'runs', runId, 'journal.jsonl'), text);
    }
    const server = await serve(cli.file, file, data.path, ENV);
    await waitFor('the start-up recovery', () =>
      logLines(server).some((l) => String(l.msg).includes('run torn-run never started')),
    );
    const messages = logLines(server).map((l) => String(l.msg));
    expect(messages.some((m) => m.includes('run empty-run never started'))).toBe(true);
    expect(messages.some((m) => m.includes('resumed'))).toBe(false);
    for (const runId of ['empty-run', 'torn-run']) {
      const response = await fetch(`${server.url}/runs/${runId}`);
      expect(response.status).toBe(404);
      expect(existsSync(join(data.path, 'runs', runId))).toBe(false);
    }
    expect((await json<{ runs: unknown[] }>(`${server.url}/runs`)).runs).toEqual([]);
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    // the CLI on a data dir holding such a journal: the id is free
    mkdirSync(join(data.path, 'runs', 'reused-id'), { recursive: true });
    writeFileSync(join(data.path, 'runs', 'reused-id', 'journal.jsonl'), '');
    const ran = await cli.runAsync(
      ['run', file, '--input', 'message=again', '--run-id', 'reused-id', '--json'],
      { env: { ...process.env, WEFT_DATA_DIR: data.path } },
    );
    expect(ran.stderr).not.toContain('already exists');
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ runId: 'reused-id', status: 'succeeded' });
    expect(journalOf(data.path, 'reused-id').events[0]).toMatchObject({ type: 'run_started' });
  }, 90_000);
});

/** Damages line 2 of a journal in one of three ways. */
function damage(file: string, how: 'garbage' | 'checksum' | 'sequence'): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines[1]!;
  if (how === 'garbage') lines.splice(1, 0, 'this is not a journal line');
  else if (how === 'checksum') {
    lines[1] = line.replace(/"crc":"([0-9a-f])/, (_, c: string) => `"crc":"${c === '0' ? '1' : '0'}`);
  } else lines[1] = line.replace('"seq":2,', '"seq":7,');
  expect(lines.join('\n')).not.toBe(readFileSync(file, 'utf8'));
  writeFileSync(file, lines.join('\n'));
  return { garbage: 'not valid JSON', checksum: 'checksum', sequence: 'sequence number is 7' }[how];
}

describe('weft serve: a damaged journal is shown as damaged (real processes)', () => {
  it('garbage line, checksum flip, sequence flip: status damaged with file, line and hint in the record, /runs and the log', async () => {
    const workflows = dir('weft-wf-');
    const file = workflows.write('echo.yaml', ECHO_WORKFLOW);
    const data = dir('weft-data-');
    const first = await serve(cli.file, file, data.path, ENV);
    const kinds = ['garbage', 'checksum', 'sequence'] as const;
    const runs: Array<{ runId: string; kind: (typeof kinds)[number]; file: string; reason?: string }> = [];
    for (const kind of kinds) {
      const done = await json<{ runId: string; status: string }>(`${first.url}/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: kind }),
      });
      expect(done.status).toBe('succeeded');
      runs.push({ runId: done.runId, kind, file: join(data.path, 'runs', done.runId, 'journal.jsonl') });
    }
    first.proc.kill('SIGTERM');
    await first.exited;
    for (const run of runs) run.reason = damage(run.file, run.kind);

    const second = await serve(cli.file, file, data.path, ENV);
    const expected = (run: (typeof runs)[number]) => ({
      runId: run.runId,
      status: 'damaged',
      damage: {
        file: run.file,
        line: 2,
        reason: expect.stringContaining(run.reason!),
        hint: expect.stringContaining('delete line 2 and everything after it'),
      },
      error: { code: 'journal_damaged', message: expect.stringContaining(`${run.file}:2`) },
    });
    for (const run of runs) {
      expect(await json(`${second.url}/runs/${run.runId}`)).toMatchObject(expected(run));
      expect(await json(`${second.url}/status/${run.runId}`)).toMatchObject({ status: 'damaged' });
      // its event stream replays what is sound and ends with the damage
      const stream = await (await fetch(`${second.url}/runs/${run.runId}/events`)).text();
      const last = stream.trim().split('\n\n').at(-1) ?? '';
      expect(last).toContain('event: run.finished');
      expect(JSON.parse(/^data: (.*)$/m.exec(last)?.[1] ?? '{}')).toMatchObject({
        status: 'damaged',
        damage: { file: run.file, line: 2 },
      });
    }
    const list = await json<{ runs: Array<{ runId: string }> }>(`${second.url}/runs`);
    expect(list.runs).toEqual(
      expect.arrayContaining(runs.map((run) => expect.objectContaining(expected(run)))),
    );
    const damaged = await json<{ runs: Array<{ runId: string }> }>(`${second.url}/runs?status=damaged`);
    expect(damaged.runs.map((r) => r.runId).sort()).toEqual(runs.map((r) => r.runId).sort());
    // start-up recovery names each damaged run, its file and line, and does not resume it
    const warnings = logLines(second).filter((l) => String(l.msg).includes('is damaged and was not resumed'));
    for (const run of runs) {
      expect(warnings).toContainEqual(
        expect.objectContaining({
          runId: run.runId,
          file: run.file,
          line: 2,
          msg: expect.stringContaining(`${run.file}:2`),
        }),
      );
    }
    expect(second.logs()).not.toContain('resumed 1');
    // nothing was written to a damaged journal
    const cancel = await fetch(`${second.url}/runs/${runs[0]!.runId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(409);
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 90_000);
});
