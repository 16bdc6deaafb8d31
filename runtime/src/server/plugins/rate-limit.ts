// Per-client-IP fixed-window limits on the run routes (routes opt in with `config: { rateLimited: true }`).
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { CounterStore } from '../../store/counter-store.js';
import { ApiError } from '../errors.js';
import { FixedWindowLimiter, MemoryCounterStore, type RateWindow } from '../limiter.js';

export interface RateLimitPluginOptions {
  windows: RateWindow[];
  /** Shared counters (Redis) or per process (memory, the default). */
  store?: CounterStore;
  /** Key prefix in the store. */
  prefix?: string;
  onStoreError?: (error: unknown) => void;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimited?: boolean;
  }
}

const rateLimitPlugin: FastifyPluginAsync<RateLimitPluginOptions> = async (app, options) => {
  const limiter = new FixedWindowLimiter({
    windows: options.windows,
    store: options.store ?? new MemoryCounterStore(options.now),
    prefix: options.prefix ?? 'rl',
    now: options.now,
    onStoreError: options.onStoreError,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.config.rateLimited) return;
    // request.ip honours TRUST_PROXY (X-Forwarded-For) through fastify's trustProxy option
    const decision = await limiter.hit(request.ip);
    reply.header('RateLimit-Limit', String(decision.limit));
    reply.header('RateLimit-Remaining', String(decision.remaining));
    reply.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new ApiError(
        429,
        'rate_limited',
        `Too many runs from this address: the limit is ${decision.limit} per ${decision.window.name}. Retry in ${decision.resetSeconds} s.`,
        { limit: decision.limit, window: decision.window.name, retryAfterSeconds: decision.resetSeconds },
        { 'Retry-After': String(decision.resetSeconds) },
      );
    }
  });
};

export default fp(rateLimitPlugin, { name: 'weft-rate-limit', fastify: '5.x' });
