// The pure adapters from an engine's run records and journal events to what the run store keeps and
// the server streams (StoredRun, RunEvent, TraceSpan).
import type { JsonValue } from '../language/types.js';
import type { RunEvent, RunStatus, RunUsage, StoredRun, TraceSpan } from './run-store.js';

const obj = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

const EVENT_TYPES: Record<string, string> = {
  run_started: 'run.started',
  run_resumed: 'run.resumed',
  step_started: 'step.started',
  step_completed: 'step.finished',
  step_failed: 'step.finished',
  step_skipped: 'step.skipped',
  decision_made: 'decision.made',
  items_expanded: 'map.expanded',
  cancel_requested: 'run.cancelling',
  text_delta: 'model.delta',
  model_delta: 'model.delta',
  model_text_delta: 'model.delta',
  warning: 'run.warning',
};

/**
 * An engine event (journal event, or a model text delta) -> the event the server streams.
 * Returns undefined for terminal journal events: the server emits `run.finished` itself from the result.
 * Never copies `definition` (large) and never `inputs` of other events.
 */
export function toRunEvent(runId: string, raw: unknown): RunEvent | undefined {
  const e = obj(raw);
  const type = str(e.type) ?? 'unknown';
  if (type === 'run_completed' || type === 'run_failed' || type === 'run_cancelled') return undefined;
  const mapped = EVENT_TYPES[type] ?? type.replace(/_/g, '.');
  const at = str(e.at) ?? new Date().toISOString();
  const out: RunEvent = { type: mapped, runId, at };
  const step = str(e.key) ?? str(e.step) ?? str(e.stepId);
  if (step) out.step = step;
  if (type === 'step_completed') {
    out.status = 'succeeded';
    if (e.usage) out.usage = e.usage as JsonValue;
    if (Array.isArray(e.calls)) out.calls = e.calls as JsonValue;
  } else if (type === 'step_failed') {
    out.status = 'failed';
    out.attempt = num(e.attempt);
    const error = obj(e.error);
    out.error = { code: str(error.code) ?? 'step_failed', message: str(error.message) ?? '' };
  } else if (type === 'step_started') {
    out.attempt = num(e.attempt);
    if (str(e.kind)) out.kind = str(e.kind);
  } else if (type === 'step_skipped') {
    out.reason = str(e.reason) ?? '';
  } else if (type === 'decision_made') {
    out.branch = str(e.branch) ?? '';
  } else if (mapped === 'model.delta') {
    out.text = str(e.text) ?? str(e.delta) ?? '';
    if (str(e.model)) out.model = str(e.model);
  } else if (type === 'run_started') {
    out.workflow = str(e.workflow) ?? '';
  } else if (type === 'warning') {
    out.message = str(e.message) ?? '';
  } else {
    for (const [k, v] of Object.entries(e)) {
      if (k === 'type' || k === 'definition' || k === 'inputs' || k === 'seq' || k === 'at' || k === 'key')
        continue;
      if (v !== undefined) out[k] = v as JsonValue;
    }
  }
  return out;
}

function toUsage(value: unknown): RunUsage {
  const u = obj(value);
  const inputTokens = num(u.inputTokens);
  const outputTokens = num(u.outputTokens);
  return {
    inputTokens,
    outputTokens,
    totalTokens: num(u.totalTokens) || inputTokens + outputTokens,
    costUsd: num(u.costUsd),
  };
}

function toStatus(value: unknown): RunStatus {
  const s = str(value);
  if (s === 'succeeded' || s === 'failed' || s === 'cancelled' || s === 'running' || s === 'damaged')
    return s;
  if (s === 'completed' || s === 'success') return 'succeeded';
  if (s === 'canceled') return 'cancelled';
  return 'running';
}

const iso = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? new Date(value).toISOString() : undefined;

/** An engine span -> TraceSpan, tolerant of the usual field names. */
export function toTraceSpan(raw: unknown, index: number): TraceSpan {
  const s = obj(raw);
  const attributes: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(obj(s.attributes))) attributes[k] = v as JsonValue;
  for (const k of [
    'model',
    'provider',
    'inputTokens',
    'outputTokens',
    'costUsd',
    'modelName',
    'attempt',
    'error',
  ]) {
    if (s[k] !== undefined && attributes[k] === undefined) attributes[k] = s[k] as JsonValue;
  }
  const span: TraceSpan = {
    spanId: str(s.spanId) ?? str(s.id) ?? `span-${index}`,
    name: str(s.name) ?? str(s.stepId) ?? str(s.step) ?? `span ${index}`,
    kind: str(s.kind) ?? str(s.type) ?? 'step',
    startedAt: iso(s.startedAt) ?? iso(s.start) ?? iso(s.startTime) ?? new Date(0).toISOString(),
    attributes,
  };
  const traceId = str(s.traceId);
  if (traceId) span.traceId = traceId;
  const message = str(s.statusMessage);
  if (message) span.statusMessage = message;
  const parent = str(s.parentSpanId) ?? str(s.parentId) ?? str(s.parent);
  if (parent) span.parentSpanId = parent;
  const step = str(s.stepId) ?? str(s.step) ?? str(s.key);
  if (step) span.stepId = step;
  const ended = iso(s.endedAt) ?? iso(s.end) ?? iso(s.endTime);
  if (ended) span.endedAt = ended;
  const status = str(s.status);
  if (status) span.status = status;
  return span;
}

/**
 * `run.trace` = the engine's spans as TraceSpans, converted on first read (and then kept). The answer
 * to `POST /run` and the metrics never read the trace, so most finished runs never pay for it; a store
 * that serialises or copies the record (JSON.stringify, structuredClone, a spread) reads it as usual.
 */
function lazyTrace(run: StoredRun, spans: () => unknown): void {
  const keep = (value: TraceSpan[]) =>
    Object.defineProperty(run, 'trace', { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(run, 'trace', {
    enumerable: true,
    configurable: true,
    get: () => {
      const raw = spans();
      const value = Array.isArray(raw) ? raw.map(toTraceSpan) : [];
      keep(value);
      return value;
    },
    set: keep,
  });
}

/** A journal damaged at `needsAttention` -> what the server shows for it (status `damaged`). */
function damageOf(value: unknown): StoredRun['damage'] | undefined {
  const n = obj(value);
  const file = str(n.file);
  if (file === undefined || typeof n.line !== 'number') return undefined;
  return {
    file,
    line: n.line,
    reason: str(n.reason) ?? str(n.message) ?? 'the journal is corrupt',
    hint: str(n.hint) ?? 'inspect the file; see the message for what to do',
  };
}

/** An engine run record -> StoredRun (fills what is missing from `fallback`). */
export function toStoredRun(raw: unknown, fallback: Partial<StoredRun> & { runId: string }): StoredRun {
  const r = obj(raw);
  const damage = damageOf(r.needsAttention);
  const error = damage
    ? {
        code: 'journal_damaged',
        message: `${damage.file}:${damage.line}: the run's journal is corrupt (${damage.reason}); it is not resumed. To repair: ${damage.hint}`,
      }
    : obj(r.error);
  const run: StoredRun = {
    runId: str(r.runId) ?? fallback.runId,
    workflow: str(r.workflow) ?? fallback.workflow ?? '',
    status: r.status === undefined ? (fallback.status ?? 'running') : toStatus(r.status),
    inputs: (r.inputs as Record<string, JsonValue> | undefined) ?? fallback.inputs ?? {},
    usage: r.usage ? toUsage(r.usage) : (fallback.usage ?? toUsage(undefined)),
    startedAt: iso(r.startedAt) ?? fallback.startedAt ?? new Date().toISOString(),
    trace: fallback.trace ?? [],
  };
  // an engine record may build its trace on first read too (see runRecord): not read here
  if (Object.getOwnPropertyDescriptor(r, 'trace')?.get) lazyTrace(run, () => r.trace);
  else if (Array.isArray(r.trace)) lazyTrace(run, () => r.trace);
  if (r.outputs && typeof r.outputs === 'object') run.outputs = r.outputs as Record<string, JsonValue>;
  if (str(error.code) || str(error.message)) {
    run.error = { code: str(error.code) ?? 'failed', message: str(error.message) ?? '' };
    if (str(error.step)) run.error.step = str(error.step);
  }
  if (damage) {
    run.status = 'damaged';
    run.damage = damage;
  }
  const ended = iso(r.endedAt);
  if (ended) run.endedAt = ended;
  else if (run.status !== 'running' && !damage) run.endedAt = fallback.endedAt ?? new Date().toISOString();
  if (fallback.instance) run.instance = fallback.instance;
  return run;
}
