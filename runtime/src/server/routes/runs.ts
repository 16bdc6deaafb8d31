// Run routes: start (sync up to a timeout, then 202), status, record, list, cancel.
import type {} from '@fastify/swagger';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  decodeCursor,
  RUN_STATUSES,
  type RunStatus,
  type RunStore,
  type StoredRun,
} from '../../store/run-store.js';
import { TurnAdmission } from '../admission.js';
import { durationMs } from '../engine.js';
import { ApiError } from '../errors.js';
import { ref } from '../openapi/schemas.js';
import type { RunManager } from '../runs.js';
import type { LoadedWorkflow, WorkflowRegistry } from '../workflows.js';

export interface RunRoutesOptions {
  registry: WorkflowRegistry;
  runs: RunManager;
  store: RunStore;
  syncTimeoutMs: number;
}

/** Wrap a store call: an unreachable store is a 503 with a clear cause, never a hang or a 500. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(
      503,
      'store_unavailable',
      `The run store is not reachable (${(error as Error).message}); retry shortly.`,
      undefined,
      { 'Retry-After': '2' },
    );
  }
}

export function timings(run: StoredRun): { startedAt: string; endedAt?: string; durationMs?: number } {
  const out: { startedAt: string; endedAt?: string; durationMs?: number } = { startedAt: run.startedAt };
  if (run.endedAt) out.endedAt = run.endedAt;
  const ms = durationMs(run);
  if (ms !== undefined) out.durationMs = ms;
  return out;
}

/** The short view: `/status/{id}` and the sync answer of `POST /run`. */
export function statusView(run: StoredRun): Record<string, unknown> {
  const view: Record<string, unknown> = { runId: run.runId, workflow: run.workflow, status: run.status };
  if (run.outputs !== undefined) view.outputs = run.outputs;
  if (run.error) view.error = run.error;
  if (run.damage) view.damage = run.damage;
  view.usage = run.usage;
  view.timings = timings(run);
  return view;
}

/** The full view: `/runs/{id}`. */
export function runView(run: StoredRun): Record<string, unknown> {
  return { ...statusView(run), inputs: run.inputs, trace: run.trace, instance: run.instance };
}

/** Summary for lists. */
export function summaryView(run: StoredRun): Record<string, unknown> {
  const view: Record<string, unknown> = {
    runId: run.runId,
    workflow: run.workflow,
    status: run.status,
    usage: run.usage,
    timings: timings(run),
  };
  if (run.error) view.error = run.error;
  if (run.damage) view.damage = run.damage;
  return view;
}

export function prefersAsync(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(/[,;]/)
    .map((s) => s.trim().toLowerCase())
    .includes('respond-async');
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 200 } },
  required: ['id'],
} as const;

const inputsBody = {
  type: 'object',
  description: "The workflow's inputs (see GET /schema).",
  additionalProperties: true,
} as const;

const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, options) => {
  const { registry, runs, store, syncTimeoutMs } = options;
  // run starts in bounded turns of the event loop (keeps turns short: see admission.ts)
  const admission = new TurnAdmission();

  async function startRun(workflow: LoadedWorkflow, request: FastifyRequest, reply: FastifyReply) {
    const body = request.body === undefined || request.body === null ? {} : request.body;
    const checked = workflow.validate(body);
    if (!checked.ok) {
      throw new ApiError(
        400,
        'invalid_inputs',
        `The inputs do not match the inputs of workflow "${workflow.name}".`,
        {
          errors: checked.errors,
        },
      );
    }
    await admission.turn();
    // Refuse early when the store is down, rather than running work nobody can look up.
    await storeCall(() => store.ping());
    const active = runs.start(workflow.definition, checked.inputs, { workflowFile: workflow.file });
    // 202 and 200 mean the run's start is stored: a crash after the answer resumes the run
    await active.started.catch((error: Error) => {
      throw new ApiError(
        503,
        'run_not_recorded',
        `The run could not be recorded (${error.message}), so it was not started; retry shortly.`,
        undefined,
        { 'Retry-After': '2' },
      );
    });
    const accepted = () => {
      const statusUrl = `/status/${active.runId}`;
      reply.header('Location', statusUrl);
      return reply.code(202).send({
        runId: active.runId,
        workflow: workflow.name,
        status: 'running',
        statusUrl,
        runUrl: `/runs/${active.runId}`,
        eventsUrl: `/runs/${active.runId}/events`,
      });
    };
    if (prefersAsync(request.headers.prefer)) {
      reply.header('Preference-Applied', 'respond-async');
      return accepted();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), syncTimeoutMs);
    });
    // a client that goes away does not cancel the run; it just stops waiting
    const final = await Promise.race([active.done, timeout]);
    clearTimeout(timer);
    if (!final) return accepted();
    return reply.code(200).send(statusView(final));
  }

  const runSchema = (operationId: string, summary: string, params?: object) => ({
    operationId,
    summary,
    tags: ['runs'],
    ...(params ? { params } : {}),
    body: inputsBody,
    headers: {
      type: 'object',
      properties: { prefer: { type: 'string', description: '`respond-async`: answer 202 at once' } },
    },
    response: {
      200: { ...ref('RunResult'), description: 'The run finished within the sync timeout' },
      202: {
        ...ref('RunAccepted'),
        description: 'The run is started and stored; poll the Location (its statusUrl)',
        headers: {
          Location: { type: 'string', description: 'the status URL: /status/{runId}' },
          'Preference-Applied': { type: 'string', description: '`respond-async` when Prefer asked for it' },
        },
      },
    },
  });

  app.post(
    '/run',
    {
      config: { rateLimited: true, apiErrors: ['503'] },
      attachValidation: true,
      schema: runSchema('runWorkflow', 'Run the served workflow (sync up to WEFT_SYNC_TIMEOUT_MS, then 202)'),
    },
    async (request, reply) => {
      const workflow = registry.single();
      if (!workflow) {
        const names = registry.list().map((w) => w.name);
        throw new ApiError(
          names.length === 0 ? 503 : 400,
          names.length === 0 ? 'no_workflow' : 'workflow_required',
          names.length === 0
            ? 'No valid workflow is loaded; see GET / for the problems.'
            : `This server serves ${names.length} workflows; POST /workflows/{name}/run instead.`,
          { workflows: names },
        );
      }
      return startRun(workflow, request, reply);
    },
  );

  app.post<{ Params: { name: string } }>(
    '/workflows/:name/run',
    {
      config: { rateLimited: true, apiErrors: ['503'] },
      attachValidation: true,
      schema: runSchema('runNamedWorkflow', 'Run a workflow by name', {
        type: 'object',
        properties: { name: { type: 'string' } },
        required: ['name'],
      }),
    },
    async (request, reply) => {
      const workflow = registry.get(request.params.name);
      if (!workflow) {
        throw new ApiError(404, 'workflow_not_found', `No workflow named "${request.params.name}".`, {
          workflows: registry.list().map((w) => w.name),
        });
      }
      return startRun(workflow, request, reply);
    },
  );

  async function findRun(id: string): Promise<StoredRun> {
    const run = await storeCall(() => store.getRun(id));
    if (!run) throw new ApiError(404, 'run_not_found', `No run with id "${id}".`);
    return run;
  }

  app.get<{ Params: { id: string } }>(
    '/status/:id',
    {
      schema: {
        operationId: 'getRunStatus',
        summary: 'Status of a run (poll after a 202)',
        tags: ['runs'],
        params: idParams,
        response: { 200: { ...ref('RunResult'), description: 'The run in short' } },
      },
    },
    async (request) => statusView(await findRun(request.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    '/runs/:id',
    {
      schema: {
        operationId: 'getRun',
        summary: 'A run: status, outputs, error, usage, timings, trace',
        tags: ['runs'],
        params: idParams,
        response: { 200: { ...ref('RunRecord'), description: 'The run in full' } },
      },
    },
    async (request) => runView(await findRun(request.params.id)),
  );

  app.get<{ Querystring: { workflow?: string; status?: string; limit?: string; cursor?: string } }>(
    '/runs',
    {
      config: { apiErrors: ['400'] },
      schema: {
        operationId: 'listRuns',
        summary: 'List runs, newest first',
        tags: ['runs'],
        response: { 200: { ...ref('RunPage'), description: 'A page of runs' } },
        querystring: {
          type: 'object',
          properties: {
            workflow: { type: 'string' },
            status: { type: 'string', enum: [...RUN_STATUSES] },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: '1..200, default 50' },
            cursor: {
              type: 'string',
              maxLength: 400,
              description: 'nextCursor of the previous page (400 if it is not one)',
            },
          },
        },
      },
    },
    async (request) => {
      const { workflow, status, cursor } = request.query;
      const limit = Number(request.query.limit ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
        throw new ApiError(400, 'invalid_limit', `limit must be 1..200 (got ${request.query.limit}).`);
      }
      if (cursor !== undefined && !decodeCursor(cursor)) {
        throw new ApiError(
          400,
          'invalid_cursor',
          'cursor is not a cursor this server made: pass the nextCursor of the previous page (or follow its `next` link), or leave it out for the first page.',
        );
      }
      const page = await storeCall(() =>
        store.listRuns({ workflow, status: status as RunStatus | undefined, limit, cursor }),
      );
      const out: Record<string, unknown> = { runs: page.runs.map(summaryView) };
      if (page.nextCursor) {
        out.nextCursor = page.nextCursor;
        const params = new URLSearchParams();
        if (workflow) params.set('workflow', workflow);
        if (status) params.set('status', status);
        params.set('limit', String(limit));
        params.set('cursor', page.nextCursor);
        out.next = `/runs?${params.toString()}`;
      }
      return out;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/runs/:id/cancel',
    {
      config: { apiErrors: ['409'] },
      schema: {
        operationId: 'cancelRun',
        summary: 'Cancel a running run',
        tags: ['runs'],
        params: idParams,
        response: {
          202: { ...ref('CancelAccepted'), description: 'Cancellation requested; poll statusUrl' },
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const outcome = await storeCall(() => runs.cancel(id));
      if (outcome === 'not_found') throw new ApiError(404, 'run_not_found', `No run with id "${id}".`);
      const run = await findRun(id);
      if (outcome === 'finished' && run.status === 'damaged') {
        throw new ApiError(
          409,
          'run_damaged',
          `Run "${id}" is damaged: nothing runs, so there is nothing to cancel. ${run.error?.message ?? ''}`.trim(),
          { status: run.status, damage: run.damage },
        );
      }
      if (outcome === 'finished') {
        throw new ApiError(409, 'run_finished', `Run "${id}" already finished (${run.status}).`, {
          status: run.status,
        });
      }
      return reply
        .code(202)
        .send({ runId: id, status: run.status, cancel: 'requested', statusUrl: `/status/${id}` });
    },
  );
};

export default fp(runRoutes, { name: 'weft-run-routes' });
