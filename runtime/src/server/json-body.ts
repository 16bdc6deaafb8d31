// Request bodies: how deep JSON may nest, checked on the raw text before it is parsed, so that no later
// recursive step (input validation, secret scrubbing, cloning) can overflow the stack on a deep body.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

/** Default for WEFT_MAX_JSON_DEPTH: far beyond any real workflow input, far below a stack overflow. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * How deep the JSON text nests objects and arrays, counting only brackets outside strings; stops
 * counting (returns a number above `limit`) as soon as `limit` is passed. Linear, no recursion.
 * Malformed text gets some number: JSON.parse reports it afterwards.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

export function tooDeep(limit: number): ApiError {
  return new ApiError(
    400,
    'body_too_deep',
    `The JSON body nests objects and arrays more than ${limit} levels deep (the limit, WEFT_MAX_JSON_DEPTH); send flatter inputs.`,
    { limit },
  );
}

/**
 * Replaces the application/json parser by fastify's own (the same errors, prototype-poisoning
 * checks and body limit) behind a nesting check on the raw text.
 */
export function installJsonBodyParser(app: FastifyInstance, maxDepth = DEFAULT_MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text, maxDepth) > maxDepth) {
      done(tooDeep(maxDepth), undefined);
      return;
    }
    parse(request, text, done);
  });
}
