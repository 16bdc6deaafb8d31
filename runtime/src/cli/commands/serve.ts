// weft serve [--host 127.0.0.1] [--port 8000] [--workflows PATH]: the HTTP API over one workflow
// file or a folder of them. Configuration comes from the environment (see server/config.ts);
// unsafe set-ups (exposed without API keys, production without its identity variables) refuse to start.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { FastifyInstance } from 'fastify';
import packageJson from '../../../package.json' with { type: 'json' };
import { EmbeddedEngine, type EmbeddedEngineOptions } from '../../engines/embedded/index.js';
import { TemporalServerEngine } from '../../engines/temporal/server-engine.js';
import { temporalConfig } from '../../engines/temporal/worker.js';
import { createModelClient } from '../../models/index.js';
import { buildServer } from '../../server/app.js';
import { assertSafeToStart, type CliFlags, ConfigError, loadServerConfig } from '../../server/config.js';
import { memoryJournalEngine } from '../../server/memory-journal.js';
import { OtlpExporter } from '../../server/otlp.js';
import { makeScrubber, scrubbingStream, secretValues } from '../../server/secrets.js';
import { WorkflowRegistry } from '../../server/workflows.js';
import { redactRedisUrl } from '../../store/redis/client.js';
import { RedisCounterStore } from '../../store/redis/rate-limit-store.js';
import { RedisRunStore } from '../../store/redis/run-store.js';
import type { RunStore } from '../../store/run-store.js';

export interface ServeResult {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Start the server as `weft serve` does (tests call this directly). */
export async function startServe(
  flags: CliFlags,
  env: Record<string, string | undefined> = process.env,
  logDestination: NodeJS.WritableStream = process.stdout,
): Promise<ServeResult> {
  const config = loadServerConfig(env, flags);
  assertSafeToStart(config, env);
  const secrets = secretValues(env);
  const scrub = makeScrubber(secrets);
  const logger = {
    level: config.logLevel,
    stream: scrubbingStream(logDestination, scrub),
  };

  const registry = new WorkflowRegistry({ path: resolve(config.workflowsPath) });
  const instanceId = `${hostname()}-${process.pid}`;
  let store: RunStore | undefined;
  let storeDescription = `embedded ${resolve(config.dataDir)}`;
  let counters: RedisCounterStore | undefined;
  const startupErrors: string[] = [];
  let report = (message: string) => {
    startupErrors.push(scrub(message));
  };
  if (config.redisUrl) {
    const redisStore = new RedisRunStore({
      url: config.redisUrl,
      onError: (message) => report(message),
    });
    store = redisStore;
    storeDescription = `redis ${redactRedisUrl(config.redisUrl)}`;
    counters = new RedisCounterStore(redisStore.redis);
  }
  const engineOptions: EmbeddedEngineOptions = {
    dataDir: resolve(config.dataDir),
    env,
    modelClientFactory: (spec) => createModelClient(spec, { env }),
  };
  // WEFT_ENGINE=temporal (the local stack sets it): runs go to Temporal, `weft worker`s execute them
  const temporal = env.WEFT_ENGINE === 'temporal' ? new TemporalServerEngine(temporalConfig(env)) : undefined;
  const engine =
    temporal ??
    (config.journal === 'memory'
      ? memoryJournalEngine({ ...engineOptions, maxFinishedRuns: config.memoryRuns })
      : new EmbeddedEngine(engineOptions));
  if (temporal) {
    const { address, namespace, taskQueue } = temporal.config;
    storeDescription += `; runs on Temporal ${address} (namespace ${namespace}, queue ${taskQueue})`;
  }
  if (config.journal === 'memory' && !store) {
    storeDescription = `embedded, memory journal (not durable, last ${config.memoryRuns} finished runs)`;
  }
  const observers = config.otlpEndpoint
    ? [
        new OtlpExporter({
          endpoint: config.otlpEndpoint,
          headers: config.otlpHeaders,
          serviceName: env.OTEL_SERVICE_NAME ?? 'weft',
          serviceVersion: packageJson.version,
          onError: (message) => report(message),
        }),
      ]
    : [];
  const app = await buildServer({
    registry,
    engine,
    store,
    storeDescription,
    syncTimeoutMs: config.syncTimeoutMs,
    bodyLimit: config.bodyLimit,
    maxJsonDepth: config.maxJsonDepth,
    apiKeys: config.apiKeys,
    cors: { origins: config.corsOrigins, credentials: config.corsCredentials },
    rateLimit: config.rateLimit ? { windows: config.rateLimit, store: counters } : undefined,
    trustProxy: config.trustProxy,
    logger,
    secrets,
    instanceId,
    version: packageJson.version,
    observers,
    heartbeatMs: config.heartbeatMs,
  });
  for (const message of startupErrors.splice(0)) app.log.warn(message);
  if (config.journal === 'memory') {
    app.log.warn(
      `WEFT_JOURNAL=memory: run journals are kept in memory only; a crash or restart loses the runs in flight (they are not resumed)${store ? '' : ' and every run record'}`,
    );
  }
  report = (message) => app.log.warn(scrub(message));
  for (const problem of registry.problems) app.log.warn({ problem }, 'workflow has errors');
  if (registry.list().length === 0) {
    app.log.warn(`no valid workflow found at ${config.workflowsPath}; the server starts anyway (see GET /)`);
  }
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info(
    {
      address,
      workflows: registry.list().map((w) => w.name),
      store: storeDescription,
      journal: config.journal,
      auth: config.apiKeys.length > 0 ? `${config.apiKeys.length} API key(s)` : 'off (loopback)',
      rateLimit: config.rateLimit?.map((w) => `${w.limit}/${w.name}`).join(',') ?? 'off',
      cors: config.corsOrigins.length > 0 ? config.corsOrigins : 'off',
    },
    'weft serve listening',
  );
  return {
    app,
    url: address,
    async close() {
      await app.close();
      await store?.close();
      await temporal?.close();
      await Promise.all(observers.map((o) => o.close()));
    },
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('a port is 0..65535');
  return port;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve workflows over HTTP (POST /run, GET /runs, SSE events, /docs, /ui)')
    // no commander defaults: an unset flag falls back to WEFT_HOST, PORT, WEFT_WORKFLOWS (12-factor),
    // then to 127.0.0.1, 8000, workflow.yaml (server/config.ts)
    .option(
      '--host <host>',
      'address to bind (env WEFT_HOST; default 127.0.0.1; non-loopback requires WEFT_API_KEYS)',
    )
    .option('--port <port>', 'port (env PORT; default 8000)', parsePort)
    .option(
      '--workflows <path>',
      'a workflow.yaml or a folder of workflows (env WEFT_WORKFLOWS; default workflow.yaml)',
    )
    .action(async (options: { host?: string; port?: number; workflows?: string }) => {
      let server: ServeResult;
      try {
        server = await startServe({ host: options.host, port: options.port, workflows: options.workflows });
      } catch (error) {
        if (error instanceof ConfigError || (error as Error).message.startsWith('workflows path not found')) {
          console.error(`weft serve: ${(error as Error).message}`);
          process.exit(2);
        }
        throw error;
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(130);
        stopping = true;
        server.app.log.info(
          `${signal}: stopping (runs in flight keep their journal and resume on next start)`,
        );
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
