// The API's shared JSON Schemas, registered once with fastify.addSchema: routes point at them with
// `ref('RunRecord')`, fastify validates and serializes with them, and @fastify/swagger emits each as
// `#/components/schemas/<$id>`. Open maps (inputs, outputs, attributes, details) keep
// `additionalProperties: true` so serialization never drops what the server returns.

import { RUN_STATUSES } from '../../store/run-store.js';
import { errorSchema } from '../errors.js';

export type SchemaId =
  | 'Error'
  | 'RunStatus'
  | 'RunUsage'
  | 'RunTimings'
  | 'RunError'
  | 'RunDamage'
  | 'TraceSpan'
  | 'RunResult'
  | 'RunRecord'
  | 'RunSummary'
  | 'RunPage'
  | 'RunAccepted'
  | 'CancelAccepted'
  | 'RunEvent'
  | 'WorkflowProblem'
  | 'WorkflowIo';

/** A `$ref` to a shared schema, for route schemas. */
export const ref = (id: SchemaId) => ({ $ref: `${id}#` }) as const;

const openObject = (description: string) => ({ type: 'object', description, additionalProperties: true });

const RunStatus = {
  $id: 'RunStatus',
  type: 'string',
  enum: [...RUN_STATUSES],
  description: '`damaged`: the journal of the run is corrupt (see `damage`); it neither runs nor resumes.',
};

const RunUsage = {
  $id: 'RunUsage',
  type: 'object',
  description: 'Tokens and cost of the run so far.',
  required: ['inputTokens', 'outputTokens', 'totalTokens', 'costUsd'],
  additionalProperties: false,
  properties: {
    inputTokens: { type: 'integer' },
    outputTokens: { type: 'integer' },
    totalTokens: { type: 'integer' },
    costUsd: { type: 'number' },
  },
};

const RunTimings = {
  $id: 'RunTimings',
  type: 'object',
  required: ['startedAt'],
  additionalProperties: false,
  properties: {
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'number' },
  },
};

const RunError = {
  $id: 'RunError',
  type: 'object',
  description: 'Why a run failed.',
  required: ['code', 'message'],
  additionalProperties: true,
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    step: { type: 'string', description: 'the step that failed' },
  },
};

const RunDamage = {
  $id: 'RunDamage',
  type: 'object',
  description: "Where a damaged run's journal stops being trustworthy, and how to repair it.",
  required: ['file', 'line', 'reason', 'hint'],
  additionalProperties: false,
  properties: {
    file: { type: 'string' },
    line: { type: 'integer', description: '1-based line of the first bad line' },
    reason: { type: 'string' },
    hint: { type: 'string', description: 'what to do' },
  },
};

const TraceSpan = {
  $id: 'TraceSpan',
  type: 'object',
  description: "A span of the run's trace: the run, a step, a model call, a tool call.",
  required: ['spanId', 'name', 'kind', 'startedAt', 'attributes'],
  additionalProperties: true,
  properties: {
    traceId: { type: 'string' },
    spanId: { type: 'string' },
    parentSpanId: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    stepId: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    status: { type: 'string' },
    statusMessage: { type: 'string' },
    attributes: openObject('span attributes (JSON values)'),
  },
};

const resultProperties = {
  runId: { type: 'string' },
  workflow: { type: 'string' },
  status: ref('RunStatus'),
  error: ref('RunError'),
  damage: ref('RunDamage'),
  usage: ref('RunUsage'),
  timings: ref('RunTimings'),
};

const RunResult = {
  $id: 'RunResult',
  type: 'object',
  description: 'A run in short: the answer of a run that finished in time, and of GET /status/{id}.',
  required: ['runId', 'workflow', 'status', 'usage', 'timings'],
  additionalProperties: false,
  properties: {
    ...resultProperties,
    outputs: openObject("the workflow's outputs (see GET /schema), once it succeeded"),
  },
};

const RunRecord = {
  $id: 'RunRecord',
  type: 'object',
  description: 'A run in full: its result, inputs, trace and the server instance that runs it.',
  required: ['runId', 'workflow', 'status', 'usage', 'timings', 'inputs', 'trace'],
  additionalProperties: false,
  properties: {
    ...RunResult.properties,
    inputs: openObject('the inputs the run was started with'),
    trace: { type: 'array', items: ref('TraceSpan') },
    instance: { type: 'string', description: 'the server instance that executes the run' },
  },
};

const RunSummary = {
  $id: 'RunSummary',
  type: 'object',
  description: 'A run in a list.',
  required: ['runId', 'workflow', 'status', 'usage', 'timings'],
  additionalProperties: false,
  properties: resultProperties,
};

const RunPage = {
  $id: 'RunPage',
  type: 'object',
  description: 'A page of runs, newest first; `next` links the following page.',
  required: ['runs'],
  additionalProperties: false,
  properties: {
    runs: { type: 'array', items: ref('RunSummary') },
    nextCursor: { type: 'string' },
    next: { type: 'string', description: 'URL of the next page' },
  },
};

const RunAccepted = {
  $id: 'RunAccepted',
  type: 'object',
  description:
    'The run is started and stored but not finished: poll `statusUrl` (also the Location header) or follow `eventsUrl`.',
  required: ['runId', 'workflow', 'status', 'statusUrl', 'runUrl', 'eventsUrl'],
  additionalProperties: false,
  properties: {
    runId: { type: 'string' },
    workflow: { type: 'string' },
    status: { type: 'string', enum: ['running'] },
    statusUrl: { type: 'string', description: '/status/{runId}' },
    runUrl: { type: 'string', description: '/runs/{runId}' },
    eventsUrl: { type: 'string', description: '/runs/{runId}/events' },
  },
};

const CancelAccepted = {
  $id: 'CancelAccepted',
  type: 'object',
  required: ['runId', 'status', 'cancel', 'statusUrl'],
  additionalProperties: false,
  properties: {
    runId: { type: 'string' },
    status: ref('RunStatus'),
    cancel: { type: 'string', enum: ['requested'] },
    statusUrl: { type: 'string' },
  },
};

const RunEvent = {
  $id: 'RunEvent',
  type: 'object',
  description:
    'The data of one Server-Sent Event: `type` is run.started, step.started, step.finished, model.delta, run.finished, ...',
  required: ['type', 'runId', 'at'],
  additionalProperties: true,
  properties: {
    type: { type: 'string' },
    runId: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    step: { type: 'string' },
  },
};

const WorkflowProblem = {
  $id: 'WorkflowProblem',
  type: 'object',
  description: 'A workflow file that could not be loaded, and why.',
  required: ['file', 'diagnostics'],
  additionalProperties: false,
  properties: {
    file: { type: 'string' },
    diagnostics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message', 'severity', 'line', 'column'],
        additionalProperties: false,
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          severity: { type: 'string' },
          line: { type: 'integer' },
          column: { type: 'integer' },
        },
      },
    },
  },
};

const WorkflowIo = {
  $id: 'WorkflowIo',
  type: 'object',
  description: "A workflow's inputs and outputs, as JSON Schemas.",
  required: ['name', 'inputs', 'outputs'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    inputs: openObject('JSON Schema of the inputs (the body of a run request)'),
    outputs: openObject('JSON Schema of the outputs'),
  },
};

const ErrorSchema = { $id: 'Error', ...errorSchema };

export const SHARED_SCHEMAS: Array<{ $id: string }> = [
  ErrorSchema,
  RunStatus,
  RunUsage,
  RunTimings,
  RunError,
  RunDamage,
  TraceSpan,
  RunResult,
  RunRecord,
  RunSummary,
  RunPage,
  RunAccepted,
  CancelAccepted,
  RunEvent,
  WorkflowProblem,
  WorkflowIo,
];
