import { describe, expect, it } from 'vitest';
import { decide, FixedWindowLimiter, MemoryCounterStore, parseRateLimit, windowAt } from './limiter.js';
import { formatComment, formatSse, resumeId } from './sse.js';

describe('rate limit windows (pure)', () => {
  it('parses COUNT/UNIT lists', () => {
    expect(parseRateLimit('10/minute,50/day')).toEqual([
      { limit: 10, windowMs: 60_000, name: 'minute' },
      { limit: 50, windowMs: 86_400_000, name: 'day' },
    ]);
    expect(parseRateLimit('5/10s')[0]).toMatchObject({ limit: 5, windowMs: 10_000 });
    expect(parseRateLimit('100/hours')[0]?.windowMs).toBe(3_600_000);
    expect(() => parseRateLimit('10/fortnight')).toThrow(/invalid rate limit/);
    expect(() => parseRateLimit('ten/minute')).toThrow(/COUNT\/UNIT/);
  });

  it('aligns fixed windows and reports the most constraining one', () => {
    expect(windowAt(125_000, 60_000)).toEqual({ index: 2, resetAtMs: 180_000 });
    const windows = parseRateLimit('2/minute,3/day');
    expect(decide(windows, [1, 1], 0)).toMatchObject({ allowed: true, remaining: 1, limit: 2 });
    expect(decide(windows, [3, 3], 0)).toMatchObject({ allowed: false, limit: 2 });
    expect(decide(windows, [1, 4], 0)).toMatchObject({ allowed: false, limit: 3 });
  });

  it('limits per subject across windows, and resets with the window', async () => {
    let now = 1_000_000;
    const limiter = new FixedWindowLimiter({
      windows: parseRateLimit('2/minute,3/day'),
      store: new MemoryCounterStore(() => now),
      now: () => now,
    });
    expect((await limiter.hit('a')).allowed).toBe(true);
    expect((await limiter.hit('a')).allowed).toBe(true);
    expect((await limiter.hit('a')).allowed).toBe(false);
    expect((await limiter.hit('b')).allowed).toBe(true);
    now += 60_000;
    const d = await limiter.hit('a');
    expect(d.allowed).toBe(false); // the day window (3) is spent: 4th hit
    expect(d.window.name).toBe('day');
  });

  it('falls back to per-process counters when the shared store fails', async () => {
    const errors: unknown[] = [];
    const limiter = new FixedWindowLimiter({
      windows: parseRateLimit('1/minute'),
      store: { increment: async () => Promise.reject(new Error('redis down')) },
      onStoreError: (e) => errors.push(e),
    });
    expect((await limiter.hit('x')).allowed).toBe(true);
    expect((await limiter.hit('x')).allowed).toBe(false);
    expect(errors).toHaveLength(2);
  });
});

describe('SSE framing (pure)', () => {
  it('frames id, event and JSON data; comments; resume ids', () => {
    expect(formatSse({ id: '7', event: 'step.started', data: { a: 1 } })).toBe(
      'id: 7\nevent: step.started\ndata: {"a":1}\n\n',
    );
    expect(formatSse({ data: 'two\nlines' })).toBe('data: two\ndata: lines\n\n');
    expect(formatSse({ id: 'a\nb', data: 1 })).toBe('id: ab\ndata: 1\n\n');
    expect(formatComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(resumeId('5', undefined)).toBe('5');
    expect(resumeId(undefined, '6')).toBe('6');
    expect(resumeId(' ', undefined)).toBeUndefined();
  });
});
