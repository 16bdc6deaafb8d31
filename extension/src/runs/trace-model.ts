// Turning a run's trace spans into a tree and a waterfall (offsets and widths). Pure.
import type { TraceSpan } from '../runtime-client/client.js';

export interface SpanNode {
  span: TraceSpan;
  children: SpanNode[];
  startMs: number;
  durationMs?: number;
}

export function spanTree(spans: TraceSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) {
    const start = Date.parse(span.startedAt);
    const end = span.endedAt ? Date.parse(span.endedAt) : undefined;
    nodes.set(span.spanId, {
      span,
      children: [],
      startMs: start,
      durationMs: end !== undefined && Number.isFinite(end) ? end - start : undefined,
    });
  }
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: SpanNode[]) => {
    list.sort((a, b) => a.startMs - b.startMs);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

export interface WaterfallRow {
  spanId: string;
  depth: number;
  label: string;
  kind: string;
  status?: string;
  /** Tokens and cost, when the span used a model. */
  usage?: string;
  skipped?: boolean;
  /** Percent of the run's duration. */
  offset: number;
  width: number;
  durationMs?: number;
  detail: string;
}

export function waterfall(spans: TraceSpan[], now = Date.now()): { rows: WaterfallRow[]; totalMs: number } {
  const roots = spanTree(spans);
  if (!roots.length) return { rows: [], totalMs: 0 };
  const all = [...spans];
  const t0 = Math.min(...all.map((s) => Date.parse(s.startedAt)));
  const t1 = Math.max(...all.map((s) => (s.endedAt ? Date.parse(s.endedAt) : now)));
  const total = Math.max(1, t1 - t0);
  const rows: WaterfallRow[] = [];
  const visit = (node: SpanNode, depth: number) => {
    const end = node.durationMs !== undefined ? node.startMs + node.durationMs : now;
    const a = node.span.attributes ?? {};
    const tokens = [a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens']].filter(
      (x) => x !== undefined,
    );
    const detail = [
      a['gen_ai.request.model'] ? String(a['gen_ai.request.model']) : undefined,
      tokens.length === 2 ? `${tokens[0]} in / ${tokens[1]} out tokens` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    rows.push({
      spanId: node.span.spanId,
      depth,
      label: spanLabel(node.span),
      kind: node.span.kind,
      usage: spanUsage(node.span),
      skipped: a['weft.step.skipped'] !== undefined,
      status: node.span.status,
      offset: ((node.startMs - t0) / total) * 100,
      width: Math.max(0.5, ((end - node.startMs) / total) * 100),
      durationMs: node.durationMs,
      detail,
    });
    for (const c of node.children) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return { rows, totalMs: total };
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return 'running';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

/** A step span shows its step id, everything else its name ("chat mock-1", "workflow triage"). */
export function spanLabel(span: TraceSpan): string {
  const a = span.attributes ?? {};
  if (span.kind === 'step') return span.stepId ?? (a['weft.step.key'] as string | undefined) ?? span.name;
  return span.name;
}

/** "16 tokens (6 in / 10 out) · $0.0000" (short: "16 tokens · $0.0000") for spans that used a model. */
export function spanUsage(span: TraceSpan, short = false): string | undefined {
  const a = span.attributes ?? {};
  const input = a['gen_ai.usage.input_tokens'];
  const output = a['gen_ai.usage.output_tokens'];
  const parts: string[] = [];
  if (typeof input === 'number' && typeof output === 'number')
    parts.push(short ? `${input + output} tokens` : `${input + output} tokens (${input} in / ${output} out)`);
  if (typeof a['weft.cost_usd'] === 'number') parts.push(`$${(a['weft.cost_usd'] as number).toFixed(4)}`);
  return parts.length ? parts.join(' · ') : undefined;
}
