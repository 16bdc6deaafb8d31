// buildServer(options): the Weft HTTP API as a fastify instance. Pure wiring: every concern is a
// plugin with typed options (auth, CORS, rate limit, routes, docs, metrics, UI); nothing here reads
// the environment (see config.ts and cli/commands/serve.ts for that).
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CounterStore } from '../store/counter-store.js';
import { type EmbeddedRunSource, EmbeddedRunStore } from '../store/embedded-run-store.js';
import type { RunStore } from '../store/run-store.js';
import type { ServerEngine } from './engine.js';
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from './errors.js';
import { DEFAULT_MAX_JSON_DEPTH, installJsonBodyParser } from './json-body.js';
import type { RateWindow } from './limiter.js';
import { ServerMetrics } from './metrics.js';
import { documentServedWorkflow, swaggerOptions } from './openapi/document.js';
import { SHARED_SCHEMAS } from './openapi/schemas.js';
import authPlugin, { PUBLIC_PATHS } from './plugins/auth.js';
import corsPlugin from './plugins/cors.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import eventRoutes from './routes/events.js';
import metaRoutes from './routes/meta.js';
import runRoutes from './routes/runs.js';
import uiRoutes from './routes/ui.js';
import { RunManager, type RunObserver } from './runs.js';
import { makeScrubber, scrubValue } from './secrets.js';
import type { WorkflowRegistry } from './workflows.js';

export interface BuildServerOptions {
  registry: WorkflowRegistry;
  engine: ServerEngine;
  /**
   * Default: the embedded store over the engine's journals (durable; needs the embedded engine).
   * Pass a RedisRunStore to share runs between replicas.
   */
  store?: RunStore;
  /** Wait this long for a run before answering 202 (default 30000). */
  syncTimeoutMs?: number;
  /** Largest request body in bytes (default 1 MiB) -> 413. */
  bodyLimit?: number;
  /** Deepest nesting of objects and arrays in a JSON body (default 64) -> 400 body_too_deep. */
  maxJsonDepth?: number;
  /** Bearer keys; empty or undefined = no authentication (loopback only; config.ts enforces that). */
  apiKeys?: string[];
  cors?: { origins: string[]; credentials?: boolean };
  rateLimit?: { windows: RateWindow[]; store?: CounterStore; onStoreError?: (error: unknown) => void };
  /** fastify trustProxy: true, a hop count, or addresses/CIDRs whose X-Forwarded-For is believed. */
  trustProxy?: boolean | string | number;
  /** fastify logger options (or false). Authorization headers are always redacted. */
  logger?: FastifyServerOptions['logger'];
  /** Secret values to scrub from every response and event (see secrets.ts). */
  secrets?: string[];
  instanceId?: string;
  version?: string;
  heartbeatMs?: number;
  /** Extra run observers (e.g. the OTLP exporter). Metrics are always on. */
  observers?: RunObserver[];
  /** Describes the store in /ready (never with credentials). */
  storeDescription?: string;
  /** Resume runs the engine left incomplete when the server starts listening (default true). */
  resumeIncomplete?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    weft: { runs: RunManager; store: RunStore; metrics: ServerMetrics; instanceId: string };
  }
}

export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const store = options.store ?? defaultStore(options.engine);
  const instanceId = options.instanceId ?? randomUUID().slice(0, 8);
  const syncTimeoutMs = options.syncTimeoutMs ?? 30_000;
  const scrub = makeScrubber(options.secrets ?? []);
  let requestCount = 0;
  const metrics = new ServerMetrics();
  const loggerOption =
    options.logger === undefined || options.logger === false
      ? false
      : options.logger === true
        ? { redact: REDACT }
        : { ...(options.logger as object), redact: REDACT };
  const bodyLimit = options.bodyLimit ?? 1_048_576;
  const fastifyOptions: FastifyServerOptions = {
    logger: loggerOption as FastifyServerOptions['logger'],
    bodyLimit,
    frameworkErrors,
    clientErrorHandler: clientErrorHandler(STATUS_CODES),
    trustProxy: options.trustProxy as FastifyServerOptions['trustProxy'],
    // unique within this process and, with the instance id, across replicas; cheaper than a UUID each
    genReqId: () => `${instanceId}-${(++requestCount).toString(36)}`,
    forceCloseConnections: true,
    return503OnClosing: true,
  };
  const app: FastifyInstance = Fastify(fastifyOptions);
  // JSON only: drop the text/plain parser so anything but application/json is a 415
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app, options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH);
  installErrorHandlers(app, { bodyLimit });

  const runs = new RunManager({
    engine: options.engine,
    store,
    instanceId,
    log: app.log,
    observers: [metrics, ...(options.observers ?? [])],
    scrub: options.secrets?.length ? (value) => scrubValue(value, scrub) : undefined,
  });
  app.decorate('weft', { runs, store, metrics, instanceId });

  // secrets never leave in a response body
  if (options.secrets?.length) {
    app.addHook('onSend', async (_request, _reply, payload) =>
      typeof payload === 'string' ? scrub(payload) : payload,
    );
  }
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
    if (reply.statusCode === 429) metrics.rateLimited.inc();
    done();
  });

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await app.register(
    swagger,
    swaggerOptions({
      version: options.version ?? '0.0.0',
      authenticated: (options.apiKeys?.length ?? 0) > 0,
      publicPaths: PUBLIC_PATHS,
      rateLimited: options.rateLimit !== undefined,
      finish: (doc) => {
        const single = options.registry.single();
        if (single) documentServedWorkflow(doc, single);
      },
    }),
  );
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(corsPlugin, {
    origins: options.cors?.origins ?? [],
    credentials: options.cors?.credentials,
  });
  await app.register(authPlugin, { apiKeys: options.apiKeys ?? [], publicPaths: PUBLIC_PATHS });
  if (options.rateLimit) {
    await app.register(rateLimitPlugin, {
      windows: options.rateLimit.windows,
      store: options.rateLimit.store,
      onStoreError:
        options.rateLimit.onStoreError ??
        ((error) =>
          app.log.warn({ err: (error as Error).message }, 'rate-limit store failed; limiting per process')),
    });
  }
  await app.register(runRoutes, { registry: options.registry, runs, store, syncTimeoutMs });
  metrics.sseClients.set({}, 0);
  await app.register(eventRoutes, {
    store,
    heartbeatMs: options.heartbeatMs,
    scrub,
    onClientsChanged: (open) => metrics.sseClients.set({}, open),
  });
  await app.register(metaRoutes, {
    registry: options.registry,
    store,
    metrics,
    version: options.version ?? '0.0.0',
    instanceId,
    storeDescription:
      options.storeDescription ??
      (store.kind === 'embedded' && 'dataDir' in options.engine
        ? `embedded ${String(options.engine.dataDir)}`
        : store.kind),
    syncTimeoutMs,
  });
  await app.register(uiRoutes, {});
  if (!options.store) app.addHook('onClose', async () => store.close());

  if (options.resumeIncomplete !== false) {
    app.addHook('onReady', async () => {
      const resumed = await runs.resumeIncomplete();
      if (resumed.length > 0) app.log.info({ runs: resumed }, `resumed ${resumed.length} incomplete run(s)`);
    });
  }
  app.addHook('onClose', async () => {
    await runs.close();
    options.registry.close();
  });
  return app;
}

function defaultStore(engine: BuildServerOptions['engine']): RunStore {
  const source = engine as Partial<EmbeddedRunSource>;
  if (typeof source.getRun !== 'function' || !source.store || typeof source.store.list !== 'function') {
    throw new Error(
      'buildServer: without a store option the engine must be the embedded engine (its journals are the run store); pass store: a RedisRunStore otherwise',
    );
  }
  return new EmbeddedRunStore(source as EmbeddedRunSource);
}

const REDACT = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-api-key"]',
    'headers.authorization',
    'request.headers.authorization',
  ],
  censor: '[redacted]',
};
