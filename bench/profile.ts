// CPU profile of the Weft engine on one benchmark workflow, summarised as the top functions by self
// and inclusive time.
//   node --import tsx bench/profile.ts [memory|durable] [linear-100|linear-10|fanout-50] [runs]
//   node --import tsx bench/profile.ts --file some.cpuprofile   (summarise a profile, e.g. from node --cpu-prof)
// Writes the raw profile to .cache/bench-profiles/ (open it in Chrome DevTools or speedscope).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, table } from './lib/report.js';
import { type WeftMode, weftRunner } from './lib/weft.js';
import { definitionOf, fanoutWorkflow, INPUTS, linearWorkflow } from './lib/workflows.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const fileArg = argv.indexOf('--file');
const [modeArg = 'memory', shapeArg = 'linear-100', runsArg = '30'] = fileArg >= 0 ? [] : argv;
const mode = modeArg as WeftMode;
const [shape, size] = shapeArg.split('-') as [string, string];
const workflow = shape === 'fanout' ? fanoutWorkflow(Number(size)) : linearWorkflow(Number(size));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function record(): Promise<{ profile: Profile; title: string; file: string }> {
  const runner = await weftRunner(definitionOf(workflow), INPUTS, mode);
  for (let i = 0; i < 5; i++) await runner.run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const start = performance.now();
  const runs = Number(runsArg);
  for (let i = 0; i < runs; i++) await runner.run();
  const wall = performance.now() - start;
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  session.disconnect();
  await runner.close();
  const dir = path.join(ROOT, '.cache', 'bench-profiles');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `weft-${mode}-${shapeArg}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const title = `Weft ${mode}, ${workflow.name}: ${runs} runs, ${fmt(wall / runs, 2)} ms/run, ${fmt((wall * 1000) / runs / workflow.steps, 0)} µs/step`;
  return { profile, title, file };
}

const { profile, title, file } =
  fileArg >= 0
    ? {
        profile: JSON.parse(readFileSync(argv[fileArg + 1]!, 'utf8')) as Profile,
        title: `Profile ${argv[fileArg + 1]}`,
        file: argv[fileArg + 1]!,
      }
    : await record();

// self time per node from the samples
const dt = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, micros] of dt) {
  const node = byId.get(id)!;
  self.set(label(node), (self.get(label(node)) ?? 0) + micros);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + micros);
  }
}
const idle = (l: string) => /^\((root|program|idle)\)/.test(l);
const total = [...self.entries()].filter(([l]) => !idle(l)).reduce((a, [, us]) => a + us, 0);
// self time by file (package for node_modules), busy time only
const byFile = new Map<string, number>();
for (const [l, us] of self) {
  if (idle(l)) continue;
  if (l.startsWith('(')) {
    byFile.set(l, (byFile.get(l) ?? 0) + us);
    continue;
  }
  const where = l.split(' ')[1] ?? '(native)';
  const file = where.includes('node_modules/')
    ? `node_modules/${where
        .split('node_modules/')[1]!
        .split('/')
        .slice(0, where.includes('node_modules/@') ? 2 : 1)
        .join('/')}`
    : where.replace(/:\d+$/, '') || '(native)';
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .filter(([l]) => !idle(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([l, us]) => [l, fmt(us / 1000, 1), `${fmt((100 * us) / total, 1)}%`]);

console.log(`# ${title}\n`);
console.log(`Profile: ${file}; busy (non-idle) time ${fmt(total / 1000, 0)} ms; shares are of busy time.\n`);
console.log('## Self time by file or package\n');
console.log(table(['File', 'ms', 'share'], top(byFile, 20)));
console.log('\n## Self time\n');
console.log(table(['Function', 'ms', 'share'], top(self, 25)));
console.log('\n## Inclusive time (project and library code)\n');
console.log(
  table(
    ['Function', 'ms', 'share'],
    top(new Map([...inclusive].filter(([l]) => l.includes('runtime/') || l.includes('node_modules/'))), 30),
  ),
);
