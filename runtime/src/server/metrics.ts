// Prometheus text exposition (format 0.0.4) without a dependency: counters, a gauge, histograms.
// Fed by the run manager (RunObserver) and an onResponse hook.

import type { RunEvent, StoredRun } from '../store/run-store.js';
import type { RunObserver } from './runs.js';

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

/**
 * A series key from the label values in the metric's declared label order: no sorting or JSON per
 * update (this runs several times per request). Labels a metric does not declare are not part of it.
 */
function keyOf(names: readonly string[], labels: Labels): string {
  if (names.length === 0) return '';
  if (names.length === 1) return labels[names[0]!] ?? '';
  let key = labels[names[0]!] ?? '';
  for (let i = 1; i < names.length; i++) key += `\u0001${labels[names[i]!] ?? ''}`;
  return key;
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
    readonly type: 'counter' | 'gauge' = 'counter',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(this.labelNames, labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  set(labels: Labels, value: number): void {
    const key = keyOf(this.labelNames, labels);
    const entry = this.values.get(key);
    if (entry) entry.value = value;
    else this.values.set(key, { labels, value });
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n`;
    // An unlabelled series exists from the start, at 0 (Prometheus: missing is not zero for rate()).
    if (this.labelNames.length === 0 && this.values.size === 0) return `${out}${this.name} 0\n`;
    for (const { labels, value } of this.values.values())
      out += `${this.name}${labelText(labels)} ${value}\n`;
    return out;
  }
}

class Histogram {
  /** counts[i]: observations in bucket i only (le buckets[i], above buckets[i-1]); cumulated in render(). */
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
    readonly labelNames: readonly string[],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = keyOf(this.labelNames, labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const buckets = this.buckets;
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i++;
    if (i < buckets.length) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i] ?? 0;
        out += `${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${s.sum}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class ServerMetrics implements RunObserver {
  readonly runsStarted = new Counter('weft_runs_started_total', 'Runs started by this instance.', [
    'workflow',
  ]);
  readonly runsFinished = new Counter(
    'weft_runs_finished_total',
    'Runs finished on this instance, by status.',
    ['workflow', 'status'],
  );
  readonly runsActive = new Counter('weft_runs_active', 'Runs executing on this instance now.', [], 'gauge');
  readonly runDuration = new Histogram('weft_run_duration_seconds', 'Run wall time.', SECONDS, [
    'workflow',
    'status',
  ]);
  readonly stepDuration = new Histogram(
    'weft_step_duration_seconds',
    'Step latency, by workflow, step and status.',
    SECONDS,
    ['workflow', 'step', 'status'],
  );
  readonly tokens = new Counter('weft_tokens_total', 'Model tokens used by finished runs.', [
    'workflow',
    'direction',
  ]);
  readonly cost = new Counter('weft_cost_usd_total', 'Model cost of finished runs in USD.', ['workflow']);
  readonly requests = new Counter('weft_http_requests_total', 'HTTP requests, by method, route and status.', [
    'method',
    'route',
    'status',
  ]);
  readonly sseClients = new Counter('weft_sse_clients', 'Open Server-Sent Events streams.', [], 'gauge');
  readonly rateLimited = new Counter('weft_rate_limited_total', 'Requests refused by the rate limiter.');
  /** Per run in flight: its workflow and the start time (ms) of each step running now. */
  private readonly inFlight = new Map<string, { workflow: string; steps: Map<string, number> }>();
  private active = 0;

  runStarted(run: StoredRun): void {
    this.inFlight.set(run.runId, { workflow: run.workflow, steps: new Map() });
    this.runsStarted.inc({ workflow: run.workflow });
    this.active += 1;
    this.runsActive.set({}, this.active);
  }

  event(event: RunEvent): void {
    const type = event.type;
    if ((type !== 'step.started' && type !== 'step.finished') || !event.step) return;
    const run = this.inFlight.get(event.runId);
    if (!run) return;
    if (type === 'step.started') {
      run.steps.set(event.step, Date.parse(event.at));
      return;
    }
    const started = run.steps.get(event.step);
    if (started === undefined) return;
    run.steps.delete(event.step);
    this.stepDuration.observe(
      {
        workflow: run.workflow,
        step: event.step.includes('[') ? event.step.replace(/\[\d+\]/g, '[]') : event.step,
        status: String(event.status ?? ''),
      },
      Math.max(0, (Date.parse(event.at) - started) / 1000),
    );
  }

  runFinished(run: StoredRun): void {
    this.inFlight.delete(run.runId);
    this.active = Math.max(0, this.active - 1);
    this.runsActive.set({}, this.active);
    this.runsFinished.inc({ workflow: run.workflow, status: run.status });
    if (run.endedAt) {
      this.runDuration.observe(
        { workflow: run.workflow, status: run.status },
        Math.max(0, (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000),
      );
    }
    this.tokens.inc({ workflow: run.workflow, direction: 'input' }, run.usage.inputTokens);
    this.tokens.inc({ workflow: run.workflow, direction: 'output' }, run.usage.outputTokens);
    this.cost.inc({ workflow: run.workflow }, run.usage.costUsd);
  }

  render(): string {
    return [
      this.runsStarted,
      this.runsFinished,
      this.runsActive,
      this.runDuration,
      this.stepDuration,
      this.tokens,
      this.cost,
      this.requests,
      this.rateLimited,
      this.sseClients,
    ]
      .map((m) => m.render())
      .join('');
  }
}
