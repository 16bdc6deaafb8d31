// Elo for debates with two or more participants: every pair is a game. One verdict decides both the
// winner and the games: the winner beats everyone (even at an equal score), the others are ranked by
// the judge's scores. Pure.
import type { Ratings } from './ratings.js';

export function expectedScore(rating: number, opponent: number): number {
  return 1 / (1 + 10 ** ((opponent - rating) / 400));
}

/**
 * The debate's winner from the judge's verdict: the named winner when it holds the top score (a tie
 * at the top is the judge's call), else the top-scored participant (the scores are the verdict; a
 * named winner that the scores contradict is not).
 */
export function debateWinner(scores: Record<string, number>, named: string | undefined): string {
  const names = Object.keys(scores);
  const top = Math.max(...names.map((n) => scores[n]!));
  if (named !== undefined && scores[named] === top) return named;
  return names.find((n) => scores[n] === top)!;
}

/** 1 when `a` beats `b`, 0.5 for a draw, 0 for a loss. */
function gameScore(a: string, b: string, scores: Record<string, number>, winner?: string): number {
  if (a === winner) return 1;
  if (b === winner) return 0;
  return scores[a]! > scores[b]! ? 1 : scores[a] === scores[b] ? 0.5 : 0;
}

/**
 * New ratings for the participants, from their current ratings, the judge's scores and (optionally)
 * the winner, who wins every game.
 */
export function updateElo(
  current: Ratings,
  scores: Record<string, number>,
  kFactor: number,
  winner?: string,
): Ratings {
  const names = Object.keys(scores);
  const out: Ratings = {};
  for (const name of names) {
    const rating = current[name]!;
    let delta = 0;
    for (const other of names) {
      if (other === name) continue;
      delta += gameScore(name, other, scores, winner) - expectedScore(rating, current[other]!);
    }
    const games = Math.max(names.length - 1, 1);
    out[name] = Math.round((rating + (kFactor * delta) / games) * 100) / 100;
  }
  return out;
}
