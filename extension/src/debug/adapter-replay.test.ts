// The standalone adapter against a fake OpenAI-compatible server on 127.0.0.1 (model calls counted at
// the wire): replay with no calls, Step Back, fork, terminate mid-step, exception breakpoints, and
// replays of missing or damaged journals.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeScript,
  type FakeServer,
  startFakeOpenAI,
} from '../../../runtime/src/models/testing/fake-openai.js';
import {
  ended,
  launch,
  lineOf,
  startClient,
  stopped,
  type Workspace,
  workspace,
} from './adapter.test-helper.js';

const workflow = (url: string, retry = '') => `name: wire
inputs:
  topic:
    type: string
outputs:
  final:
    type: string
    value: \${{ steps.second.output.text }}
models:
  gpt:
    provider: openai
    model: gpt-test
    base_url: ${url}
    api_key_env: WEFT_TEST_KEY
steps:
  - id: first
    kind: llm
    model: gpt
    prompt: "About \${{ inputs.topic }}"${retry}

  - id: second
    kind: llm
    model: gpt
    prompt: "Expand: \${{ steps.first.output.text }}"
`;

let ws: Workspace;
let fake: FakeServer;
const clients: DebugClient[] = [];

async function client(): Promise<DebugClient> {
  const c = await startClient();
  clients.push(c);
  return c;
}

async function fakeWith(script: FakeScript): Promise<string> {
  fake = await startFakeOpenAI({ script });
  return ws.write('wire.workflow.yaml', workflow(fake.url));
}

beforeEach(() => {
  ws = workspace();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.stop();
  await fake?.close();
  ws.dispose();
});

const env = { WEFT_TEST_KEY: 'sk-test' };
const base = () => ({ cwd: ws.dir, dataDir: ws.dataDir, env });

async function liveRun(program: string): Promise<{ runId: string; outputs: unknown }> {
  const c = await client();
  await launch(c, { ...base(), program, inputs: { topic: 'owls' } });
  const end = await ended(c);
  expect(end.status).toBe('succeeded');
  return { runId: end.runId, outputs: end.outputs };
}

describe('replay', () => {
  it('replays a recorded run by id and by journal path with zero model calls and the same outputs', async () => {
    const program = await fakeWith([{ text: 'owls hunt at night' }, { text: 'a longer text about owls' }]);
    const live = await liveRun(program);
    expect(fake.requests.length).toBe(2);
    expect(live.outputs).toEqual({ final: 'a longer text about owls' });

    const byId = await client();
    await launch(byId, { ...base(), program, replay: live.runId });
    const replayed = await ended(byId);
    expect(replayed).toMatchObject({ status: 'succeeded', outputs: live.outputs });

    const byPath = await client();
    await launch(byPath, { ...base(), replay: join(ws.dataDir, 'runs', live.runId, 'journal.jsonl') });
    expect((await ended(byPath)).outputs).toEqual(live.outputs);
    expect(fake.requests.length).toBe(2);
  });

  it('steps back and reverse-continues through a replay', async () => {
    const program = await fakeWith([{ text: 'one' }, { text: 'two' }]);
    const live = await liveRun(program);
    const c = await client();
    await launch(c, { ...base(), program, replay: live.runId, stopOnEntry: true }, () =>
      c.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, '- id: first') }],
      }),
    );
    const name = async (request: () => Promise<unknown>) => {
      const stop = stopped(c);
      await request();
      return (await stop).frames[0]?.name;
    };
    expect((await stopped(c)).frames[0]?.name).toBe('first (before)');
    expect(await name(() => c.nextRequest({ threadId: 1 }))).toBe('first (after)');
    expect(await name(() => c.nextRequest({ threadId: 1 }))).toBe('second (before)');
    expect(await name(() => c.stepBackRequest({ threadId: 1 }))).toBe('first (after)');
    const firstText = await c.evaluateRequest({ expression: 'steps.first.output.text', frameId: 0 });
    expect(firstText.body.result).toBe('"one"');
    await expect(c.evaluateRequest({ expression: 'steps.second.output.text', frameId: 0 })).rejects.toThrow();
    expect(await name(() => c.nextRequest({ threadId: 1 }))).toBe('second (before)');
    expect(await name(() => c.nextRequest({ threadId: 1 }))).toBe('second (after)');
    expect(await name(() => c.reverseContinueRequest({ threadId: 1 }))).toBe('first (before)');
    await c.continueRequest({ threadId: 1 });
    expect((await ended(c)).outputs).toEqual({ final: 'two' });
    expect(fake.requests.length).toBe(2);
  });

  it('forks a live run from a step: recorded results before it are kept, the rest runs for real', async () => {
    const program = await fakeWith([{ text: 'one' }, { text: 'two' }, { text: 'forked two' }]);
    const live = await liveRun(program);
    const c = await client();
    await launch(c, { ...base(), program, replay: live.runId }, () =>
      c.setBreakpointsRequest({
        source: { path: program },
        breakpoints: [{ line: lineOf(program, 'Expand:') }],
      }),
    );
    expect((await stopped(c)).frames[0]?.name).toBe('second (before)');
    const fork = await c.customRequest('fork');
    const forkedId = (fork.body as { runId: string }).runId;
    expect(forkedId).not.toBe(live.runId);
    expect((await stopped(c)).frames[0]?.name).toBe('second (before)');
    await c.continueRequest({ threadId: 1 });
    const end = await ended(c);
    expect(end).toMatchObject({ runId: forkedId, status: 'succeeded', outputs: { final: 'forked two' } });
    expect(fake.requests.length).toBe(3);
    const journal = readFileSync(join(ws.dataDir, 'runs', forkedId, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"output":{"text":"one"}');
    expect(journal).toContain('"type":"run_completed"');
  });

  it('forkFrom in the launch configuration replays up to the step and runs it and the rest for real', async () => {
    const program = await fakeWith([{ text: 'one' }, { text: 'two' }, { text: 'again' }]);
    const live = await liveRun(program);
    const c = await client();
    await launch(c, { ...base(), program, replay: live.runId, forkFrom: 'second' });
    const end = await ended(c);
    expect(end.runId).not.toBe(live.runId);
    expect(end.outputs).toEqual({ final: 'again' });
    expect(fake.requests.length).toBe(3);
    const c2 = await client();
    await expect(launch(c2, { ...base(), program, replay: live.runId, forkFrom: 'nope' })).rejects.toThrow(
      /never reached step nope/,
    );
  });

  it('names the first step that changed since the recording', async () => {
    const program = await fakeWith([{ text: 'one' }, { text: 'two' }]);
    const live = await liveRun(program);
    writeFileSync(program, readFileSync(program, 'utf8').replace('Expand:', 'Expand more:'));
    const c = await client();
    const output: string[] = [];
    c.on('output', (e) => output.push(e.body.output));
    await launch(c, { ...base(), program, replay: live.runId });
    expect((await ended(c)).outputs).toEqual(live.outputs);
    expect(output.join('')).toContain('step second is the first that differs');
  });

  it('names the file and line of a damaged journal, and a missing run or file', async () => {
    const program = await fakeWith([{ text: 'one' }, { text: 'two' }]);
    const live = await liveRun(program);
    const file = join(ws.dataDir, 'runs', live.runId, 'journal.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"seq":3', '"seq":3,"x":1').replace(/"crc":"[^"]+"/, '"crc":"00000000"');
    const damaged = ws.write('damaged.jsonl', lines.join('\n'));
    const c1 = await client();
    await expect(launch(c1, { ...base(), replay: damaged })).rejects.toThrow(
      /journal is damaged at .*damaged\.jsonl:3/,
    );
    const c2 = await client();
    await expect(launch(c2, { ...base(), program, replay: 'nope-run' })).rejects.toThrow(
      /no run nope-run in .*\.weft/,
    );
    const c3 = await client();
    await expect(launch(c3, { ...base(), replay: join(ws.dir, 'none.jsonl') })).rejects.toThrow(
      /no journal at .*none\.jsonl/,
    );
    writeFileSync(join(ws.dir, 'empty.jsonl'), '');
    const c4 = await client();
    await expect(launch(c4, { ...base(), replay: join(ws.dir, 'empty.jsonl') })).rejects.toThrow(
      /empty\.jsonl:1 does not start/,
    );
  });
});

describe('failures and termination', () => {
  it('a failing step stops on the exception breakpoint, then the run fails', async () => {
    const program = await fakeWith([{ status: 400, message: 'bad prompt' }]);
    const c = await client();
    await launch(c, { ...base(), program, inputs: { topic: 'x' } });
    const stop = await stopped(c);
    expect(stop.reason).toBe('exception');
    expect(stop.text).toMatch(/step first failed/);
    expect(stop.frames[0]?.name).toBe('first (failed)');
    await c.continueRequest({ threadId: 1 });
    expect((await ended(c)).error?.code).toBe('step_failed');
  });

  it('stops on a retried attempt when the retry filter is on', async () => {
    // the client retries a 503 twice itself; the step's attempt fails after the third
    const busy = { status: 503, message: 'busy', headers: { 'retry-after-ms': '1' } };
    fake = await startFakeOpenAI({ script: [busy, busy, busy, { text: 'one' }, { text: 'two' }] });
    const program = ws.write(
      'retry.workflow.yaml',
      workflow(fake.url, '\n    retry:\n      attempts: 2\n      backoff: 1ms'),
    );
    const c = await client();
    await launch(c, { ...base(), program, inputs: { topic: 'x' } }, () =>
      c.setExceptionBreakpointsRequest({ filters: ['retry', 'stepFailed'] }),
    );
    const stop = await stopped(c);
    expect(stop.reason).toBe('exception');
    expect(stop.text).toMatch(/will be retried/);
    await c.continueRequest({ threadId: 1 });
    expect((await ended(c)).outputs).toEqual({ final: 'two' });
  });

  it('stops on the budget exception when the run goes over budget.max_tokens', async () => {
    fake = await startFakeOpenAI({
      script: [{ text: 'big', usage: { inputTokens: 400, outputTokens: 200 } }],
    });
    const program = ws.write(
      'budget.workflow.yaml',
      workflow(fake.url).replace('steps:\n', 'budget:\n  max_tokens: 100\nsteps:\n'),
    );
    const c = await client();
    await launch(c, { ...base(), program, inputs: { topic: 'x' } });
    const stop = await stopped(c);
    expect(stop.reason).toBe('exception');
    expect(stop.text).toMatch(/budget exceeded/);
    await c.continueRequest({ threadId: 1 });
    expect((await ended(c)).error?.code).toBe('budget_exceeded');
  });

  it('Pause during a step stops right after it', async () => {
    const program = await fakeWith([{ text: 'slow', delayMs: 1500 }, { text: 'two' }]);
    const c = await client();
    await launch(c, { ...base(), program, inputs: { topic: 'x' } });
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    await c.pauseRequest({ threadId: 1 });
    const stop = await stopped(c);
    expect(stop.reason).toBe('pause');
    expect(stop.frames[0]?.name).toBe('first (after)');
    await c.continueRequest({ threadId: 1 });
    expect((await ended(c)).outputs).toEqual({ final: 'two' });
  });

  it('terminate during a step aborts it and records the run as cancelled', async () => {
    const program = await fakeWith([{ text: 'slow', delayMs: 20_000 }]);
    const c = await client();
    await launch(c, { ...base(), program, inputs: { topic: 'x' } });
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    await c.terminateRequest({});
    const end = await ended(c);
    expect(end.status).toBe('cancelled');
    const journal = readFileSync(join(ws.dataDir, 'runs', end.runId, 'journal.jsonl'), 'utf8');
    expect(journal.trim().split('\n').at(-1)).toContain('"type":"run_cancelled"');
  });
});
