// Fixed-window rate limiting: pure window logic plus the counters it keeps (store/counter-store.ts:
// memory here, Redis in store/redis/rate-limit-store.ts).
import type { CounterStore } from '../store/counter-store.js';

export interface RateWindow {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** As written: "minute", "day", ... (used in keys and messages). */
  name: string;
}

const UNITS: Record<string, number> = {
  second: 1000,
  sec: 1000,
  s: 1000,
  minute: 60_000,
  min: 60_000,
  m: 60_000,
  hour: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  d: 86_400_000,
};

/** Parses `10/minute,50/day` (also `5/10s`, `100/hour`). Throws a clear error on bad input. */
export function parseRateLimit(spec: string): RateWindow[] {
  const windows: RateWindow[] = [];
  for (const part of spec.split(',')) {
    const text = part.trim();
    if (text === '') continue;
    const m = /^(\d+)\s*\/\s*(\d+)?\s*([a-z]+)$/i.exec(text);
    const unit = m?.[3]?.toLowerCase().replace(/s$/, '') ?? '';
    const unitMs = UNITS[unit] ?? UNITS[`${unit}s`];
    if (!m?.[1] || unitMs === undefined) {
      throw new Error(
        `invalid rate limit "${text}": write COUNT/UNIT, e.g. 10/minute,50/day (units: second, minute, hour, day)`,
      );
    }
    const multiple = m[2] ? Number(m[2]) : 1;
    const limit = Number(m[1]);
    if (limit < 1 || multiple < 1) throw new Error(`invalid rate limit "${text}": numbers must be >= 1`);
    windows.push({ limit, windowMs: unitMs * multiple, name: text.slice(text.indexOf('/') + 1).trim() });
  }
  if (windows.length === 0) throw new Error('invalid rate limit: empty');
  return windows;
}

/** The window a timestamp falls in, and when that window ends. Pure. */
export function windowAt(nowMs: number, windowMs: number): { index: number; resetAtMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, resetAtMs: (index + 1) * windowMs };
}

export class MemoryCounterStore implements CounterStore {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async increment(key: string, ttlMs: number): Promise<number> {
    const now = this.now();
    if (this.counts.size > 10_000) this.sweep(now);
    const entry = this.counts.get(key);
    if (!entry || entry.expiresAt <= now) {
      this.counts.set(key, { count: 1, expiresAt: now + ttlMs });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.counts) if (entry.expiresAt <= now) this.counts.delete(key);
  }
}

export interface LimitDecision {
  allowed: boolean;
  /** The most constraining window (the one that denied, else the one with fewest left). */
  window: RateWindow;
  limit: number;
  remaining: number;
  /** Seconds until that window resets. */
  resetSeconds: number;
}

/** Decide from counts already incremented. Pure. */
export function decide(windows: RateWindow[], counts: number[], nowMs: number): LimitDecision {
  let chosen: LimitDecision | undefined;
  windows.forEach((window, i) => {
    const count = counts[i] ?? 0;
    const { resetAtMs } = windowAt(nowMs, window.windowMs);
    const d: LimitDecision = {
      allowed: count <= window.limit,
      window,
      limit: window.limit,
      remaining: Math.max(0, window.limit - count),
      resetSeconds: Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)),
    };
    if (
      !chosen ||
      (!d.allowed && (chosen.allowed || d.resetSeconds > chosen.resetSeconds)) ||
      (d.allowed && chosen.allowed && d.remaining < chosen.remaining)
    ) {
      chosen = d;
    }
  });
  if (!chosen) throw new Error('decide: no windows');
  return chosen;
}

export interface RateLimiterOptions {
  windows: RateWindow[];
  store: CounterStore;
  /** Used when `store` fails (e.g. Redis down): limits still apply, per process. */
  fallback?: CounterStore;
  prefix?: string;
  now?: () => number;
  onStoreError?: (error: unknown) => void;
}

export class FixedWindowLimiter {
  private readonly now: () => number;
  private readonly fallback: CounterStore;
  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.fallback = options.fallback ?? new MemoryCounterStore(this.now);
  }

  get windows(): RateWindow[] {
    return this.options.windows;
  }

  async hit(subject: string): Promise<LimitDecision> {
    const now = this.now();
    const prefix = this.options.prefix ?? 'rl';
    const keys = this.options.windows.map((w) => {
      const { index, resetAtMs } = windowAt(now, w.windowMs);
      return { key: `${prefix}:${subject}:${w.windowMs}:${index}`, ttlMs: resetAtMs - now + 1000 };
    });
    let counts: number[];
    try {
      counts = await Promise.all(keys.map((k) => this.options.store.increment(k.key, k.ttlMs)));
    } catch (error) {
      this.options.onStoreError?.(error);
      counts = await Promise.all(keys.map((k) => this.fallback.increment(k.key, k.ttlMs)));
    }
    return decide(this.options.windows, counts, now);
  }
}
