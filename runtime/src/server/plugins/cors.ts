// CORS from an allowlist (WEFT_CORS_ORIGINS). `*` is only ever sent without credentials.
import cors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface CorsPluginOptions {
  /** Exact origins (`https://app.example.com`), or `*` for any origin without credentials. */
  origins: string[];
  credentials?: boolean;
}

/** Pure: is this Origin allowed? */
export function originAllowed(origin: string | undefined, origins: string[]): boolean {
  if (!origin) return false;
  return origins.includes('*') || origins.includes(origin.replace(/\/$/, ''));
}

const corsPlugin: FastifyPluginAsync<CorsPluginOptions> = async (app, options) => {
  if (options.origins.length === 0) return; // no CORS headers at all: browsers keep same-origin
  const wildcard = options.origins.includes('*');
  const credentials = Boolean(options.credentials) && !wildcard;
  await app.register(cors, {
    origin: wildcard && !credentials ? '*' : (origin, cb) => cb(null, originAllowed(origin, options.origins)),
    credentials,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID', 'Prefer'],
    exposedHeaders: ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'Location'],
    maxAge: 600,
  });
};

export default fp(corsPlugin, { name: 'weft-cors', fastify: '5.x' });
