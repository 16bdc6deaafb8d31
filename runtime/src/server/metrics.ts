// Prometheus text exposition (format 0.0.4) without a dependency: counters, a gauge, histograms.
// Fed by the run manager (RunObserver) and an onResponse hook.

import type { RunEvent, StoredRun } from './run-store.js';
import type { RunObserver } from './runs.js';

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' = 'counter',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }
  set(labels: Labels, value: number): void {
    this.values.set(keyOf(labels), { labels, value });
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n`;
    for (const { labels, value } of this.values.values())
      out += `${this.name}${labelText(labels)} ${value}\n`;
    return out;
  }
}

class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    const s = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += value;
    s.count += 1;
    this.series.set(key, s);
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => {
        out += `${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i] ?? 0}\n`;
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
  readonly runsStarted = new Counter('weft_runs_started_total', 'Runs started by this instance.');
  readonly runsFinished = new Counter(
    'weft_runs_finished_total',
    'Runs finished on this instance, by status.',
  );
  readonly runsActive = new Counter('weft_runs_active', 'Runs executing on this instance now.', 'gauge');
  readonly runDuration = new Histogram('weft_run_duration_seconds', 'Run wall time.', SECONDS);
  readonly stepDuration = new Histogram(
    'weft_step_duration_seconds',
    'Step latency, by workflow, step and status.',
    SECONDS,
  );
  readonly tokens = new Counter('weft_tokens_total', 'Model tokens used by finished runs.');
  readonly cost = new Counter('weft_cost_usd_total', 'Model cost of finished runs in USD.');
  readonly requests = new Counter('weft_http_requests_total', 'HTTP requests, by method, route and status.');
  readonly sseClients = new Counter('weft_sse_clients', 'Open Server-Sent Events streams.', 'gauge');
  readonly rateLimited = new Counter('weft_rate_limited_total', 'Requests refused by the rate limiter.');
  private readonly workflows = new Map<string, string>();
  private readonly stepStarts = new Map<string, number>();
  private active = 0;

  runStarted(run: StoredRun): void {
    this.workflows.set(run.runId, run.workflow);
    this.runsStarted.inc({ workflow: run.workflow });
    this.active += 1;
    this.runsActive.set({}, this.active);
  }

  event(event: RunEvent): void {
    const key = `${event.runId}\u0000${event.step ?? ''}`;
    if (event.type === 'step.started' && event.step) this.stepStarts.set(key, Date.parse(event.at));
    if (event.type === 'step.finished' && event.step) {
      const started = this.stepStarts.get(key);
      this.stepStarts.delete(key);
      if (started !== undefined) {
        this.stepDuration.observe(
          {
            workflow: this.workflows.get(event.runId) ?? '',
            step: event.step.replace(/\[\d+\]/g, '[]'),
            status: String(event.status ?? ''),
          },
          Math.max(0, (Date.parse(event.at) - started) / 1000),
        );
      }
    }
  }

  runFinished(run: StoredRun): void {
    this.workflows.delete(run.runId);
    for (const k of this.stepStarts.keys()) if (k.startsWith(`${run.runId}\u0000`)) this.stepStarts.delete(k);
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
