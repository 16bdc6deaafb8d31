// ioredis connection settings shared by the run store and the rate-limit counters: reconnect
// forever with capped backoff, fail requests fast while disconnected (callers retry or report).
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectOptions {
  url: string;
  /** Key prefix for everything Weft writes (default `weft:`). */
  prefix?: string;
  /** Called on connection errors (already redacted: no password). */
  onError?: (message: string) => void;
  /** For blocking readers (XREAD BLOCK): no per-request retry limit. */
  blocking?: boolean;
}

/** redis://user:pass@host:port/db -> redis://host:port/db (for logs and error messages). */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password || u.username) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return 'redis://(unparseable url)';
  }
}

export function createRedis(options: RedisConnectOptions): Redis {
  const redisOptions: RedisOptions = {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: options.blocking ? null : 1,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    reconnectOnError: () => true,
  };
  const client = new Redis(options.url, redisOptions);
  let lastMessage = '';
  client.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; report changes only.
    const message = `redis ${redactRedisUrl(options.url)}: ${error.message}`;
    if (message !== lastMessage) options.onError?.(message);
    lastMessage = message;
  });
  client.on('ready', () => {
    lastMessage = '';
  });
  return client;
}
