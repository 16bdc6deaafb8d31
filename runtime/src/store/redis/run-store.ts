// Run records, run events and cancellation in Redis, so any replica can serve any run:
//   weft:run:<id>         JSON record            weft:runs       ZSET of "<startedAt ms, padded>:<id>" (by lex)
//   weft:events:<id>      Redis Stream per run   weft:events:*   Stream of all runs' lifecycle events
//   weft:cancel           pub/sub channel: "cancel this run" to whichever replica executes it
// Live events are read by ONE blocking XREAD loop per process (a dedicated connection), which
// multiplexes every stream that has subscribers. It resumes from the last id it delivered, so a
// Redis restart delays events but does not drop them.
import type { Redis } from 'ioredis';
import {
  decodeCursor,
  encodeCursor,
  GLOBAL_STREAM,
  matchesFilter,
  type RunEvent,
  type RunFilter,
  type RunPage,
  type RunStore,
  type StoredEvent,
  type StoredRun,
  type Unsubscribe,
} from '../run-store.js';
import { createRedis, redactRedisUrl } from './client.js';

export interface RedisRunStoreOptions {
  url: string;
  /** Key prefix (default `weft:`); tests use a unique one per test. */
  prefix?: string;
  /** How long finished runs and their events are kept (default 7 days). */
  retentionMs?: number;
  /** Entries kept in the global stream (approximate, default 10000). */
  globalMaxLen?: number;
  /** XREAD BLOCK time: the longest a newly added stream waits to join the live loop (default 200 ms). */
  blockMs?: number;
  onError?: (message: string) => void;
}

/** "1700000000000-3" -> comparable; returns <0, 0, >0. Pure. */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

export function isStreamId(id: string): boolean {
  return /^\d+-\d+$/.test(id) || /^\d+$/.test(id);
}

type Listener = (e: StoredEvent) => void;

interface Tracked {
  lastId: string;
  listeners: Set<Listener>;
}

export class RedisRunStore implements RunStore {
  readonly kind = 'redis' as const;
  readonly redis: Redis;
  private readonly reader: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly retentionMs: number;
  private readonly globalMaxLen: number;
  private readonly blockMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private readonly cancelHandlers = new Set<(runId: string) => void>();
  private closed = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: RedisRunStoreOptions) {
    this.prefix = options.prefix ?? 'weft:';
    this.retentionMs = options.retentionMs ?? 7 * 86_400_000;
    this.globalMaxLen = options.globalMaxLen ?? 10_000;
    this.blockMs = options.blockMs ?? 200;
    const onError = options.onError;
    this.redis = createRedis({ url: options.url, onError });
    this.reader = createRedis({ url: options.url, onError, blocking: true });
    this.sub = createRedis({ url: options.url, onError, blocking: true });
    this.sub.on('message', (_channel: string, message: string) => {
      for (const handler of this.cancelHandlers) handler(message);
    });
    void this.sub
      .subscribe(this.key('cancel'))
      .catch((error: Error) => onError?.(`redis subscribe: ${error.message}`));
  }

  get description(): string {
    return redactRedisUrl(this.options.url);
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private streamKey(stream: string): string {
    return this.key(`events:${stream}`);
  }

  async putRun(run: StoredRun): Promise<void> {
    const pipeline = this.redis.multi();
    pipeline.set(this.key(`run:${run.runId}`), JSON.stringify(run));
    if (run.status !== 'running') pipeline.pexpire(this.key(`run:${run.runId}`), this.retentionMs);
    pipeline.zadd(this.key('runs'), 0, indexMember(Date.parse(run.startedAt), run.runId));
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async getRun(runId: string): Promise<StoredRun | undefined> {
    const text = await this.redis.get(this.key(`run:${runId}`));
    return text ? (JSON.parse(text) as StoredRun) : undefined;
  }

  async listRuns(filter: RunFilter): Promise<RunPage> {
    const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    let max = after ? `(${indexMember(after.ms, after.runId)}` : '+';
    const out: StoredRun[] = [];
    const batch = Math.max(50, filter.limit * 2);
    for (;;) {
      const members = await this.redis.zrevrangebylex(this.key('runs'), max, '-', 'LIMIT', 0, batch);
      if (members.length === 0) return { runs: out };
      const runIds = members.map((m) => m.slice(m.indexOf(':') + 1));
      const texts = await this.redis.mget(runIds.map((id) => this.key(`run:${id}`)));
      const gone: string[] = [];
      for (let i = 0; i < members.length; i++) {
        const text = texts[i];
        if (!text) {
          gone.push(members[i] ?? '');
          continue;
        }
        const run = JSON.parse(text) as StoredRun;
        if (!matchesFilter(run, filter)) continue;
        if (out.length === filter.limit) {
          const last = out[out.length - 1];
          return last ? { runs: out, nextCursor: encodeCursor(last) } : { runs: out };
        }
        out.push(run);
      }
      if (gone.length) await this.redis.zrem(this.key('runs'), ...gone);
      if (members.length < batch) return { runs: out };
      max = `(${members[members.length - 1]}`;
    }
  }

  async appendEvent(stream: string, event: RunEvent): Promise<string> {
    const key = this.streamKey(stream);
    const data = JSON.stringify(event);
    if (stream === GLOBAL_STREAM) {
      const id = await this.redis.xadd(key, 'MAXLEN', '~', this.globalMaxLen, '*', 'e', data);
      return id ?? '';
    }
    if (event.type === 'run.finished') {
      const results = await this.redis
        .multi()
        .xadd(key, '*', 'e', data)
        .pexpire(key, this.retentionMs)
        .exec();
      const [error, id] = results?.[0] ?? [new Error('redis: empty transaction result'), null];
      if (error) throw error;
      return String(id);
    }
    const id = await this.redis.xadd(key, '*', 'e', data);
    return id ?? '';
  }

  async readEvents(stream: string, afterId?: string, limit?: number): Promise<StoredEvent[]> {
    const start = afterId && isStreamId(afterId) ? `(${afterId}` : '-';
    const key = this.streamKey(stream);
    const rows =
      limit === undefined
        ? await this.redis.xrange(key, start, '+')
        : await this.redis.xrange(key, start, '+', 'COUNT', limit);
    return rows.map(([id, fields]) => ({ id, event: parseFields(fields) }));
  }

  async latestEventId(stream: string): Promise<string | undefined> {
    const newest = await this.redis.xrevrange(this.streamKey(stream), '+', '-', 'COUNT', 1);
    return newest[0]?.[0];
  }

  async subscribe(stream: string, afterId: string | undefined, onEvent: Listener): Promise<Unsubscribe> {
    const key = this.streamKey(stream);
    let delivered = afterId && isStreamId(afterId) ? afterId : '0-0';
    let catchingUp = true;
    const buffer: StoredEvent[] = [];
    const deliver = (e: StoredEvent) => {
      if (compareStreamIds(e.id, delivered) <= 0) return;
      delivered = e.id;
      onEvent(e);
    };
    const listener: Listener = (e) => {
      if (catchingUp) buffer.push(e);
      else deliver(e);
    };
    // 1. join the live loop from the newest existing entry (so nothing after it can be missed)
    let tracked = this.tracked.get(key);
    if (!tracked) {
      const newest = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1);
      tracked = this.tracked.get(key) ?? { lastId: newest[0]?.[0] ?? '0-0', listeners: new Set() };
      this.tracked.set(key, tracked);
    }
    tracked.listeners.add(listener);
    this.ensureLoop();
    // 2. backlog up to now, then 3. whatever arrived meanwhile (dedupe by id)
    try {
      for (const e of await this.readEvents(stream, afterId)) deliver(e);
    } catch (error) {
      this.removeListener(key, listener);
      throw error;
    }
    catchingUp = false;
    for (const e of buffer.splice(0)) deliver(e);
    return () => this.removeListener(key, listener);
  }

  private removeListener(key: string, listener: Listener): void {
    const tracked = this.tracked.get(key);
    if (!tracked) return;
    tracked.listeners.delete(listener);
    if (tracked.listeners.size === 0) this.tracked.delete(key);
  }

  private ensureLoop(): void {
    this.wake?.();
    if (this.loop) return;
    this.loop = this.readLoop().finally(() => {
      this.loop = undefined;
    });
  }

  private async readLoop(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (this.tracked.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 1000).unref();
        });
        this.wake = undefined;
        continue;
      }
      const keys = [...this.tracked.keys()];
      const ids = keys.map((k) => this.tracked.get(k)?.lastId ?? '0-0');
      try {
        const result = (await this.reader.xread(
          'COUNT',
          500,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...keys,
          ...ids,
        )) as [string, [string, string[]][]][] | null;
        failures = 0;
        for (const [key, rows] of result ?? []) {
          const tracked = this.tracked.get(key);
          if (!tracked) continue;
          for (const [id, fields] of rows) {
            tracked.lastId = id;
            const e = { id, event: parseFields(fields) };
            for (const listener of [...tracked.listeners]) listener(e);
          }
        }
      } catch (error) {
        if (this.closed) return;
        failures += 1;
        if (failures === 1)
          this.options.onError?.(`redis event reader: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * failures, 1000)));
      }
    }
  }

  async requestCancel(runId: string): Promise<void> {
    await this.redis.publish(this.key('cancel'), runId);
  }

  onCancelRequest(handler: (runId: string) => void): Unsubscribe {
    this.cancelHandlers.add(handler);
    return () => this.cancelHandlers.delete(handler);
  }

  async ping(): Promise<void> {
    const ping = this.redis.ping();
    // After the timeout wins the race, the ping may still reject (connection closed): not unhandled.
    ping.catch(() => {});
    const reply = await Promise.race([
      ping,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('redis ping timed out after 1000 ms')), 1000).unref(),
      ),
    ]);
    if (reply !== 'PONG') throw new Error(`redis ping answered ${String(reply)}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.tracked.clear();
    this.reader.disconnect();
    this.sub.disconnect();
    await this.loop?.catch(() => {});
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** ZSET member that sorts by time then id (all scores 0, lexicographic order). */
function indexMember(ms: number, runId: string): string {
  return `${String(Math.max(0, ms)).padStart(15, '0')}:${runId}`;
}

function parseFields(fields: string[]): RunEvent {
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === 'e') return JSON.parse(fields[i + 1] ?? '{}') as RunEvent;
  }
  return { type: 'unknown', runId: '', at: new Date(0).toISOString() };
}
