// A run's spans as an indented tree for the terminal. Pure.
import type { Span } from '../../engines/embedded/index.js';
import { formatSeconds } from './progress.js';

function duration(span: Span): string {
  if (!span.endTime) return 'running';
  return formatSeconds(Date.parse(span.endTime) - Date.parse(span.startTime));
}

function details(span: Span): string {
  const a = span.attributes;
  const parts: string[] = [];
  const input = a['gen_ai.usage.input_tokens'];
  const output = a['gen_ai.usage.output_tokens'];
  if (typeof input === 'number' || typeof output === 'number')
    parts.push(`${input ?? 0} in / ${output ?? 0} out tokens`);
  const cost = a['weft.cost_usd'];
  if (typeof cost === 'number' && cost > 0) parts.push(`$${cost.toFixed(5)}`);
  if (span.status === 'error') parts.push(`error: ${span.statusMessage ?? 'failed'}`);
  return parts.length > 0 ? `  ${parts.join(' · ')}` : '';
}

export function renderTraceTree(spans: readonly Span[]): string[] {
  const children = new Map<string | undefined, Span[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, prefix: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((span, index) => {
      const last = index === list.length - 1;
      const branch = parent === undefined ? '' : last ? '└─ ' : '├─ ';
      const mark = span.status === 'error' ? '✗' : span.endTime ? '✓' : '…';
      lines.push(`${prefix}${branch}${mark} ${span.name}  ${duration(span)}${details(span)}`);
      walk(span.spanId, parent === undefined ? prefix : prefix + (last ? '   ' : '│  '));
    });
  };
  walk(undefined, '');
  return lines;
}
