// Benchmark: checkWorkflow on a generated 1,000-step workflow (cold; warm on texts never seen before; after a
// one-line edit), in wall-clock and CPU time. The goal is judged on both: wall time is what a user waits for;
// CPU time (this process, V8's parallel GC threads included) does not grow when the machine is loaded.
// Run: npm run bench:check
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import jsyaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { scanBlock } from '../runtime/src/language/block-scan.js';
import { parseFast } from '../runtime/src/language/fast-parse.js';
import { checkWorkflow, parseWorkflowChunked, parseWorkflowFast } from '../runtime/src/language/index.js';
import { CHECKER_YOUNG_GENERATION_MB } from '../runtime/src/language/memory.js';
import { generateWorkflow } from './lib/generate-workflow.js';

const STEPS = 1_000;
const WARM_RUNS = 30;
const WARM_UP = 20;

interface Sample {
  wall: number;
  cpu: number;
}

/** Wall-clock and CPU (user + system, this process) milliseconds of one call. */
function measure(fn: () => void): Sample {
  const cpu = process.cpuUsage();
  const start = performance.now();
  fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function median(samples: Sample[]): Sample {
  const pick = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { wall: pick(samples.map((s) => s.wall)), cpu: pick(samples.map((s) => s.cpu)) };
}

/** The same workflow with a different comment in every chunk (each top-level key and each step), so no chunk is cached. */
function variant(text: string, n: number): string {
  return text.replace(/^([a-z_]+:.*|\s*- id: s\d+)$/gm, `$1 # v${n}`);
}

/** The same workflow with every step id renamed, so no expression text was seen before (no cache can help). */
function renamed(text: string, n: number): string {
  return text.replace(/\b([smp])(\d+)/g, `$1${n}x$2`);
}

interface WarmRows {
  warm: Sample;
  fresh: Sample;
  edit: Sample;
}

/** The three goal rows: new comments, every id renamed, a one-line edit (medians of WARM_RUNS). */
function warmRows(text: string): WarmRows {
  // Warm: every function optimized by the JIT and the young generation grown to its working size (the first
  // ~20 checks of a process are slower; the cold row shows the very first).
  for (let n = 0; n < WARM_UP; n++) checkWorkflow(variant(text, 1000 + n));
  const warm = median(
    Array.from({ length: WARM_RUNS }, (_, n) => measure(() => checkWorkflow(variant(text, n)))),
  );
  const fresh = median(
    Array.from({ length: WARM_RUNS }, (_, n) => {
      const source = renamed(text, n);
      return measure(() => checkWorkflow(source));
    }),
  );
  checkWorkflow(text);
  const edit = median(
    Array.from({ length: WARM_RUNS }, (_, n) => {
      const edited = text.replace('prompt: "Step 7:', `prompt: "Step 7 (edit ${n}):`);
      return measure(() => checkWorkflow(edited));
    }),
  );
  return { warm, fresh, edit };
}

/** The goal rows measured in a worker thread with the extension's check-worker resource limits. */
function inCheckWorker(): Promise<WarmRows> {
  // This file is TypeScript: the worker registers tsx before importing it.
  const self = JSON.stringify(import.meta.url);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${self}); })`;
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: 'check-worker',
    resourceLimits: { maxYoungGenerationSizeMb: CHECKER_YOUNG_GENERATION_MB },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (rows: WarmRows) => {
      resolve(rows);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && workerData === 'check-worker') {
  const text = generateWorkflow(STEPS);
  checkWorkflow(text);
  parentPort!.postMessage(warmRows(text));
} else if (process.argv[1]?.endsWith('check.ts')) await main();

async function main() {
  const text = generateWorkflow(STEPS);
  let result = checkWorkflow('name: x\n');
  // The first call in this process: ajv compiles the schema, nothing is JIT-compiled, no chunk is cached.
  const cold = measure(() => {
    result = checkWorkflow(text);
  });
  if (!result.definition || result.diagnostics.some((d) => d.severity === 'error')) {
    console.error(result.diagnostics.slice(0, 10));
    throw new Error('the generated workflow should be valid');
  }
  for (const sample of [text, variant(text, 1), renamed(text, 1)]) {
    if (!parseWorkflowFast(sample) || !scanBlock(sample)) {
      throw new Error('the line scanner should take the generated workflow');
    }
  }
  const { warm, fresh, edit } = warmRows(text);
  const worker = await inCheckWorker();
  const fastParse = median(
    Array.from({ length: WARM_RUNS }, (_, n) => {
      const source = variant(text, 3000 + n);
      return measure(() => parseWorkflowFast(source));
    }),
  );
  const jsYamlPath = median(
    Array.from({ length: WARM_RUNS }, (_, n) => {
      const source = variant(text, 5000 + n);
      return measure(() => parseFast(source, 'js-yaml'));
    }),
  );
  const jsYaml = median(
    Array.from({ length: WARM_RUNS }, (_, n) => {
      const source = variant(text, 4000 + n);
      return measure(() => jsyaml.load(source, { schema: jsyaml.CORE_SCHEMA }));
    }),
  );
  const chunkParse = median(
    Array.from({ length: WARM_RUNS }, (_, n) => {
      const edited = text.replace('prompt: "Step 7:', `prompt: "Step 7 (parse ${n}):`);
      return measure(() => parseWorkflowChunked(edited));
    }),
  );
  const yamlParse = median(
    Array.from({ length: 10 }, (_, n) => {
      const source = variant(text, 2000 + n);
      return measure(() => parseDocument(source, { lineCounter: new LineCounter(), uniqueKeys: false }));
    }),
  );
  const goal = 30;
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2));
  console.log(
    `checkWorkflow, ${STEPS} steps (${(text.length / 1024).toFixed(0)} KB, ${text.split('\n').length} lines)`,
  );
  console.log(
    `Node ${process.version}, ${cpus.length} cores, ${cpus[0]?.model ?? 'unknown CPU'}, load average ${load.join(' ')}\n`,
  );
  console.log('| case | wall (ms) | CPU (ms) | goal (ms) | met (wall) | met (CPU) |');
  console.log('|---|---:|---:|---:|---|---|');
  const rows: Array<[string, Sample, boolean]> = [
    ['cold: first call in a fresh process (schema compile, no JIT)', cold, false],
    [`warm full check, a new text each time (new comments; median of ${WARM_RUNS})`, warm, true],
    [
      `warm full check, every step id renamed (no expression seen before; median of ${WARM_RUNS})`,
      fresh,
      true,
    ],
    [`re-check after a one-line edit (median of ${WARM_RUNS})`, edit, true],
    [
      `in the extension's check worker (young generation ${CHECKER_YOUNG_GENERATION_MB} MB): new comments`,
      worker.warm,
      true,
    ],
    ['  every step id renamed', worker.fresh, true],
    ['  re-check after a one-line edit', worker.edit, true],
    ['  of which the parse (the line scanner: yaml nodes with ranges and the JS value)', fastParse, false],
    [
      'reference: the js-yaml parse path (what the scanner leaves to it: js-yaml + yaml nodes)',
      jsYamlPath,
      false,
    ],
    ['reference: js-yaml load alone, no positions', jsYaml, false],
    [
      'reference: the chunked yaml parse after a one-line edit (the fallback path, warm cache)',
      chunkParse,
      false,
    ],
    ['reference: yaml parseDocument, whole text (median of 10)', yamlParse, false],
  ];
  for (const [name, sample, goalRow] of rows) {
    const verdict = (ms: number) => (goalRow ? (ms <= goal ? 'yes' : 'no') : '');
    console.log(
      `| ${name} | ${sample.wall.toFixed(1)} | ${sample.cpu.toFixed(1)} | ${goalRow ? goal : ''} | ${verdict(sample.wall)} | ${verdict(sample.cpu)} |`,
    );
  }
}
