// OTLP/HTTP JSON export of each finished run's trace (OTEL_EXPORTER_OTLP_ENDPOINT -> POST /v1/traces).
// The spans already carry OpenTelemetry GenAI attributes (gen_ai.*) from the engine's trace.
// Export is best effort: failures are counted and logged, never fail a run.
import type { JsonValue } from '../language/types.js';
import type { StoredRun, TraceSpan } from '../store/run-store.js';
import type { RunObserver } from './runs.js';

export interface OtlpExporterOptions {
  /** Base endpoint (e.g. http://collector:4318); `/v1/traces` is appended unless already there. */
  endpoint: string;
  headers?: Record<string, string>;
  serviceName?: string;
  serviceVersion?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  onError?: (message: string) => void;
}

type AnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean };

function anyValue(value: JsonValue): AnyValue {
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (typeof value === 'string') return { stringValue: value };
  return { stringValue: JSON.stringify(value) };
}

function attributes(attrs: Record<string, JsonValue>): Array<{ key: string; value: AnyValue }> {
  return Object.entries(attrs)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([key, value]) => ({ key, value: anyValue(value) }));
}

const nanos = (iso: string | undefined): string => {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) ? `${BigInt(ms) * 1_000_000n}` : '0';
};

const hexId = (value: string | undefined, length: number, fallbackSeed: string): string => {
  if (value && new RegExp(`^[0-9a-f]{${length}}$`).test(value)) return value;
  let h = 0x811c9dc5;
  let out = '';
  const seed = value ?? fallbackSeed;
  while (out.length < length) {
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
};

/** A finished run -> an OTLP ExportTraceServiceRequest (JSON encoding). Pure. */
export function toOtlpRequest(run: StoredRun, resource: { serviceName: string; serviceVersion?: string }) {
  const traceSeed = `trace:${run.runId}`;
  const spans = run.trace.map((span: TraceSpan) => {
    const kind = span.kind === 'model_call' ? 3 : 1; // CLIENT for model calls, INTERNAL otherwise
    const out: Record<string, unknown> = {
      traceId: hexId(span.traceId, 32, traceSeed),
      spanId: hexId(span.spanId, 16, `${run.runId}:${span.spanId}`),
      name: span.name,
      kind,
      startTimeUnixNano: nanos(span.startedAt),
      endTimeUnixNano: nanos(span.endedAt ?? run.endedAt ?? span.startedAt),
      attributes: attributes({ ...span.attributes, 'weft.span.kind': span.kind }),
      status:
        span.status === 'error'
          ? { code: 2, message: span.statusMessage ?? '' }
          : span.status === 'ok'
            ? { code: 1 }
            : { code: 0 },
    };
    if (span.parentSpanId)
      out.parentSpanId = hexId(span.parentSpanId, 16, `${run.runId}:${span.parentSpanId}`);
    return out;
  });
  const resourceAttrs: Record<string, JsonValue> = { 'service.name': resource.serviceName };
  if (resource.serviceVersion) resourceAttrs['service.version'] = resource.serviceVersion;
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes(resourceAttrs) },
        scopeSpans: [{ scope: { name: 'weft', version: resource.serviceVersion ?? '' }, spans }],
      },
    ],
  };
}

export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

export class OtlpExporter implements RunObserver {
  private readonly pending = new Set<Promise<void>>();
  exported = 0;
  failed = 0;
  constructor(private readonly options: OtlpExporterOptions) {}

  runFinished(run: StoredRun): void {
    if (run.trace.length === 0) return;
    const body = JSON.stringify(
      toOtlpRequest(run, {
        serviceName: this.options.serviceName ?? 'weft',
        serviceVersion: this.options.serviceVersion,
      }),
    );
    const doFetch = this.options.fetch ?? fetch;
    const task = doFetch(tracesUrl(this.options.endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.headers ?? {}) },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`collector answered HTTP ${res.status}`);
        this.exported += 1;
      })
      .catch((error: Error) => {
        this.failed += 1;
        this.options.onError?.(`OTLP export of run ${run.runId} failed: ${error.message}`);
      });
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Wait for exports in flight. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
