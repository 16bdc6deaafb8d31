// The counters of fixed-window rate limiting (server/limiter.ts): in memory there, Redis in
// store/redis/rate-limit-store.ts.

/** Counter storage: increment `key` (which already names the window) and return the new count. */
export interface CounterStore {
  increment(key: string, ttlMs: number): Promise<number>;
}
