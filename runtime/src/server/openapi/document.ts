// The @fastify/swagger options that make /openapi.json: shared schemas named as components, and per
// operation what the plugins add to every route (security and 401 when API keys are on, 429 on
// rate-limited routes, 400 and 413 with a body, 404 with a path id) as references to
// components/responses, each with the one Error schema. Routes give their operationId and 2xx
// bodies; what only some routes answer goes in their `config.apiErrors`.
import type { SwaggerOptions } from '@fastify/swagger';
import { documentErrors } from '../errors.js';
import { type LoadedWorkflow, workflowIo } from '../workflows.js';

/** The error answers that have a shared response in the document (by status). */
export const ERROR_RESPONSES = {
  '400': {
    name: 'BadRequest',
    description:
      'The request is not valid: not JSON, inputs that do not match the workflow, a bad parameter.',
  },
  '401': {
    name: 'Unauthorized',
    description: 'No API key, or not a valid one: send `Authorization: Bearer <key>`.',
    headers: {
      'WWW-Authenticate': { description: 'Bearer realm="weft"', schema: { type: 'string' } },
    },
  },
  '404': { name: 'NotFound', description: 'No run or workflow with that id or name.' },
  '409': {
    name: 'Conflict',
    description:
      'The run is not in a state for this: finished or damaged (cancel), or the approval step is not waiting (decide).',
  },
  '413': {
    name: 'PayloadTooLarge',
    description: 'The request body is larger than the limit (WEFT_BODY_LIMIT).',
  },
  '429': {
    name: 'TooManyRequests',
    description: 'Too many runs from this address in a window; retry after Retry-After seconds.',
    headers: {
      'Retry-After': { description: 'seconds until the window resets', schema: { type: 'integer' } },
      'RateLimit-Limit': { description: 'runs allowed in the window', schema: { type: 'integer' } },
      'RateLimit-Remaining': { description: 'runs left in the window', schema: { type: 'integer' } },
      'RateLimit-Reset': { description: 'seconds until the window resets', schema: { type: 'integer' } },
    },
  },
  '503': {
    name: 'Unavailable',
    description: 'The store (or a loaded workflow) is not available; retry after Retry-After seconds.',
    headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } },
  },
} as const;

export type ApiErrorStatus = keyof typeof ERROR_RESPONSES;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error answers this route gives besides those the document derives (see openapi/document.ts). */
    apiErrors?: readonly ApiErrorStatus[];
  }
}

export interface DocumentOptions {
  version: string;
  /** API keys are on: every operation but the public paths needs the bearer scheme. */
  authenticated: boolean;
  /** Paths that never need a key (auth plugin). */
  publicPaths: readonly string[];
  /** The rate limit is on (it applies to routes with `config.rateLimited`). */
  rateLimited: boolean;
  /** Last changes to the whole document (e.g. the served workflow's inputs as the body of POST /run). */
  finish?: (doc: OpenApiDocument) => void;
}

type Operation = {
  responses?: Record<string, unknown>;
  security?: unknown;
  'x-weft-errors'?: ApiErrorStatus[];
  [key: string]: unknown;
};
export type OpenApiDocument = {
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, unknown> } & Record<
    string,
    unknown
  >;
  paths?: Record<string, Record<string, Operation>>;
  security?: unknown;
  [key: string]: unknown;
};

const ERROR_MARK = 'x-weft-errors';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Which of the shared error answers a route gives. Pure. */
export function routeErrors(
  route: {
    url: string;
    schema?: Record<string, unknown>;
    config?: { rateLimited?: boolean; apiErrors?: readonly ApiErrorStatus[] };
  },
  options: Pick<DocumentOptions, 'authenticated' | 'publicPaths' | 'rateLimited'>,
): ApiErrorStatus[] {
  const schema = route.schema ?? {};
  const out = new Set<ApiErrorStatus>(route.config?.apiErrors ?? []);
  if (schema.body) {
    out.add('400');
    out.add('413');
  }
  if (options.authenticated && !options.publicPaths.includes(route.url)) out.add('401');
  if (/[:{]/.test(route.url)) out.add('404');
  if (options.rateLimited && route.config?.rateLimited) out.add('429');
  return [...out].sort();
}

export function swaggerOptions(options: DocumentOptions): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Weft runtime',
        version: options.version,
        description: 'Run Weft workflows over HTTP.',
      },
      servers: [{ url: '/' }],
      ...(options.authenticated
        ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } }
        : {}),
    },
    // shared schemas (fastify.addSchema) become components/schemas/<$id>, not def-N
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const errors = routeErrors(
        { url, schema: schema as Record<string, unknown>, config: route.config },
        options,
      );
      const security = options.authenticated && !options.publicPaths.includes(url) ? [{ bearer: [] }] : [];
      return { schema: { ...schema, security, [ERROR_MARK]: errors } as typeof schema, url };
    },
    transformObject: (documentObject) => {
      const doc = ('openapiObject' in documentObject
        ? documentObject.openapiObject
        : documentObject.swaggerObject) as unknown as OpenApiDocument;
      addErrorResponses(doc);
      options.finish?.(doc);
      return documentErrors(doc) as never;
    },
  };
}

/** Replaces each operation's error mark with references to shared responses, and defines those (in place). */
export function addErrorResponses(doc: OpenApiDocument): void {
  const used = new Set<ApiErrorStatus>();
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const marked = operation[ERROR_MARK] ?? [];
      delete operation[ERROR_MARK];
      operation.responses ??= {};
      for (const status of marked) {
        operation.responses[status] ??= { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
        used.add(status);
      }
    }
  }
  doc.components ??= {};
  const responses: Record<string, unknown> = { ...doc.components.responses };
  for (const status of [...used].sort()) {
    const { name, ...response } = ERROR_RESPONSES[status];
    responses[name] = {
      ...response,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  if (used.size > 0) doc.components.responses = responses;
}

/**
 * One served workflow: POST /run takes exactly its inputs and, when it finishes in time, answers its
 * outputs. (@fastify/swagger builds the document once, on the first request for it.)
 */
export function documentServedWorkflow(doc: OpenApiDocument, workflow: LoadedWorkflow): void {
  const post = doc.paths?.['/run']?.post;
  if (!post) return;
  const io = workflowIo(workflow);
  post.requestBody = { required: false, content: { 'application/json': { schema: io.inputs } } };
  const ok = (post.responses?.['200'] as { content?: Record<string, { schema?: unknown }> } | undefined)
    ?.content?.['application/json'];
  if (ok?.schema) {
    ok.schema = { allOf: [ok.schema, { type: 'object', properties: { outputs: io.outputs } }] };
  }
}
