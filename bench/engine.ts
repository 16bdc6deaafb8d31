// Engine overhead benchmark: Weft (in memory, durable journal) side by side with LangGraph.js
// (MemorySaver, SqliteSaver) on the same workflows, every step a mock model call.
//   npx tsx bench/engine.ts [--quick] [--skip-memory] [--only weft|langgraph]
// Prints markdown tables. Not a test: nothing here asserts on timings.
import { execFileSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mockGenerate } from '../runtime/src/models/mock.js';
import { busyProcesses, fmt, machineLine, mb, median, ratio, table } from './lib/report.js';
import { weftRunner } from './lib/weft.js';
import { type BenchWorkflow, definitionOf, fanoutWorkflow, INPUTS, linearWorkflow } from './lib/workflows.js';

const SELF = fileURLToPath(import.meta.url);
// LangGraph adds one abort listener per task to a shared signal: 50-way fan-out trips the default warning.
setMaxListeners(1000);
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

type SystemId =
  | 'weft-memory'
  | 'weft-durable'
  | 'langgraph-memory'
  | 'langgraph-sqlite'
  | 'langgraph-sqlite-full';

const SYSTEMS: { id: SystemId; label: string; family: 'weft' | 'langgraph' }[] = [
  { id: 'weft-memory', label: 'Weft in-memory (durable: false)', family: 'weft' },
  { id: 'weft-durable', label: 'Weft durable journal (tmp dir)', family: 'weft' },
  { id: 'langgraph-memory', label: 'LangGraph.js + MemorySaver', family: 'langgraph' },
  {
    id: 'langgraph-sqlite',
    label: 'LangGraph.js + SqliteSaver (file, WAL, synchronous=NORMAL)',
    family: 'langgraph',
  },
  {
    id: 'langgraph-sqlite-full',
    label: 'LangGraph.js + SqliteSaver (file, WAL, synchronous=FULL)',
    family: 'langgraph',
  },
];

interface Runner {
  run(): Promise<unknown>;
  close(): Promise<void> | void;
}

async function runnerFor(system: SystemId, workflow: BenchWorkflow): Promise<Runner> {
  switch (system) {
    case 'weft-memory':
      return weftRunner(definitionOf(workflow), INPUTS, 'memory');
    case 'weft-durable':
      return weftRunner(definitionOf(workflow), INPUTS, 'durable');
    case 'langgraph-memory': {
      // imported on demand: a Weft memory child process must not load LangGraph and SQLite
      const { langGraphRunner } = await import('./lib/langgraph.js');
      return langGraphRunner(workflow, 'memory');
    }
    case 'langgraph-sqlite':
    case 'langgraph-sqlite-full': {
      const { langGraphRunner } = await import('./lib/langgraph.js');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lg-bench-'));
      const mode = system === 'langgraph-sqlite' ? 'sqlite' : 'sqlite-full';
      const runner = langGraphRunner(workflow, mode, path.join(dir, 'checkpoints.sqlite'));
      return {
        run: () => runner.run(),
        close() {
          runner.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  }
}

/** What the mock calls alone cost for one run of `workflow` (ms): subtracted to get engine overhead. */
function bareCallsMs(workflow: BenchWorkflow): number {
  const n = workflow.steps;
  const once = () => {
    let last = INPUTS.message;
    for (let i = 0; i < n; i++) {
      last = mockGenerate('mock-1', { messages: [{ role: 'user', content: `Step ${i}: ${last}` }] }).text;
    }
    return last;
  };
  for (let i = 0; i < 200; i++) once();
  const reps = 2000;
  const start = performance.now();
  for (let i = 0; i < reps; i++) once();
  return (performance.now() - start) / reps;
}

interface Cell {
  workflow: BenchWorkflow;
  system: SystemId;
  runs: number;
  medianMs: number;
  cpuMs: number;
  overheadUsPerStep: number;
  error?: string;
}

const errorCell = (workflow: BenchWorkflow, system: SystemId, error: unknown): Cell => ({
  workflow,
  system,
  runs: 0,
  medianMs: Number.NaN,
  cpuMs: Number.NaN,
  overheadUsPerStep: Number.NaN,
  error: (error as Error).message.split('\n')[0],
});

/**
 * All systems on one workflow, interleaved: round after round, each system runs once, so a burst of load
 * from other processes hits every system alike. Stops after maxRuns rounds, or at the time budget once
 * minRuns rounds are done.
 */
async function measureWorkflow(
  workflow: BenchWorkflow,
  systems: SystemId[],
  quick: boolean,
): Promise<Cell[]> {
  const bare = bareCallsMs(workflow);
  const warmup = quick ? 2 : 5;
  const minRuns = quick ? 3 : 7;
  const maxRuns = quick ? 10 : 50;
  const budgetMs = (quick ? 1500 : 6000) * systems.length;
  const live: { system: SystemId; runner: Runner; wall: number[]; cpu: number[] }[] = [];
  const failed: Cell[] = [];
  for (const system of systems) {
    try {
      const runner = await runnerFor(system, workflow);
      for (let i = 0; i < warmup; i++) await runner.run();
      live.push({ system, runner, wall: [], cpu: [] });
    } catch (error) {
      failed.push(errorCell(workflow, system, error));
    }
  }
  const deadline = performance.now() + budgetMs;
  for (let round = 0; round < maxRuns && (round < minRuns || performance.now() < deadline); round++) {
    for (const entry of [...live]) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      try {
        await entry.runner.run();
      } catch (error) {
        failed.push(errorCell(workflow, entry.system, error));
        live.splice(live.indexOf(entry), 1);
        continue;
      }
      entry.wall.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      entry.cpu.push((used.user + used.system) / 1000);
    }
  }
  for (const entry of live) await entry.runner.close();
  const cells = [
    ...live.map((entry): Cell => {
      const medianMs = median(entry.wall);
      return {
        workflow,
        system: entry.system,
        runs: entry.wall.length,
        medianMs,
        cpuMs: median(entry.cpu),
        overheadUsPerStep: ((medianMs - bare) * 1000) / workflow.steps,
      };
    }),
    ...failed,
  ];
  return systems.map((id) => cells.find((c) => c.system === id)!);
}

// ---------- 1,000 concurrent runs, peak memory, one child process per measurement ----------

interface MemoryResult {
  system: SystemId;
  runs: number;
  wallMs: number;
  baselineRss: number;
  peakRss: number;
  baselineHeap: number;
  peakHeap: number;
  error?: string;
}

async function memoryChild(system: SystemId, runs: number): Promise<void> {
  const workflow = linearWorkflow(10);
  const runner = await runnerFor(system, workflow);
  await runner.run(); // loads every lazy module before the baseline
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const timer = setInterval(sample, 5);
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < runs; i++) pending.push(runner.run());
  sample();
  const results = await Promise.all(pending);
  sample();
  const wallMs = performance.now() - start;
  clearInterval(timer);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const out: MemoryResult = {
    system,
    runs: results.length,
    wallMs,
    baselineRss: baseline.rss,
    peakRss: Math.max(peakRss, maxRss),
    baselineHeap: baseline.heapUsed,
    peakHeap,
  };
  await runner.close();
  process.stdout.write(`\nMEMORY_RESULT ${JSON.stringify(out)}\n`);
}

function memoryInChild(system: SystemId, runs: number): MemoryResult {
  try {
    const stdout = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', SELF, '--memory-child', system, '--runs', String(runs)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('MEMORY_RESULT '));
    if (!line) throw new Error(`no result from the child: ${stdout.slice(-300)}`);
    return JSON.parse(line.slice('MEMORY_RESULT '.length)) as MemoryResult;
  } catch (error) {
    const e = error as Error & { stderr?: string };
    const detail = (e.stderr ?? e.message)
      .split('\n')
      .filter((l) => /Error|error/.test(l))
      .slice(0, 1)
      .join(' ');
    return {
      system,
      runs: 0,
      wallMs: Number.NaN,
      baselineRss: Number.NaN,
      peakRss: Number.NaN,
      baselineHeap: Number.NaN,
      peakHeap: Number.NaN,
      error: detail || e.message.split('\n')[0],
    };
  }
}

// ---------- main ----------

async function main(): Promise<void> {
  const quick = flag('--quick');
  const only = option('--only');
  const systems = SYSTEMS.filter((s) => !only || s.family === only);
  const workflows = [linearWorkflow(10), linearWorkflow(100), fanoutWorkflow(50)];

  const busy = busyProcesses();
  console.log('# Engine overhead: Weft vs LangGraph.js (mock model, offline)\n');
  console.log(`Machine: ${machineLine()}`);
  if (busy.length > 0) console.log(`Other busy processes at start: ${busy.join(', ')}`);
  console.log('');

  const cells: Cell[] = [];
  for (const workflow of workflows) {
    for (const cell of await measureWorkflow(
      workflow,
      systems.map((s) => s.id),
      quick,
    )) {
      cells.push(cell);
      console.error(
        `  ${workflow.name.padEnd(22)} ${cell.system.padEnd(21)} ${cell.error ? `ERROR ${cell.error}` : `${fmt(cell.medianMs, 2)} ms (${cell.runs} runs)`}`,
      );
    }
  }

  console.log(
    '## Per run and per step\n\nMedian of the measured runs after 5 warm-ups; runs one after another, the systems interleaved (one run of each per round). ' +
      '"Overhead/step" = (median wall time − the same mock calls made directly) / steps. ' +
      '"CPU/step" = process CPU time (user+system, all threads) / steps: less sensitive to other load.\n',
  );
  console.log(
    table(
      ['Workflow', 'System', 'Runs', 'Median ms/run', 'CPU ms/run', 'Overhead µs/step', 'CPU µs/step'],
      cells.map((c) => [
        c.workflow.name,
        SYSTEMS.find((s) => s.id === c.system)!.label,
        c.error ? `error: ${c.error}` : c.runs,
        fmt(c.medianMs, 2),
        fmt(c.cpuMs, 2),
        fmt(c.overheadUsPerStep, 0),
        fmt((c.cpuMs * 1000) / c.workflow.steps, 0),
      ]),
    ),
  );

  const find = (w: BenchWorkflow, s: SystemId) => cells.find((c) => c.workflow === w && c.system === s);
  const wallRatio = (w: BenchWorkflow, peer: SystemId, weft: SystemId) =>
    (find(w, peer)?.overheadUsPerStep ?? Number.NaN) / (find(w, weft)?.overheadUsPerStep ?? Number.NaN);
  const cpuRatio = (w: BenchWorkflow, peer: SystemId, weft: SystemId) =>
    (find(w, peer)?.cpuMs ?? Number.NaN) / (find(w, weft)?.cpuMs ?? Number.NaN);
  const cellOf = (w: BenchWorkflow, peer: SystemId, weft: SystemId) => {
    const x = wallRatio(w, peer, weft);
    const verdict = Number.isFinite(x) ? (x >= 3 ? 'yes' : 'NO') : 'n/a';
    return `${ratio(x, 1)} (CPU ${ratio(cpuRatio(w, peer, weft), 1)}) ${verdict}`;
  };
  console.log(
    '\n## LangGraph / Weft per-step overhead (goal: Weft at least 3x lower)\n\n' +
      'Ratio of the wall-time overhead per step (in brackets: of the CPU time per run); yes = at least 3x. ' +
      'Weft (WEFT_JOURNAL_SYNC=always) makes each step durable before the next runs, with one group-committed fdatasync per step at most; SqliteSaver with synchronous=NORMAL fsyncs only at WAL ' +
      'checkpoints (not power-loss safe), with FULL on every commit (the comparable guarantee).\n',
  );
  console.log(
    table(
      [
        'Workflow',
        'memory: LangGraph MemorySaver / Weft in-memory',
        'durable: SqliteSaver NORMAL / Weft journal',
        'durable: SqliteSaver FULL / Weft journal',
      ],
      workflows.map((w) => [
        w.name,
        cellOf(w, 'langgraph-memory', 'weft-memory'),
        cellOf(w, 'langgraph-sqlite', 'weft-durable'),
        cellOf(w, 'langgraph-sqlite-full', 'weft-durable'),
      ]),
    ),
  );

  if (!flag('--skip-memory')) {
    const runs = Number(option('--runs') ?? 1000);
    const memSystems = systems.map((s) => s.id).filter((id) => id !== 'langgraph-sqlite-full');
    console.log(
      `\n## Peak memory: ${runs} concurrent runs of the 10-step workflow (one child process each)\n\n` +
        `Baseline = after loading and one run, after GC. Peak RSS includes the baseline (Node + tsx + libraries).\n`,
    );
    const rows: (string | number)[][] = [];
    for (const system of memSystems) {
      const m = memoryInChild(system, runs);
      console.error(`  memory ${system}: ${m.error ? `ERROR ${m.error}` : `${mb(m.peakRss)} MB peak RSS`}`);
      rows.push([
        SYSTEMS.find((s) => s.id === system)!.label,
        m.error ? `error: ${m.error}` : m.runs,
        fmt(m.wallMs, 0),
        mb(m.baselineRss),
        mb(m.peakRss),
        mb(m.peakRss - m.baselineRss),
        mb(m.baselineHeap),
        mb(m.peakHeap),
        fmt((m.peakHeap - m.baselineHeap) / 1024 / m.runs, 1),
      ]);
    }
    console.log(
      table(
        [
          'System',
          'Runs',
          'Wall ms (all)',
          'Baseline RSS MB',
          'Peak RSS MB',
          'RSS growth MB',
          'Baseline heap MB',
          'Peak heap MB',
          'Heap KB/run',
        ],
        rows,
      ),
    );
  }
  console.log(`\nMachine at the end: ${machineLine()}`);
}

if (args.includes('--memory-child')) {
  await memoryChild(option('--memory-child') as SystemId, Number(option('--runs') ?? 1000));
} else {
  await main();
}
