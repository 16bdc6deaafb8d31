// Shared machinery of the fake provider servers (fake-openai.ts, fake-anthropic.ts, fake-gemini.ts):
// a real node:http server on 127.0.0.1 (random port) that answers each request with the next step
// of a script, rendered in the provider's wire format by a Renderer.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake server received it; `body` is parsed JSON (or the raw text if not JSON). */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary request fields
  body: any;
}

export interface FakeToolCall {
  /** Defaults to `call_<n>`. */
  id?: string;
  name: string;
  args: Record<string, unknown>;
  /** Gemini only: the part's `thoughtSignature`. */
  thoughtSignature?: string;
}

/** A successful model answer, streamed (SSE) when the request asked for a stream. */
export interface FakeReply {
  text?: string;
  /** Stream the text in exactly these pieces (default: word by word). Joined, they are the text. */
  chunks?: string[];
  toolCalls?: FakeToolCall[];
  /** Default { inputTokens: 10, outputTokens: 5 }. */
  usage?: { inputTokens: number; outputTokens: number };
  /** Wire-level finish reason; default depends on the provider and on whether there are tool calls. */
  finishReason?: string;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
}

/** An HTTP error answer. `body` defaults to the provider's error envelope around a message. */
export interface FakeError {
  status: number;
  message?: string;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type FakeStep = FakeReply | FakeError;

/**
 * Either a list consumed one step per request (after the last step every request gets
 * `{ text: 'ok' }`), or a function called with each request and its 0-based index.
 */
export type FakeScript = FakeStep[] | ((request: RecordedRequest, index: number) => FakeStep);

export interface FakeServer {
  /** Base URL to pass as the model's baseUrl, e.g. `http://127.0.0.1:43210/v1`. */
  url: string;
  /** Every request received, in order (including those answered with errors). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface Renderer {
  isStream(request: RecordedRequest): boolean;
  /** JSON body of a non-streaming answer. */
  json(reply: FakeReply, request: RecordedRequest): unknown;
  /** SSE frames of a streaming answer, each a complete `event:`/`data:` block without the blank line. */
  sse(reply: FakeReply, request: RecordedRequest): string[];
  errorBody(error: FakeError): unknown;
}

export function isError(step: FakeStep): step is FakeError {
  return typeof (step as FakeError).status === 'number';
}

export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function replyChunks(reply: FakeReply): string[] {
  return reply.chunks ?? splitWords(reply.text ?? '');
}

export function replyUsage(reply: FakeReply): { inputTokens: number; outputTokens: number } {
  return reply.usage ?? { inputTokens: 10, outputTokens: 5 };
}

/** The reply's finishReason, else `withTools` when it has tool calls, else `otherwise`. */
export function replyFinish(reply: FakeReply, withTools: string, otherwise: string): string {
  return reply.finishReason ?? (reply.toolCalls && reply.toolCalls.length > 0 ? withTools : otherwise);
}

/** The `model` field of the request body, or `'fake'`. */
export function requestModel(request: RecordedRequest): string {
  return typeof request.body?.model === 'string' ? request.body.model : 'fake';
}

/** One SSE `data:` frame (without the blank line) carrying `data` as JSON. */
export function dataFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}`;
}

export async function startFakeServer(options: {
  script?: FakeScript;
  basePath: string;
  renderer: Renderer;
}): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const script = options.script ?? [];
  let index = 0;

  const nextStep = (request: RecordedRequest): FakeStep => {
    const i = index++;
    if (typeof script === 'function') return script(request, i);
    return script[i] ?? { text: 'ok' };
  };

  const respond = (res: ServerResponse, step: FakeStep, request: RecordedRequest) => {
    if (res.destroyed || res.writableEnded) return;
    if (isError(step)) {
      const body = step.body ?? options.renderer.errorBody(step);
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(text);
      return;
    }
    if (options.renderer.isStream(request)) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const frame of options.renderer.sse(step, request)) res.write(`${frame}\n\n`);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(options.renderer.json(step, request)));
  };

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw.length > 0 ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw text
      }
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
      };
      requests.push(request);
      const step = nextStep(request);
      if (step.delayMs && step.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond(res, step, request);
        }, step.delayMs);
        timers.add(timer);
      } else {
        respond(res, step, request);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.basePath}`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
