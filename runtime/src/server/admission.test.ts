import { describe, expect, it } from 'vitest';
import { TurnAdmission } from './admission.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: a run's synchronous work
  }
};

describe('TurnAdmission', () => {
  it('admits a lone caller at once, and callers in arrival order', async () => {
    const admission = new TurnAdmission();
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => admission.turn().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(admission.queued).toBe(0);
  });

  it('spreads slow work over event-loop turns, so timers and I/O run in between', async () => {
    const admission = new TurnAdmission(4);
    const seen: string[] = [];
    const done = Array.from({ length: 30 }, (_, i) =>
      admission.turn().then(() => {
        busy(2);
        seen.push(`run ${i}`);
      }),
    );
    // due in the next turn: without turns it would only fire after all 30 runs (60 ms of work)
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void seen.push('timer')), 0));
    await Promise.all([...done, timer]);
    const at = seen.indexOf('timer');
    expect(at).toBeGreaterThan(-1);
    expect(at).toBeLessThan(seen.length - 1);
    expect(seen.filter((s) => s !== 'timer')).toEqual(Array.from({ length: 30 }, (_, i) => `run ${i}`));
  });
});
