import { describe, expect, it } from 'vitest';
import { debateWinner, expectedScore, updateElo } from './elo.js';

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

describe('one debate decision', () => {
  it('reads the winner from the scores when the named winner contradicts them', () => {
    expect(debateWinner({ optimist: 4, skeptic: 8 }, 'optimist')).toBe('skeptic');
    expect(debateWinner({ optimist: 4, skeptic: 8 }, undefined)).toBe('skeptic');
  });

  it('lets the judge break a tie at the top, and the tie-break winner gains rating', () => {
    const scores = { a: 7, b: 7, c: 2 };
    const winner = debateWinner(scores, 'b');
    expect(winner).toBe('b');
    const after = updateElo({ a: 1500, b: 1500, c: 1500 }, scores, 32, winner);
    expect(after.b).toBeGreaterThan(after.a!);
    expect(after.a).toBeGreaterThan(after.c!);
  });

  it('the winner gains and everyone else loses between two participants, whatever the ratings before', () => {
    const scores = { optimist: 6, skeptic: 6 };
    const winner = debateWinner(scores, 'optimist');
    const after = updateElo({ optimist: 1700, skeptic: 1300 }, scores, 24, winner);
    expect(after.optimist).toBeGreaterThan(1700);
    expect(after.skeptic).toBeLessThan(1300);
  });
});
