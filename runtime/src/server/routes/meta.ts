// What the server serves: /, /health, /ready, /schema, /workflows, /metrics.
import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { workflowSchema } from '../../language/index.js';
import type { RunStore } from '../../store/run-store.js';
import { ApiError, errorBody } from '../errors.js';
import type { ServerMetrics } from '../metrics.js';
import { type WorkflowRegistry, workflowIo } from '../workflows.js';

export interface MetaRoutesOptions {
  registry: WorkflowRegistry;
  store: RunStore;
  metrics?: ServerMetrics;
  version: string;
  instanceId: string;
  /** What /ready reports the store as (e.g. `redis redis://host:6379/`), never with a password. */
  storeDescription: string;
  syncTimeoutMs: number;
}

const metaRoutes: FastifyPluginAsync<MetaRoutesOptions> = async (app, options) => {
  const { registry, store } = options;
  const tags = ['server'];

  app.get('/', { schema: { summary: 'What this server serves, with links', tags } }, async () => {
    const single = registry.single();
    return {
      name: 'weft',
      version: options.version,
      instance: options.instanceId,
      store: store.kind,
      syncTimeoutMs: options.syncTimeoutMs,
      workflows: registry.list().map((w) => ({
        name: w.name,
        description: w.definition.description,
        run: `/workflows/${encodeURIComponent(w.name)}/run`,
        schema: `/workflows/${encodeURIComponent(w.name)}/schema`,
      })),
      problems: registry.problems,
      links: {
        ...(single ? { run: '/run' } : {}),
        schema: '/schema',
        workflowSchema: '/schema/workflow.schema.json',
        runs: '/runs',
        events: '/events',
        docs: '/docs',
        openapi: '/openapi.json',
        ui: '/ui',
        health: '/health',
        ready: '/ready',
        metrics: '/metrics',
      },
    };
  });

  app.get('/health', { schema: { summary: 'Liveness: the process answers', tags } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/ready',
    { schema: { summary: 'Readiness: store reachable and a workflow loaded', tags } },
    async (_req, reply) => {
      const checks: Record<string, string> = {};
      let ok = true;
      try {
        await store.ping();
        checks.store = `ok (${options.storeDescription})`;
      } catch (error) {
        ok = false;
        checks.store = `unreachable (${options.storeDescription}): ${(error as Error).message}`;
      }
      const count = registry.list().length;
      checks.workflows = count > 0 ? `${count} loaded` : 'none loaded';
      if (count === 0) ok = false;
      if (!ok) return reply.code(503).send(errorBody('not_ready', 'The server is not ready.', { checks }));
      return { status: 'ready', checks };
    },
  );

  app.get(
    '/schema',
    { schema: { summary: 'Inputs and outputs of the served workflow(s)', tags } },
    async () => {
      const single = registry.single();
      if (single) return workflowIo(single);
      return { workflows: registry.list().map(workflowIo) };
    },
  );

  // The workflow.yaml language schema, for editors: `# yaml-language-server: $schema=<server>/schema/workflow.schema.json`.
  app.get(
    '/schema/workflow.schema.json',
    { schema: { summary: 'The workflow.yaml JSON Schema (for editors and validators)', tags } },
    async (_req, reply) => reply.type('application/schema+json').send(workflowSchema),
  );

  app.get('/workflows', { schema: { summary: 'The workflows served', tags } }, async () => ({
    workflows: registry
      .list()
      .map((w) => ({ name: w.name, description: w.definition.description, loadedAt: w.loadedAt })),
    problems: registry.problems,
  }));

  app.get<{ Params: { name: string } }>(
    '/workflows/:name/schema',
    {
      schema: {
        summary: "A workflow's inputs and outputs",
        tags,
        params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
    },
    async (request) => {
      const workflow = registry.get(request.params.name);
      if (!workflow)
        throw new ApiError(404, 'workflow_not_found', `No workflow named "${request.params.name}".`);
      return workflowIo(workflow);
    },
  );

  if (options.metrics) {
    const metrics = options.metrics;
    app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags } }, async (_req, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return metrics.render();
    });
  }
};

export default fp(metaRoutes, { name: 'weft-meta-routes' });
