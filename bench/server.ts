// HTTP server benchmark: `weft serve` side by side with FastAPI + uvicorn + LangGraph (Python), both
// running the same 3-step mock workflow behind `POST /run` (synchronous: 200 with the outputs).
// Then SSE fan-out: 100 subscribers on `GET /runs/{id}/events` of runs that produce events.
//   npm run bench:server [-- --duration 10 --connections 50 --no-build --skip-python --skip-sse]
// Everything listens on 127.0.0.1 only, on free ports; each load phase is bounded in time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { busyProcesses, fmt, machineLine, median, table } from './lib/report.js';
import { INPUTS, linearWorkflow } from './lib/workflows.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

const DURATION = Number(option('--duration', '10'));
const WARMUP = Number(option('--warmup', '3'));
const CONNECTIONS = Number(option('--connections', '50'));
const SUBSCRIBERS = Number(option('--subscribers', '100'));
const SSE_RUNS = Number(option('--sse-runs', '5'));
const HOST = '127.0.0.1';
const WEFT_DURABLE = 'Weft (`weft serve`, Node), durable journal (default)';
const WEFT_MEMORY = 'Weft (`weft serve`, Node), WEFT_JOURNAL=memory';
const PEER = 'FastAPI + uvicorn + LangGraph (Python, 1 worker, InMemorySaver)';

/** An error as one table-friendly line (the last lines of a child's output included). */
function oneLine(error: unknown): string {
  return (error as Error).message.replace(/\s+/g, ' ').replace(/\|/g, '/').slice(0, 400);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function startProcess(command: string, argv: string[], env: Record<string, string>, cwd = ROOT): Started {
  const child = spawn(command, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

interface HttpAnswer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(data);
  });
}

async function waitReady(url: string, started: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) {
      throw new Error(`the server exited (${started.child.exitCode}): ${started.output().slice(-600)}`);
    }
    try {
      await request(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the server did not answer ${url} within ${timeoutMs} ms: ${started.output().slice(-600)}`);
}

interface Target {
  system: string;
  baseUrl: string;
  pid: number;
}

interface LoadRow {
  system: string;
  segments: Result[];
  /** Server process CPU time (user + system) over the measured segments, ms. */
  cpuMs: number;
  error?: string;
}

/** utime + stime of a process in ms, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

const SEGMENTS = Number(option('--segments', '2'));

/**
 * Load on every target, alternating: warm-up on each, then SEGMENTS rounds of DURATION/SEGMENTS seconds on
 * each in turn, so a burst of load from other processes on the shared machine hits both servers alike.
 */
async function loadAll(targets: Target[]): Promise<LoadRow[]> {
  const rows = new Map<Target, LoadRow>();
  const options = (t: Target) => ({
    url: `${t.baseUrl}/run`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(INPUTS),
    connections: CONNECTIONS,
    timeout: 30,
  });
  for (const t of targets) {
    const sample = await request(`${t.baseUrl}/run`, 'POST', INPUTS);
    if (sample.status !== 200) {
      rows.set(t, {
        system: t.system,
        segments: [],
        cpuMs: Number.NaN,
        error: `POST /run answered ${sample.status}: ${sample.body.slice(0, 300)}`,
      });
      continue;
    }
    rows.set(t, { system: t.system, segments: [], cpuMs: 0 });
    console.error(`  ${t.system}: warm-up ${WARMUP} s`);
    if (WARMUP > 0) await autocannon({ ...options(t), duration: WARMUP });
  }
  const live = targets.filter((t) => !rows.get(t)!.error);
  for (let segment = 0; segment < SEGMENTS; segment++) {
    for (const t of live) {
      const row = rows.get(t)!;
      console.error(`  ${t.system}: segment ${segment + 1}/${SEGMENTS}, ${DURATION / SEGMENTS} s`);
      const cpu = processCpuMs(t.pid);
      row.segments.push(await autocannon({ ...options(t), duration: DURATION / SEGMENTS }));
      row.cpuMs += processCpuMs(t.pid) - cpu;
    }
  }
  return targets.map((t) => rows.get(t)!);
}

const sum = (rs: Result[], f: (r: Result) => number) => rs.reduce((n, r) => n + f(r), 0);

// ---------- Weft ----------

function ensureBuilt(): void {
  const cli = path.join(ROOT, 'runtime', 'dist', 'cli.js');
  if ((flag('--no-build') && existsSync(cli)) || option('--weft-entry', '')) return;
  console.error('  building the runtime (npm run build) ...');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function startWeft(
  workflowsPath: string,
  dataDir: string,
  extraEnv: Record<string, string> = {},
): Promise<{ baseUrl: string; server: Started; port: number }> {
  const port = await freePort();
  // --weft-entry FILE runs `node --import tsx FILE serve ...` instead of the built CLI (a development aid)
  // (a .js/.mjs FILE, e.g. a bundle built elsewhere, runs without tsx); --cpu-prof DIR profiles the server
  const entry = option('--weft-entry', '');
  const profDir = option('--cpu-prof', '');
  const server = startProcess(
    process.execPath,
    [
      ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profDir)] : []),
      ...(entry
        ? /\.m?js$/.test(entry)
          ? [path.resolve(entry)]
          : ['--import', 'tsx', entry]
        : [path.join(ROOT, 'runtime', 'bin', 'weft.js')]),
      'serve',
      '--workflows',
      workflowsPath,
      '--host',
      HOST,
      '--port',
      String(port),
    ],
    {
      WEFT_HOST: HOST,
      PORT: String(port),
      WEFT_WORKFLOWS: workflowsPath,
      WEFT_DATA_DIR: dataDir,
      // per-request logging off on both sides: uvicorn runs with --no-access-log
      WEFT_LOG_LEVEL: 'warn',
      WEFT_RATE_LIMIT: 'off',
      ...extraEnv,
    },
  );
  const baseUrl = `http://${HOST}:${port}`;
  try {
    await waitReady(`${baseUrl}/health`, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { baseUrl, server, port };
}

// ---------- Python peer ----------

function ensureVenv(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'bench', 'peers', 'fastapi_langgraph', 'setup.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

async function startPython(venv: string): Promise<{ baseUrl: string; server: Started }> {
  const port = await freePort();
  const server = startProcess(
    path.join(venv, 'bin', 'uvicorn'),
    [
      'app:app',
      '--app-dir',
      path.join(ROOT, 'bench', 'peers', 'fastapi_langgraph'),
      '--host',
      HOST,
      '--port',
      String(port),
      '--workers',
      '1',
      '--no-access-log',
      '--log-level',
      'warning',
    ],
    {},
  );
  const baseUrl = `http://${HOST}:${port}`;
  try {
    await waitReady(`${baseUrl}/health`, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { baseUrl, server };
}

function pythonVersions(venv: string): string {
  try {
    return execFileSync(
      path.join(venv, 'bin', 'python'),
      [
        '-c',
        'import sys, importlib.metadata as m; print("Python", sys.version.split()[0] + ",", ", ".join(p + " " + m.version(p) for p in ["fastapi", "uvicorn", "langgraph", "uvloop"]))',
      ],
      { encoding: 'utf8' },
    ).trim();
  } catch {
    return 'Python versions unknown';
  }
}

// ---------- SSE fan-out ----------

/** A loopback HTTP server whose answers take `delayMs`: makes the SSE workflow's steps last. */
function startDelayServer(delayMs: number): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const server = http.createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, delayMs);
    });
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, close: () => server.close() });
    });
  });
}

/** `pairs` x (tool step that waits on the delay server, then an llm step): a run that emits events over time. */
function sseWorkflowYaml(pairs: number, toolPort: number): string {
  const t = (e: string) => `\${{ ${e} }}`;
  const lines = [
    'name: bench-sse',
    'inputs:',
    '  message: { type: string, default: "Hello from the benchmark" }',
    'models:',
    '  fast: { provider: mock, model: mock-1 }',
    'tools:',
    '  tick:',
    '    kind: http',
    '    method: GET',
    `    url: "http://${HOST}:${toolPort}/tick?i=${t('args.i')}"`,
    '    timeout: 10s',
    '    args_schema: { type: object, properties: { i: { type: integer } }, required: [i] }',
    'outputs:',
    `  text: { type: string, value: "${t(`steps.s${pairs - 1}.output.text`)}" }`,
    'steps:',
  ];
  for (let i = 0; i < pairs; i++) {
    lines.push(`  - id: t${i}`, '    kind: tool', '    tool: tick', `    args: { i: ${i} }`);
    if (i > 0) lines.push(`    needs: [s${i - 1}]`);
    lines.push(
      `  - id: s${i}`,
      '    kind: llm',
      '    model: fast',
      `    prompt: "Step ${i}: ${t(`steps.t${i}.output.status`)} ${t('inputs.message')}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Subscription {
  events: number;
  firstEventAt: number;
  endedAt: number;
  error?: string;
}

/** Counts SSE events (blocks with a data: line) until the server closes the stream. */
function subscribe(url: string, timeoutMs: number): Promise<Subscription> {
  return new Promise((resolve) => {
    const out: Subscription = { events: 0, firstEventAt: 0, endedAt: 0 };
    let buffer = '';
    const finish = (error?: string) => {
      if (out.endedAt) return;
      out.endedAt = performance.now();
      if (error) out.error = error;
      clearTimeout(timer);
      resolve(out);
    };
    const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(`status ${res.statusCode}`);
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let index = buffer.indexOf('\n\n');
        while (index >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          if (/^data:/m.test(block)) {
            if (out.events === 0) out.firstEventAt = performance.now();
            out.events++;
          }
          index = buffer.indexOf('\n\n');
        }
      });
      res.on('end', () => finish());
      res.on('error', (error) => finish(error.message));
    });
    req.on('error', (error) => finish(error.message));
    const timer = setTimeout(() => {
      req.destroy();
      finish('timeout');
    }, timeoutMs);
  });
}

interface SseRound {
  events: number;
  perSubscriber: number[];
  seconds: number;
  errors: string[];
}

async function sseBench(
  baseUrl: string,
  workflowName: string,
): Promise<{ rounds: SseRound[]; error?: string; runMs: number[] }> {
  const rounds: SseRound[] = [];
  const runMs: number[] = [];
  for (let r = 0; r < SSE_RUNS; r++) {
    const t0 = performance.now();
    const started = await request(`${baseUrl}/workflows/${workflowName}/run`, 'POST', INPUTS, {
      prefer: 'respond-async',
    });
    if (started.status !== 202 && started.status !== 200) {
      return { rounds, runMs, error: `POST answered ${started.status}: ${started.body.slice(0, 300)}` };
    }
    const runId = (JSON.parse(started.body) as { runId: string }).runId;
    const subs = await Promise.all(
      Array.from({ length: SUBSCRIBERS }, () => subscribe(`${baseUrl}/runs/${runId}/events`, 30_000)),
    );
    const ended = Math.max(...subs.map((s) => s.endedAt));
    runMs.push(ended - t0);
    const events = subs.reduce((n, s) => n + s.events, 0);
    rounds.push({
      events,
      perSubscriber: subs.map((s) => s.events),
      seconds: (ended - t0) / 1000,
      errors: [...new Set(subs.filter((s) => s.error).map((s) => s.error!))],
    });
  }
  return { rounds, runMs };
}

// ---------- main ----------

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'weft-bench-server-'));
  const stops: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(work, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    void cleanup().then(() => process.exit(130));
  });

  const busy = busyProcesses();
  console.log('# HTTP server: Weft vs FastAPI + uvicorn + LangGraph (mock model, offline)\n');
  console.log(`Machine: ${machineLine()}`);
  if (busy.length > 0) console.log(`Other busy processes at start: ${busy.join(', ')}`);

  const workflowFile = path.join(work, 'throughput', 'workflow.yaml');
  mkdirSync(path.dirname(workflowFile), { recursive: true });
  writeFileSync(workflowFile, linearWorkflow(3).yaml);

  try {
    const targets: Target[] = [];
    const rows: LoadRow[] = [];
    // Weft twice: its default durable journal (an fsync per journal event), and WEFT_JOURNAL=memory
    // (journals in memory, like the peer's InMemorySaver: nothing survives a crash)
    const weftSystems: { system: string; env: Record<string, string>; dir: string }[] = [
      { system: WEFT_DURABLE, env: {} as Record<string, string>, dir: 'data-throughput' },
      { system: WEFT_MEMORY, env: { WEFT_JOURNAL: 'memory' }, dir: 'data-throughput-memory' },
    ].filter((w) => !(flag('--skip-memory-journal') && w.system === WEFT_MEMORY));
    for (const w of weftSystems) {
      try {
        ensureBuilt();
        const weft = await startWeft(workflowFile, path.join(work, w.dir), w.env);
        stops.push(weft.server.stop);
        targets.push({ system: w.system, baseUrl: weft.baseUrl, pid: weft.server.child.pid! });
      } catch (error) {
        rows.push({ system: w.system, segments: [], cpuMs: Number.NaN, error: oneLine(error) });
      }
    }
    let pythonLine = '';
    if (!flag('--skip-python')) {
      try {
        const venv = ensureVenv();
        pythonLine = pythonVersions(venv);
        const py = await startPython(venv);
        stops.push(py.server.stop);
        targets.push({
          system: PEER,
          baseUrl: py.baseUrl,
          pid: py.server.child.pid!,
        });
      } catch (error) {
        rows.push({
          system: PEER,
          segments: [],
          cpuMs: Number.NaN,
          error: oneLine(error),
        });
      }
    }
    rows.unshift(...(await loadAll(targets)));
    // keep the table order: Weft durable, Weft memory, peer (a failed start is pushed before the load)
    const order = [WEFT_DURABLE, WEFT_MEMORY, PEER];
    rows.sort((a, b) => order.indexOf(a.system) - order.indexOf(b.system));
    for (const stop of stops.splice(0).reverse()) await stop();

    console.log(
      `\n## POST /run, synchronous, 3-step mock workflow\n\nautocannon from this process: ${CONNECTIONS} connections, ` +
        `${WARMUP} s warm-up each, then ${DURATION} s measured each in ${SEGMENTS} alternating segments (Weft durable, Weft memory, Python, Weft durable, ...), same for all; ` +
        '127.0.0.1; one server process each; p50/p99 = request-weighted mean over the segments; server CPU = utime+stime of the server process. ' +
        'Request logging off on all. "durable" = Weft\'s default journal (tmp dir, fdatasynced before each step runs; runs resume after a crash); ' +
        '"memory" = WEFT_JOURNAL=memory (journals in process memory, like the peer\'s InMemorySaver: a crash loses runs in flight and the run history).' +
        (pythonLine ? `\nPeer: ${pythonLine} (InMemorySaver per run).` : '') +
        '\n',
    );
    const view = (row: LoadRow) => {
      const total = sum(row.segments, (r) => r.requests.total);
      const seconds = sum(row.segments, (r) => r.duration);
      const weighted = (f: (r: Result) => number) =>
        sum(row.segments, (r) => f(r) * r.requests.total) / Math.max(1, total);
      return {
        rps: total / seconds,
        p50: weighted((r) => r.latency.p50),
        p99: weighted((r) => r.latency.p99),
        worstP99: Math.max(...row.segments.map((r) => r.latency.p99)),
        max: Math.max(...row.segments.map((r) => r.latency.max)),
        total,
        cpuPerRequest: row.cpuMs / total,
        non2xx: sum(row.segments, (r) => r.non2xx),
        errors: sum(row.segments, (r) => r.errors + r.timeouts),
      };
    };
    console.log(
      table(
        [
          'Server',
          'req/s',
          'p50 ms',
          'p99 ms',
          'worst segment p99 ms',
          'max ms',
          'requests',
          'server CPU ms/request',
          'non-2xx',
          'errors',
        ],
        rows.map((row) => {
          if (row.error || row.segments.length === 0)
            return [row.system, `error: ${row.error}`, '', '', '', '', '', '', '', ''];
          const v = view(row);
          return [
            row.system,
            fmt(v.rps, 0),
            fmt(v.p50, 1),
            fmt(v.p99, 1),
            fmt(v.worstP99, 1),
            fmt(v.max, 1),
            v.total,
            fmt(v.cpuPerRequest, 2),
            v.non2xx,
            v.errors,
          ];
        }),
      ),
    );
    const pyRow = rows.find((r) => r.system === PEER);
    for (const weftRow of rows.filter((r) => r.system !== PEER)) {
      if (!weftRow.segments.length || !pyRow?.segments.length) continue;
      const w = view(weftRow);
      const p = view(pyRow);
      const x = w.rps / p.rps;
      const label = weftRow.system === WEFT_MEMORY ? 'Weft memory journal' : 'Weft durable journal';
      console.log(
        `\n${label} / Python throughput: ${fmt(x, 2)}x (goal >= 5x: ${x >= 5 ? 'met' : 'NOT met'}); ` +
          `p99 ${fmt(w.p99, 1)} ms vs ${fmt(p.p99, 1)} ms (goal lower: ${w.p99 < p.p99 ? 'met' : 'NOT met'}); ` +
          `server CPU per request: Python / Weft = ${fmt(p.cpuPerRequest / w.cpuPerRequest, 2)}x.`,
      );
    }

    // SSE fan-out
    if (!flag('--skip-sse')) {
      console.log(
        `\n## SSE fan-out: ${SUBSCRIBERS} subscribers on GET /runs/{id}/events\n\n` +
          `${SSE_RUNS} runs, one after another, each: POST (Prefer: respond-async), then ${SUBSCRIBERS} subscribers at once ` +
          'until the server closes the streams. The workflow alternates 20 tool steps (a loopback HTTP endpoint answering ' +
          'in 20 ms) with 20 mock llm steps, so events keep coming for ~0.5 s. Events/s = all events received by all ' +
          'subscribers / (first POST to last stream end).\n',
      );
      try {
        const delay = await startDelayServer(20);
        stops.push(delay.close);
        const dir = path.join(work, 'sse');
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'workflow.yaml'), sseWorkflowYaml(20, delay.port));
        const weft = await startWeft(path.join(dir, 'workflow.yaml'), path.join(work, 'data-sse'));
        stops.push(weft.server.stop);
        // the served file holds one workflow; POST /workflows/{name}/run works for it too
        const { rounds, runMs, error } = await sseBench(weft.baseUrl, 'bench-sse');
        await weft.server.stop();
        if (error) throw new Error(error);
        const totalEvents = rounds.reduce((n, r) => n + r.events, 0);
        const totalSeconds = rounds.reduce((n, r) => n + r.seconds, 0);
        const per = rounds.flatMap((r) => r.perSubscriber);
        const errors = [...new Set(rounds.flatMap((r) => r.errors))];
        console.log(
          table(
            [
              'Server',
              'Runs',
              'Subscribers/run',
              'Events/subscriber (min / median / max)',
              'Events delivered',
              'Events/s delivered',
              'Median run+stream ms',
              'Errors',
            ],
            [
              [
                'Weft (`weft serve`)',
                rounds.length,
                SUBSCRIBERS,
                `${Math.min(...per)} / ${median(per)} / ${Math.max(...per)}`,
                totalEvents,
                fmt(totalEvents / totalSeconds, 0),
                fmt(median(runMs), 0),
                errors.length > 0 ? errors.join('; ') : '0',
              ],
            ],
          ),
        );
      } catch (error) {
        console.log(`SSE fan-out: error: ${oneLine(error)}`);
      }
    }
    console.log(`\nMachine at the end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
