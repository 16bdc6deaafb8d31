// A small typed client for the Weft runtime's HTTP API (see /work/shared/ARCHITECTURE.md):
// GET /health, GET /runs, GET /runs/{id}, GET /runs/{id}/events (SSE), POST /run,
// POST /runs/{id}/cancel. Node 20's fetch; no vscode import, unit-tested against node:http.
import { type SseMessage, SseParser } from './sse.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
/** Statuses that do not change by themselves (`damaged`: a corrupt journal, until a person repairs it). */
export const TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled', 'damaged']);

export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  stepId?: string;
  startedAt: string;
  endedAt?: string;
  status?: string;
  attributes: Record<string, unknown>;
}

export interface RunRecord {
  runId: string;
  workflow: string;
  status: RunStatus | string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: { code: string; message: string; step?: string };
  usage?: RunUsage;
  startedAt?: string;
  endedAt?: string;
  /** How the server reports times in its views; normalised into startedAt/endedAt. */
  timings?: { startedAt?: string; endedAt?: string; durationMs?: number };
  trace?: TraceSpan[];
  /** The run's approval steps reached so far; those without `decision` wait for one. */
  approvals?: ApprovalRecord[];
}

export interface ApprovalRecord {
  /** The step instance key (what POST /runs/{id}/approvals/{step} names). */
  step: string;
  prompt: string;
  decisions: string[];
  requestedAt?: string;
  timeoutAt?: string;
  decision?: string;
  by?: string;
  at?: string;
  comment?: string;
}

/** The approvals of a run still waiting for a decision. */
export function pendingApprovals(run: Pick<RunRecord, 'approvals' | 'status'>): ApprovalRecord[] {
  if (run.status !== 'running') return [];
  return (run.approvals ?? []).filter((a) => a.decision === undefined);
}

function normalise(run: RunRecord): RunRecord {
  if (!run || typeof run !== 'object') return run;
  return {
    ...run,
    startedAt: run.startedAt ?? run.timings?.startedAt,
    endedAt: run.endedAt ?? run.timings?.endedAt,
  };
}

export interface RunEvent {
  type: string;
  runId?: string;
  at?: string;
  step?: string;
  [key: string]: unknown;
}

export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  /** Per-request timeout for non-streaming calls. */
  timeoutMs?: number;
}

export class RuntimeClient {
  readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', ...extra };
    if (this.options.apiKey) h.Authorization = `Bearer ${this.options.apiKey}`;
    return h;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: this.headers({
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...extraHeaders,
        }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new RuntimeError(`cannot reach the Weft runtime at ${this.baseUrl} (${cause})`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const err =
        (parsed as { error?: { code?: string; message?: string } | string; message?: string }) ?? {};
      const detail = typeof err.error === 'object' ? err.error : undefined;
      const message = detail?.message ?? (typeof err.error === 'string' ? err.error : err.message) ?? text;
      throw new RuntimeError(
        `${method} ${path}: ${res.status} ${message || res.statusText}`,
        res.status,
        detail?.code,
      );
    }
    return { status: res.status, body: parsed as T };
  }

  async health(): Promise<boolean> {
    try {
      await this.request('GET', '/health', undefined, AbortSignal.timeout(2_000));
      return true;
    } catch {
      return false;
    }
  }

  async listRuns(filter: { workflow?: string; status?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const q = new URLSearchParams();
    if (filter.workflow) q.set('workflow', filter.workflow);
    if (filter.status) q.set('status', filter.status);
    q.set('limit', String(filter.limit ?? 50));
    const { body } = await this.request<RunRecord[] | { runs: RunRecord[] }>('GET', `/runs?${q}`);
    return (Array.isArray(body) ? body : (body?.runs ?? [])).map(normalise);
  }

  async getRun(runId: string): Promise<RunRecord> {
    const { body } = await this.request<RunRecord | { run: RunRecord }>(
      'GET',
      `/runs/${encodeURIComponent(runId)}`,
    );
    return normalise('run' in body && body.run ? body.run : (body as RunRecord));
  }

  /**
   * Starts a run of a served workflow: `POST /workflows/{name}/run` with the inputs as the body and
   * `Prefer: respond-async`, so the server answers `202 {runId}` at once and we follow the events.
   */
  async startRun(request: { workflow: string; inputs: Record<string, unknown> }): Promise<RunRecord> {
    const path = `/workflows/${encodeURIComponent(request.workflow)}/run`;
    const { body } = await this.request<RunRecord>('POST', path, request.inputs, undefined, {
      Prefer: 'respond-async',
    });
    if (!body?.runId) throw new RuntimeError('POST /run: the answer has no runId');
    return normalise({
      ...body,
      workflow: body.workflow ?? request.workflow,
      status: body.status ?? 'running',
    });
  }

  /** `POST /runs/{id}/approvals/{step}`: decides an approval step the run waits for. */
  async decideApproval(
    runId: string,
    step: string,
    answer: { decision: string; by?: string; comment?: string },
  ): Promise<{ decision: string; by: string; at: string }> {
    const path = `/runs/${encodeURIComponent(runId)}/approvals/${encodeURIComponent(step)}`;
    const { body } = await this.request<{ decision: string; by: string; at: string }>('POST', path, answer);
    return body;
  }

  async cancel(runId: string): Promise<void> {
    await this.request('POST', `/runs/${encodeURIComponent(runId)}/cancel`);
  }

  /**
   * Streams a run's events until the stream ends, `signal` aborts, or a terminal event arrives.
   * Resolves with the last event id (for resuming). Rejects when the stream cannot be opened.
   */
  async streamEvents(
    runId: string,
    onEvent: (event: RunEvent, message: SseMessage) => void,
    options: { signal?: AbortSignal; lastEventId?: string } = {},
  ): Promise<string | undefined> {
    const headers = this.headers({ Accept: 'text/event-stream' });
    if (options.lastEventId) headers['Last-Event-ID'] = options.lastEventId;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/runs/${encodeURIComponent(runId)}/events`, {
        headers,
        signal: options.signal,
      });
    } catch (error) {
      throw new RuntimeError(`cannot open the event stream of run ${runId}: ${(error as Error).message}`);
    }
    if (!res.ok || !res.body) throw new RuntimeError(`GET /runs/${runId}/events: ${res.status}`, res.status);
    const parser = new SseParser();
    let lastId = options.lastEventId;
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const message of parser.push(decoder.decode(value, { stream: true }))) {
          if (message.id) lastId = message.id;
          let event: RunEvent;
          try {
            event = JSON.parse(message.data) as RunEvent;
          } catch {
            continue;
          }
          if (!event.type && message.event) event.type = message.event;
          onEvent(event, message);
          if (
            event.type === 'run.finished' ||
            event.type === 'run.failed' ||
            event.type === 'run.cancelled'
          ) {
            await reader.cancel().catch(() => {});
            return lastId;
          }
        }
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
    return lastId;
  }
}
