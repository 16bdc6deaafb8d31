// Server-Sent Events: one run's events (GET /runs/{id}/events) and every run's lifecycle (GET /events).
import type {} from '@fastify/swagger';
// `: connected` goes out right after the headers, `: heartbeat` every 15 s, `id:` on every event,
// and Last-Event-ID (header, or ?lastEventId=) resumes after that event. A finished run's stream
// resumed after its last event answers 204, which ends an EventSource's reconnect loop.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { GLOBAL_STREAM, type RunStore, type StoredEvent, type Unsubscribe } from '../../store/run-store.js';
import { ApiError } from '../errors.js';
import { ref } from '../openapi/schemas.js';
import { formatComment, formatRetry, formatSse, resumeId, SSE_HEADERS } from '../sse.js';
import { storeCall } from './runs.js';

export interface EventRoutesOptions {
  store: RunStore;
  heartbeatMs?: number;
  /** How long to wait for `run.finished` once the record says the run ended (default 2000 ms). */
  finishGraceMs?: number;
  /** Close a client that has this many bytes unsent (a stuck reader); default 8 MiB. */
  maxBufferedBytes?: number;
  /** Scrubs secrets from event payloads. */
  scrub?: (text: string) => string;
  /** Told the number of open streams whenever it changes. */
  onClientsChanged?: (open: number) => void;
}

/** Documents an SSE answer (the handler writes it itself): each event's `data:` is a RunEvent. */
const eventStream = (description: string) => ({
  description,
  content: {
    'text/event-stream': {
      schema: {
        type: 'string',
        description:
          'Server-Sent Events: `id:` (for Last-Event-ID), `event:` (the type) and `data:` (a JSON RunEvent)',
      },
      'x-itemSchema': ref('RunEvent'),
    },
  },
});

const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, options) => {
  const { store } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const graceMs = options.finishGraceMs ?? 2000;
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const scrub = options.scrub ?? ((t: string) => t);
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const close of [...open]) close();
  });

  function stream(
    request: FastifyRequest,
    reply: FastifyReply,
    name: string,
    after: string | undefined,
    endWhenFinished: () => Promise<boolean>,
  ) {
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    raw.writeHead(200, { ...headers, ...SSE_HEADERS });
    raw.write(formatComment('connected'));
    raw.write(formatRetry(2000));
    let closed = false;
    let unsubscribe: Unsubscribe | undefined;
    let finishTimer: NodeJS.Timeout | undefined;
    const heartbeat = setInterval(() => write(formatComment('heartbeat')), heartbeatMs);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(finishTimer);
      unsubscribe?.();
      open.delete(close);
      options.onClientsChanged?.(open.size);
      if (!raw.writableEnded) raw.end();
    };
    open.add(close);
    options.onClientsChanged?.(open.size);
    const write = (chunk: string) => {
      if (closed || raw.destroyed) return;
      raw.write(chunk);
      if (raw.writableLength > maxBuffered) {
        request.log.warn({ stream: name }, 'SSE client is not reading; closing the stream');
        raw.destroy();
      }
    };
    raw.on('close', close);
    raw.on('error', close);
    const onEvent = (e: StoredEvent) => {
      write(formatSse({ id: e.id, event: e.event.type, data: scrub(JSON.stringify(e.event)) }));
      if (e.event.type === 'run.finished' && name !== GLOBAL_STREAM) setImmediate(close);
    };
    void (async () => {
      try {
        unsubscribe = await store.subscribe(name, after, onEvent);
        if (closed) unsubscribe();
        else if (await endWhenFinished()) {
          // The record says the run ended; its run.finished event follows the record shortly.
          finishTimer = setTimeout(close, graceMs);
        }
      } catch (error) {
        write(
          formatSse({
            event: 'error',
            data: {
              code: 'store_unavailable',
              message: `The event store is not reachable: ${(error as Error).message}`,
            },
          }),
        );
        close();
      }
    })();
  }

  /** No event follows `after`, also once the run.finished that trails the record has had time to land. */
  async function nothingAfter(id: string, after: string, endedAt: string | undefined): Promise<boolean> {
    const pending = async () => (await storeCall(() => store.readEvents(id, after, 1))).length > 0;
    if (await pending()) return false;
    const wait = graceMs - (Date.now() - (endedAt ? Date.parse(endedAt) : 0));
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, graceMs)));
      if (await pending()) return false;
    }
    return true;
  }

  app.get<{ Params: { id: string }; Querystring: { lastEventId?: string } }>(
    '/runs/:id/events',
    {
      schema: {
        operationId: 'streamRunEvents',
        summary: "A run's events as Server-Sent Events (Last-Event-ID resumes)",
        tags: ['runs'],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: { type: 'object', properties: { lastEventId: { type: 'string' } } },
        response: {
          200: eventStream("The run's events; the stream ends after run.finished"),
          204: { type: 'null', description: 'Resumed after the last event of a finished run: nothing more' },
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const run = await storeCall(() => store.getRun(id));
      if (!run) throw new ApiError(404, 'run_not_found', `No run with id "${id}".`);
      const after = resumeId(request.headers['last-event-id'], request.query.lastEventId);
      if (after !== undefined && run.status !== 'running' && (await nothingAfter(id, after, run.endedAt))) {
        // A finished run's stream, resumed after its last event: 204 tells an EventSource to stop
        // reconnecting (https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model).
        return reply.code(204).send();
      }
      stream(request, reply, id, after, async () => {
        const now = await store.getRun(id).catch(() => undefined);
        return (now ?? run).status !== 'running';
      });
    },
  );

  app.get<{ Querystring: { lastEventId?: string } }>(
    '/events',
    {
      schema: {
        operationId: 'streamEvents',
        summary: 'Every run started and finished, as Server-Sent Events',
        tags: ['runs'],
        querystring: { type: 'object', properties: { lastEventId: { type: 'string' } } },
        response: { 200: eventStream('run.started and run.finished of every run, from now on (or resumed)') },
      },
    },
    async (request, reply) => {
      const after = resumeId(request.headers['last-event-id'], request.query.lastEventId);
      // a new client without a resume point only wants what happens from now on
      const start = after ?? (await storeCall(() => store.latestEventId(GLOBAL_STREAM)));
      stream(request, reply, GLOBAL_STREAM, start, async () => false);
    },
  );
};

export default fp(eventRoutes, { name: 'weft-event-routes' });
