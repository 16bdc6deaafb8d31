// One error shape for every response: { error: { code, message, details? } }, from the routes, from
// fastify itself (body parsing, schema validation, bad URLs, unknown routes) and from the HTTP parser
// (a malformed request never reaches fastify), documented once in the OpenAPI document.
import type { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error that maps to an HTTP status and a stable code. Never put secrets in message or details. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Fastify's own error codes -> our status + code + message. Pure. */
export function mapFrameworkError(
  error: Partial<FastifyError> & { message?: string },
  limits: { bodyLimit?: number } = {},
): {
  status: number;
  code: string;
  message: string;
} {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'payload_too_large',
        message:
          limits.bodyLimit !== undefined
            ? `The request body is larger than the limit of ${limits.bodyLimit} bytes (WEFT_BODY_LIMIT).`
            : 'The request body is larger than allowed.',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: 'Send the request body as application/json.',
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'The JSON body is empty.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        code: 'bad_request',
        message: 'The Content-Length header does not match the body.',
      };
    case 'FST_ERR_BAD_URL':
      return {
        status: 400,
        code: 'invalid_url',
        message: 'The URL is not valid: a path segment has a broken percent-encoding (%XX).',
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        code: 'uri_too_long',
        message: 'A path parameter of the URL is too long (run ids and names have at most 100 characters).',
      };
    default:
      break;
  }
  if (error.statusCode === 400 && error instanceof SyntaxError) {
    return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  }
  if (error.validation) {
    return { status: 400, code: 'invalid_request', message: error.message ?? 'Invalid request.' };
  }
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) return { status, code: 'internal', message: 'Internal server error.' };
  return { status, code: 'bad_request', message: error.message ?? 'Bad request.' };
}

/**
 * fastify's `frameworkErrors` option: errors fastify answers before any route or error handler (a bad
 * percent-encoding in the URL, a path parameter over maxParamLength).
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const mapped = mapFrameworkError(error);
  if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
  return reply.code(mapped.status).send(errorBody(mapped.code, mapped.message));
}

/** The answer to a request the HTTP parser rejected (fastify's `clientErrorHandler`). Pure. */
export function clientErrorResponse(error: { code?: string }, statusCodes: typeof STATUS_CODES): string {
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are larger than the server accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request was not received in time.']
        : [400, 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify(errorBody(code, message));
  return (
    `HTTP/1.1 ${status} ${statusCodes[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

export function clientErrorHandler(
  statusCodes: typeof STATUS_CODES,
): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error, statusCodes));
  };
}

/** Installs the error and not-found handlers on an instance (call on the root, not encapsulated). */
export function installErrorHandlers(app: FastifyInstance, limits: { bodyLimit?: number } = {}): void {
  app.setErrorHandler((error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      if (error.headers) reply.headers(error.headers);
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    const mapped = mapFrameworkError(error, limits);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(mapped.status).send(errorBody(mapped.code, mapped.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`));
  });
}

export const errorSchema = {
  type: 'object',
  description: 'Every error answer, from every route and layer: a stable code and a readable message.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'stable, snake_case (run_not_found, invalid_inputs, ...)' },
        message: { type: 'string', description: 'what is wrong and what to do' },
        details: { description: 'more, depending on the code (e.g. the input errors)' },
      },
    },
  },
} as const;

type OpenApiDoc = {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Adds the Error schema and a 4XX and 5XX answer of that shape to every operation of the document. */
export function documentErrors<T extends object>(doc: T): T {
  const d = doc as OpenApiDoc;
  d.components ??= {};
  d.components.schemas = { ...d.components.schemas, Error: errorSchema };
  const ref = { $ref: '#/components/schemas/Error' };
  for (const item of Object.values(d.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || !operation || typeof operation !== 'object') continue;
      operation.responses ??= {};
      for (const [range, description] of [
        ['4XX', 'The request is wrong: bad input, unknown id or route, not allowed, rate limited'],
        ['5XX', 'The server or a store it needs is not available'],
      ] as const) {
        operation.responses[range] ??= { description, content: { 'application/json': { schema: ref } } };
      }
    }
  }
  return doc;
}
