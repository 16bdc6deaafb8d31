// Bearer API keys. Keys are compared as SHA-256 digests with crypto.timingSafeEqual, against every
// configured key (no early exit), so timing reveals neither the key nor which key matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';

export interface AuthPluginOptions {
  /** Accepted bearer tokens. Empty = authentication off (only allowed on loopback; see config.ts). */
  apiKeys: string[];
  /** Paths that never need a key (default: /health). */
  publicPaths?: readonly string[];
}

/** Paths that never need a key. */
export const PUBLIC_PATHS: readonly string[] = ['/health'];

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Pure: does `presented` match one of the key digests? Constant time in the presented value. */
export function matchesKey(presented: string, digests: Buffer[]): boolean {
  const candidate = digest(presented);
  let ok = false;
  for (const d of digests) ok = timingSafeEqual(candidate, d) || ok;
  return ok;
}

/** `Authorization: Bearer <token>` -> token (undefined when missing or another scheme). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

const authPlugin: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  if (options.apiKeys.length === 0) return;
  const digests = options.apiKeys.map(digest);
  const publicPaths = new Set(options.publicPaths ?? PUBLIC_PATHS);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (publicPaths.has(path) || request.method === 'OPTIONS') return;
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new ApiError(401, 'unauthorized', 'Send an API key: Authorization: Bearer <key>.', undefined, {
        'WWW-Authenticate': 'Bearer realm="weft"',
      });
    }
    if (!matchesKey(token, digests)) {
      throw new ApiError(401, 'unauthorized', 'The API key is not valid.', undefined, {
        'WWW-Authenticate': 'Bearer realm="weft", error="invalid_token"',
      });
    }
  });
};

export default fp(authPlugin, { name: 'weft-auth', fastify: '5.x' });
