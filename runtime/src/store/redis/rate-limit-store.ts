// Fixed-window counters in Redis, shared by every replica (see server/limiter.ts).
import type { Redis } from 'ioredis';
import type { CounterStore } from '../counter-store.js';

const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'weft:',
  ) {}

  async increment(key: string, ttlMs: number): Promise<number> {
    const result = await this.redis.eval(INCREMENT, 1, `${this.prefix}${key}`, String(Math.ceil(ttlMs)));
    return Number(result);
  }
}
