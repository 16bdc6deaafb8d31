// What the server serves: /, /health, /ready, /schema, /workflows, /metrics.
import type {} from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { workflowSchema } from '../../language/index.js';
import type { RunStore } from '../../store/run-store.js';
import { ApiError } from '../errors.js';
import type { ServerMetrics } from '../metrics.js';
import { ref } from '../openapi/schemas.js';
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

const problems = { type: 'array', items: ref('WorkflowProblem') };
const serverInfo = {
  type: 'object',
  description: 'What this server serves, with links',
  required: ['name', 'version', 'instance', 'store', 'syncTimeoutMs', 'workflows', 'problems', 'links'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    instance: { type: 'string' },
    store: { type: 'string', enum: ['embedded', 'redis'] },
    syncTimeoutMs: { type: 'integer' },
    workflows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'run', 'schema'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          run: { type: 'string' },
          schema: { type: 'string' },
        },
      },
    },
    problems,
    links: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const health = {
  type: 'object',
  description: 'The process answers',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ok'] } },
};
const ready = {
  type: 'object',
  description: 'The store is reachable and a workflow is loaded',
  required: ['status', 'checks'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ready'] },
    checks: { type: 'object', additionalProperties: { type: 'string' } },
  },
};
const schemaAnswer = {
  description: 'The served workflow, or every workflow when the server serves several',
  anyOf: [
    ref('WorkflowIo'),
    {
      type: 'object',
      required: ['workflows'],
      additionalProperties: false,
      properties: { workflows: { type: 'array', items: ref('WorkflowIo') } },
    },
  ],
};
const workflowList = {
  type: 'object',
  description: 'The workflows served, and the files that could not be loaded',
  required: ['workflows', 'problems'],
  additionalProperties: false,
  properties: {
    workflows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'loadedAt'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          loadedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    problems,
  },
};

const metaRoutes: FastifyPluginAsync<MetaRoutesOptions> = async (app, options) => {
  const { registry, store } = options;
  const tags = ['server'];

  app.get(
    '/',
    {
      schema: {
        operationId: 'getServerInfo',
        summary: 'What this server serves, with links',
        tags,
        response: { 200: serverInfo },
      },
    },
    async () => {
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
    },
  );

  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness: the process answers',
        tags,
        response: { 200: health },
      },
    },
    async () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/ready',
    {
      config: { apiErrors: ['503'] },
      schema: {
        operationId: 'getReady',
        summary: 'Readiness: store reachable and a workflow loaded',
        tags,
        response: { 200: ready },
      },
    },
    async () => {
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
      if (!ok) throw new ApiError(503, 'not_ready', 'The server is not ready.', { checks });
      return { status: 'ready', checks };
    },
  );

  app.get(
    '/schema',
    {
      schema: {
        operationId: 'getSchema',
        summary: 'Inputs and outputs of the served workflow(s)',
        tags,
        response: { 200: schemaAnswer },
      },
    },
    async () => {
      const single = registry.single();
      if (single) return workflowIo(single);
      return { workflows: registry.list().map(workflowIo) };
    },
  );

  // The workflow.yaml language schema, for editors: `# yaml-language-server: $schema=<server>/schema/workflow.schema.json`.
  app.get(
    '/schema/workflow.schema.json',
    {
      schema: {
        operationId: 'getWorkflowLanguageSchema',
        summary: 'The workflow.yaml JSON Schema (for editors and validators)',
        tags,
        response: {
          200: {
            description: 'A JSON Schema (draft 2020-12)',
            content: {
              'application/schema+json': { schema: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
    async (_req, reply) => reply.type('application/schema+json').send(workflowSchema),
  );

  app.get(
    '/workflows',
    {
      schema: {
        operationId: 'listWorkflows',
        summary: 'The workflows served',
        tags,
        response: { 200: workflowList },
      },
    },
    async () => ({
      workflows: registry
        .list()
        .map((w) => ({ name: w.name, description: w.definition.description, loadedAt: w.loadedAt })),
      problems: registry.problems,
    }),
  );

  app.get<{ Params: { name: string } }>(
    '/workflows/:name/schema',
    {
      schema: {
        operationId: 'getWorkflowSchema',
        summary: "A workflow's inputs and outputs",
        tags,
        response: { 200: { ...ref('WorkflowIo'), description: "The workflow's inputs and outputs" } },
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
    const schema = {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      tags,
      response: {
        200: {
          description: 'Prometheus text exposition format 0.0.4',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    };
    app.get('/metrics', { schema }, async (_req, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return metrics.render();
    });
  }
};

export default fp(metaRoutes, { name: 'weft-meta-routes' });
