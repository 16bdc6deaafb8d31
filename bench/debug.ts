// Debugger figures: F5 to the first stop on a 10-step workflow, the cost of a stop + resume beyond the
// step itself, and the replay of a 100-step recorded run. Drives the standalone adapter
// (extension/out/debug-adapter.js: `npm run build` first) over DAP, as an editor does.
//   npx tsx bench/debug.ts [--repeat N]
// Prints markdown tables. Not a test: nothing here asserts on timings.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ReplayExecutor } from '../extension/src/debug/executors.js';
import { readRecording } from '../extension/src/debug/launch.js';
import { Stepper } from '../extension/src/debug/stepper.js';
import { fmt, machineLine, median, table } from './lib/report.js';
import { linearWorkflow } from './lib/workflows.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADAPTER = path.join(ROOT, 'extension/out/debug-adapter.js');
const args = process.argv.slice(2);
const REPEAT = Number(args[args.indexOf('--repeat') + 1]) || 5;

if (!existsSync(ADAPTER)) {
  console.error(`${ADAPTER} is missing: run \`npm run build\` first`);
  process.exit(2);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'weft-bench-debug-'));
const dataDir = path.join(dir, '.weft');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const ten = write('ten.workflow.yaml', linearWorkflow(10).yaml);
const hundred = write('hundred.workflow.yaml', linearWorkflow(100).yaml);

/** One adapter process with events queued as they arrive. */
async function session(): Promise<{
  client: DebugClient;
  next: (event: string) => Promise<DebugProtocol.Event>;
}> {
  const client = new DebugClient('node', ADAPTER, 'weft');
  const queues = new Map<
    string,
    { seen: DebugProtocol.Event[]; waiting: ((e: DebugProtocol.Event) => void)[] }
  >();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = { seen: [], waiting: [] };
      queues.set(name, q);
      client.on(name, (e: DebugProtocol.Event) => {
        const waiter = q!.waiting.shift();
        if (waiter) waiter(e);
        else q!.seen.push(e);
      });
    }
    return q;
  };
  queue('stopped');
  queue('weft/ended');
  await client.start();
  await client.initializeRequest();
  const next = (name: string) => {
    const q = queue(name);
    const seen = q.seen.shift();
    return seen
      ? Promise.resolve(seen)
      : new Promise<DebugProtocol.Event>((resolve) => q.waiting.push(resolve));
  };
  return { client, next };
}

async function launch(
  client: DebugClient,
  launchArgs: Record<string, unknown>,
  breakpointLine?: { program: string; line: number },
): Promise<void> {
  const launched = client.launchRequest({
    cwd: dir,
    dataDir,
    ...launchArgs,
  } as DebugProtocol.LaunchRequestArguments);
  await Promise.race([client.waitForEvent('initialized'), launched]);
  if (breakpointLine) {
    await client.setBreakpointsRequest({
      source: { path: breakpointLine.program },
      breakpoints: [{ line: breakpointLine.line }],
    });
  }
  await client.configurationDoneRequest();
  await launched;
}

const lineOfStep = (id: string, yaml: string) =>
  yaml.split('\n').findIndex((l) => l.includes(`- id: ${id}`)) + 1;

async function firstStop(breakpoint: boolean): Promise<{ total: number; spawn: number }> {
  const t0 = performance.now();
  const { client, next } = await session();
  const spawned = performance.now();
  const stop = next('stopped');
  await launch(
    client,
    { program: ten, stopOnEntry: !breakpoint },
    breakpoint ? { program: ten, line: lineOfStep('s9', linearWorkflow(10).yaml) } : undefined,
  );
  await stop;
  const total = performance.now() - t0;
  await client.stop();
  return { total, spawn: spawned - t0 };
}

/** A 100-step run: stepping through every point (each stop answered at once) vs Continue. */
async function stepping(withViews: boolean): Promise<{ perStop: number; stops: number }> {
  const runContinue = async () => {
    const { client, next } = await session();
    const t0 = performance.now();
    await launch(client, { program: hundred });
    await next('weft/ended');
    const ms = performance.now() - t0;
    await client.stop();
    return ms;
  };
  const runStepping = async () => {
    const { client, next } = await session();
    const t0 = performance.now();
    let stops = 0;
    const ended = next('weft/ended').then(() => undefined);
    await launch(client, { program: hundred, stopOnEntry: true });
    for (;;) {
      const stop = await Promise.race([next('stopped'), ended]);
      if (!stop) break;
      stops += 1;
      if (withViews) {
        await client.stackTraceRequest({ threadId: 1 });
        const scopes = await client.scopesRequest({ frameId: 0 });
        for (const scope of scopes.body.scopes)
          await client.variablesRequest({ variablesReference: scope.variablesReference });
      }
      await client.stepInRequest({ threadId: 1 });
    }
    const ms = performance.now() - t0;
    await client.stop();
    return { ms, stops };
  };
  const cont: number[] = [];
  const step: number[] = [];
  let stops = 0;
  for (let i = 0; i < REPEAT; i++) {
    cont.push(await runContinue());
    const r = await runStepping();
    step.push(r.ms);
    stops = r.stops;
  }
  return { perStop: (median(step) - median(cont)) / stops, stops };
}

async function record(): Promise<string> {
  const { client, next } = await session();
  const ended = next('weft/ended');
  await launch(client, { program: hundred });
  const body = (await ended).body as { runId: string };
  await client.stop();
  return body.runId;
}

/** Launch to end (the adapter checks the file: cold schema compile), and the replay itself. */
async function replay(runId: string): Promise<{ total: number; run: number }> {
  const { client, next } = await session();
  const t0 = performance.now();
  const ended = next('weft/ended');
  await launch(client, { program: hundred, replay: runId });
  const t1 = performance.now();
  await ended;
  const t2 = performance.now();
  await client.stop();
  return { total: t2 - t0, run: t2 - t1 };
}

/** The same replay in this process: the stepper and the recorded journal, no DAP, no adapter process. */
async function replayInProcess(runId: string): Promise<number> {
  const recording = readRecording(runId, dataDir, dir);
  const t0 = performance.now();
  const stepper = new Stepper({
    definition: recording.definition,
    inputs: recording.inputs,
    journal: [recording.events[0]!],
    executor: new ReplayExecutor(recording.events, recording.file),
  });
  const outcome = await stepper.advance(() => undefined);
  if (!('ended' in outcome) || outcome.ended.status !== 'succeeded')
    throw new Error('the replay did not succeed');
  return performance.now() - t0;
}

try {
  console.log(`# Debugger (${machineLine()}), median of ${REPEAT}\n`);
  if (process.env.DEBUG_BENCH) console.error('start');
  const entry: number[] = [];
  const spawn: number[] = [];
  const atBreakpoint: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const e = await firstStop(false);
    entry.push(e.total);
    spawn.push(e.spawn);
    atBreakpoint.push((await firstStop(true)).total);
  }
  const plain = await stepping(false);
  const viewed = await stepping(true);
  const runId = await record();
  const inProcess: number[] = [];
  for (let i = 0; i < REPEAT * 4; i++) inProcess.push(await replayInProcess(runId));
  const replays: number[] = [];
  const replayRuns: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const r = await replay(runId);
    replays.push(r.total);
    replayRuns.push(r.run);
  }
  console.log(
    table(
      ['figure', 'ms', 'goal'],
      [
        ['F5 to first stop, 10 steps, stopOnEntry (adapter process start included)', fmt(median(entry)), ''],
        ['  of which: adapter process start', fmt(median(spawn)), ''],
        [
          'F5 to first stop, 10 steps, breakpoint on the 10th step (9 steps run first)',
          fmt(median(atBreakpoint)),
          '',
        ],
        [
          `stop + resume beyond the step, 100 steps (${plain.stops} stops, DAP round trip)`,
          fmt(plain.perStop, 2),
          '<= 5',
        ],
        ['stop + resume with stack, scopes and variables fetched at each stop', fmt(viewed.perStop, 2), ''],
        [
          'replay of a 100-step recorded run, configured to end (no model call)',
          fmt(median(replayRuns)),
          '<= 100',
        ],
        [
          '  launch to end (the first check of the file in a new adapter process included)',
          fmt(median(replays)),
          '',
        ],
        [
          '  the replay alone, in process (stepper + recorded journal, no DAP)',
          fmt(median(inProcess)),
          '<= 100',
        ],
      ],
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
