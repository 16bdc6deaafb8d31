import { describe, expect, it } from 'vitest';
import { expectedScore, updateElo } from './elo.js';

describe('elo', () => {
  it('moves K/2 points between equals and conserves the total', () => {
    expect(expectedScore(1500, 1500)).toBe(0.5);
    const after = updateElo({ a: 1500, b: 1500 }, { a: 8, b: 5 }, 32);
    expect(after).toEqual({ a: 1516, b: 1484 });
  });

  it('rewards an upset more than an expected win, and a draw moves ratings toward each other', () => {
    const upset = updateElo({ a: 1400, b: 1600 }, { a: 9, b: 1 }, 32);
    const expected = updateElo({ a: 1600, b: 1400 }, { a: 9, b: 1 }, 32);
    expect(upset.a! - 1400).toBeGreaterThan(expected.a! - 1600);
    const draw = updateElo({ a: 1400, b: 1600 }, { a: 5, b: 5 }, 32);
    expect(draw.a).toBeGreaterThan(1400);
    expect(draw.b).toBeLessThan(1600);
  });

  it('averages pairwise games for three participants', () => {
    const after = updateElo({ a: 1500, b: 1500, c: 1500 }, { a: 3, b: 2, c: 1 }, 32);
    expect(after).toEqual({ a: 1516, b: 1500, c: 1484 });
  });
});
