// What each step did in one run, from the run's trace spans: status, latency, tokens, cost, and (for
// map steps) how many items. Pure; the CodeLens and the graph view show these figures.
import type { RunRecord, TraceSpan } from '../runtime-client/client.js';

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface StepFigures {
  status: StepStatus;
  /** From the first attempt's start to the last one's end (all items, for a map's template step). */
  durationMs?: number;
  tokens: number;
  costUsd: number;
  /** Attempts (or, for a map's template step, instances) the figures cover. */
  runs: number;
  /** Map steps: the items the run mapped over. */
  items?: number;
  error?: string;
  /** The span to open in the waterfall (the last attempt). */
  spanId: string;
}

/** The step id a span key names: `par.child` -> `child`; `m[2]` -> the template step of map `m`. */
export function stepIdOfKey(key: string, templates: ReadonlyMap<string, string>): string {
  const item = /^(.*)\[\d+\]$/.exec(key);
  if (item) return templates.get(stepIdOfKey(item[1]!, templates)) ?? key;
  const dot = key.lastIndexOf('.');
  return dot >= 0 ? key.slice(dot + 1) : key;
}

const RANK: Record<StepStatus, number> = { skipped: 0, succeeded: 1, cancelled: 2, running: 3, failed: 4 };

/**
 * Per step id, the figures of `run`. `templates` maps each map step's id to its template step's id
 * (an instance key `m[i]` belongs to the template step).
 */
export function stepFigures(
  run: Pick<RunRecord, 'trace' | 'status' | 'error'>,
  templates: ReadonlyMap<string, string> = new Map(),
): Map<string, StepFigures> {
  const spans = (run.trace ?? []) as TraceSpan[];
  const calls = new Map<string, { tokens: number; cost: number }>();
  for (const s of spans) {
    if (s.kind !== 'model_call' || !s.parentSpanId) continue;
    const a = s.attributes ?? {};
    const c = calls.get(s.parentSpanId) ?? { tokens: 0, cost: 0 };
    c.tokens += Number(a['gen_ai.usage.input_tokens'] ?? 0) + Number(a['gen_ai.usage.output_tokens'] ?? 0);
    c.cost += Number(a['weft.cost_usd'] ?? 0);
    calls.set(s.parentSpanId, c);
  }
  const out = new Map<string, StepFigures & { start: number; end?: number; keys: Set<string> }>();
  const latest = new Map<string, { attempt: number; status: StepStatus }>();
  const items = new Map<string, Set<string>>();
  const runEnded = run.status !== 'running';
  for (const s of spans) {
    if (s.kind !== 'step') continue;
    const a = s.attributes ?? {};
    const key = String(a['weft.step.key'] ?? s.stepId ?? s.name.replace(/^step /, ''));
    const id = stepIdOfKey(key, templates);
    const item = /^(.*)\[\d+\]$/.exec(key);
    if (item) {
      const mapId = stepIdOfKey(item[1]!, templates);
      const set = items.get(mapId) ?? new Set();
      set.add(key);
      items.set(mapId, set);
    }
    const status: StepStatus =
      a['weft.step.skipped'] !== undefined
        ? 'skipped'
        : !s.endedAt
          ? runEnded
            ? 'cancelled'
            : 'running'
          : s.status === 'error'
            ? 'failed'
            : 'succeeded';
    const attempt = Number(a['weft.step.attempt'] ?? 1);
    const prev = latest.get(key);
    if (!prev || attempt >= prev.attempt) latest.set(key, { attempt, status });
    const start = Date.parse(s.startedAt);
    const end = s.endedAt ? Date.parse(s.endedAt) : undefined;
    const c = calls.get(s.spanId);
    const f = out.get(id);
    if (!f) {
      out.set(id, {
        status,
        tokens: c?.tokens ?? 0,
        costUsd: c?.cost ?? 0,
        runs: 1,
        spanId: s.spanId,
        start,
        end,
        keys: new Set([key]),
        ...(s.status === 'error' ? { error: String(a['weft.error.code'] ?? 'failed') } : {}),
      });
      continue;
    }
    f.tokens += c?.tokens ?? 0;
    f.costUsd += c?.cost ?? 0;
    f.runs++;
    f.keys.add(key);
    f.spanId = s.spanId;
    f.start = Math.min(f.start, start);
    f.end = end === undefined || f.end === undefined ? undefined : Math.max(f.end, end);
    if (s.status === 'error') f.error = String(a['weft.error.code'] ?? 'failed');
  }
  const result = new Map<string, StepFigures>();
  for (const [id, f] of out) {
    // the step's status: the worst of its keys' latest attempts (a retried step that then succeeded is ok)
    let status: StepStatus = 'skipped';
    for (const key of f.keys) {
      const s = latest.get(key)!.status;
      if (RANK[s] > RANK[status]) status = s;
    }
    const figures: StepFigures = {
      status,
      tokens: f.tokens,
      costUsd: f.costUsd,
      runs: f.runs,
      spanId: f.spanId,
    };
    if (f.end !== undefined && Number.isFinite(f.start)) figures.durationMs = f.end - f.start;
    if (status === 'failed') figures.error = f.error ?? (run.error?.step === id ? run.error.code : 'failed');
    const n = items.get(id);
    if (n) figures.items = n.size;
    result.set(id, figures);
  }
  if (run.error?.step && result.has(run.error.step)) {
    const failed = result.get(run.error.step)!;
    if (failed.status === 'failed') failed.error = `${run.error.code}: ${run.error.message}`;
  }
  return result;
}

/** 1234 -> "1.2k"; 999 -> "999". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

const MARK: Record<StepStatus, string> = {
  succeeded: '✓',
  failed: '✗',
  running: '⟳',
  skipped: '↷',
  cancelled: '⊘',
};

/** "✓ 320 ms · 1.2k tokens · $0.0004"; "✗ 1.20 s · timeout: …"; "↷ skipped". */
export function formatFigures(f: StepFigures): string {
  if (f.status === 'skipped') return `${MARK.skipped} skipped`;
  if (f.status === 'running') return `${MARK.running} running`;
  const parts = [`${MARK[f.status]} ${formatLatency(f.durationMs)}`];
  if (f.items !== undefined) parts.push(`${f.items} item${f.items === 1 ? '' : 's'}`);
  if (f.runs > 1 && f.items === undefined) parts.push(`${f.runs} runs`);
  if (f.tokens) parts.push(`${formatTokens(f.tokens)} tokens`);
  if (f.costUsd || f.tokens) parts.push(`$${f.costUsd.toFixed(4)}`);
  if (f.status === 'failed' && f.error) parts.push(f.error);
  if (f.status === 'cancelled') parts.push('cancelled');
  return parts.join(' · ');
}
