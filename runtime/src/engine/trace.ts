// Spans derived from a run's journal: the run, each step attempt, each model call (with OpenTelemetry
// GenAI attributes). Pure; ids are deterministic, so the same journal always gives the same trace.
import { spanIdFor, traceIdFor } from './ids.js';
import type { JournalEvent, ModelCallRecord } from './journal.js';

export type SpanAttributes = Record<string, string | number | boolean>;

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'run' | 'step' | 'model_call';
  /** ISO timestamps. */
  startTime: string;
  endTime?: string;
  status: 'ok' | 'error' | 'unset';
  statusMessage?: string;
  attributes: SpanAttributes;
}

/** The key of the composite step instance that contains this one (`par.x` -> `par`, `m[2]` -> `m`). */
export function parentKey(key: string): string | undefined {
  const match = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(key);
  return match ? match[1] : undefined;
}

function stepSpanName(key: string, attempt: number): string {
  return `step:${key}#${attempt}`;
}

export function buildTrace(
  journal: readonly JournalEvent[],
  fallbackTime = '1970-01-01T00:00:00.000Z',
): Span[] {
  const started = journal.find((e) => e.type === 'run_started');
  if (!started || started.type !== 'run_started') return [];
  const { runId } = started;
  const traceId = traceIdFor(runId);
  const runSpanId = spanIdFor(runId, 'run');
  const runSpan: Span = {
    traceId,
    spanId: runSpanId,
    name: `workflow ${started.workflow}`,
    kind: 'run',
    startTime: started.at ?? fallbackTime,
    status: 'unset',
    attributes: { 'weft.run_id': runId, 'weft.workflow': started.workflow },
  };
  const spans: Span[] = [runSpan];
  const open = new Map<string, Span>();
  const lastSpanOf = new Map<string, string>();
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;

  const stepParent = (key: string) => {
    const parent = parentKey(key);
    return (parent !== undefined && lastSpanOf.get(parent)) || runSpanId;
  };
  const openStep = (key: string, attempt: number, at: string, extra: SpanAttributes = {}): Span => {
    const span: Span = {
      traceId,
      spanId: spanIdFor(runId, stepSpanName(key, attempt)),
      parentSpanId: stepParent(key),
      name: `step ${key}`,
      kind: 'step',
      startTime: at,
      status: 'unset',
      attributes: { 'weft.step.key': key, 'weft.step.attempt': attempt, ...extra },
    };
    spans.push(span);
    lastSpanOf.set(key, span.spanId);
    return span;
  };
  const addCalls = (span: Span, calls: ModelCallRecord[] | undefined) => {
    (calls ?? []).forEach((call, i) => {
      inputTokens += call.inputTokens;
      outputTokens += call.outputTokens;
      cost += call.costUsd;
      spans.push({
        traceId,
        spanId: spanIdFor(runId, `${span.name}#${span.attributes['weft.step.attempt']}:call:${i}`),
        parentSpanId: span.spanId,
        name: `chat ${call.model}`,
        kind: 'model_call',
        startTime: call.startedAt,
        endTime: call.endedAt,
        status: call.status === 'ok' ? 'ok' : 'error',
        ...(call.error ? { statusMessage: call.error } : {}),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': call.provider,
          'gen_ai.request.model': call.model,
          'gen_ai.usage.input_tokens': call.inputTokens,
          'gen_ai.usage.output_tokens': call.outputTokens,
          'weft.cost_usd': call.costUsd,
          'weft.model': call.modelName,
        },
      });
    });
  };

  for (const event of journal) {
    const at = event.at ?? fallbackTime;
    switch (event.type) {
      case 'step_started':
        open.set(
          event.key,
          openStep(event.key, event.attempt, at, event.kind ? { 'weft.step.kind': event.kind } : {}),
        );
        break;
      case 'step_completed':
      case 'step_failed': {
        const span = open.get(event.key) ?? openStep(event.key, 'attempt' in event ? event.attempt : 1, at);
        open.delete(event.key);
        span.endTime = at;
        if (event.type === 'step_completed') span.status = 'ok';
        else {
          span.status = 'error';
          span.statusMessage = event.error.message;
          span.attributes['weft.error.code'] = event.error.code;
        }
        if (event.childRunId !== undefined) span.attributes['weft.child_run_id'] = event.childRunId;
        addCalls(span, event.calls);
        break;
      }
      case 'step_skipped': {
        const span = openStep(event.key, 0, at, { 'weft.step.skipped': event.reason });
        span.endTime = at;
        span.status = 'ok';
        break;
      }
      case 'decision_made': {
        const span = openStep(event.key, 1, at, { 'weft.decision.branch': event.branch });
        span.endTime = at;
        span.status = 'ok';
        break;
      }
      case 'approval_requested':
        open.set(event.key, openStep(event.key, 1, at, { 'weft.step.kind': 'approval' }));
        break;
      case 'approval_decided': {
        const span = open.get(event.key) ?? openStep(event.key, 1, at, { 'weft.step.kind': 'approval' });
        open.delete(event.key);
        span.endTime = at;
        span.status = 'ok';
        span.attributes['weft.approval.decision'] = event.decision;
        span.attributes['weft.approval.by'] = event.by;
        span.attributes['weft.approval.at'] = event.decidedAt;
        span.attributes['weft.approval.timed_out'] = event.timedOut === true;
        if (event.comment !== undefined) span.attributes['weft.approval.comment'] = event.comment;
        break;
      }
      case 'run_completed':
      case 'run_failed':
      case 'run_cancelled':
        runSpan.endTime = at;
        runSpan.status = event.type === 'run_completed' ? 'ok' : 'error';
        if (event.type === 'run_failed') {
          runSpan.statusMessage = event.error.message;
          runSpan.attributes['weft.error.code'] = event.error.code;
        }
        if (event.type === 'run_cancelled') runSpan.statusMessage = 'cancelled';
        break;
      default:
        break;
    }
  }
  runSpan.attributes['gen_ai.usage.input_tokens'] = inputTokens;
  runSpan.attributes['gen_ai.usage.output_tokens'] = outputTokens;
  runSpan.attributes['weft.cost_usd'] = cost;
  return spans;
}

/** The run ids of the sub-workflow runs a journal's steps started (their step events name them). */
export function childRunIds(journal: readonly JournalEvent[]): string[] {
  const ids: string[] = [];
  for (const event of journal) {
    if ((event.type === 'step_completed' || event.type === 'step_failed') && event.childRunId !== undefined)
      ids.push(event.childRunId);
  }
  return ids;
}

/**
 * A trace with the traces of its sub-workflow runs nested: each child's spans move into this trace, its run span
 * under the span of the step that ran it, in place of that step's flat model-call spans (the same calls, which
 * the child's trace places under its own steps). Children not in `children` keep the flat spans.
 */
export function nestChildTraces(
  spans: readonly Span[],
  children: ReadonlyMap<string, readonly Span[]>,
): Span[] {
  const nested = new Map<string, string>();
  for (const span of spans) {
    const child = span.attributes['weft.child_run_id'];
    if (span.kind === 'step' && typeof child === 'string' && children.has(child))
      nested.set(span.spanId, child);
  }
  if (nested.size === 0) return [...spans];
  const traceId = spans[0]?.traceId ?? '';
  const out: Span[] = [];
  for (const span of spans) {
    if (span.kind === 'model_call' && span.parentSpanId !== undefined && nested.has(span.parentSpanId))
      continue;
    out.push(span);
    const child = nested.get(span.spanId);
    if (child === undefined) continue;
    for (const inner of children.get(child)!) {
      out.push({
        ...inner,
        traceId,
        ...(inner.kind === 'run' && inner.parentSpanId === undefined ? { parentSpanId: span.spanId } : {}),
      });
    }
  }
  return out;
}
