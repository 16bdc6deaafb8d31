// Elo for debates with two or more participants: every pair is a game, won by the higher judge score.
// Pure.
import type { Ratings } from '../../store/ratings.js';

export function expectedScore(rating: number, opponent: number): number {
  return 1 / (1 + 10 ** ((opponent - rating) / 400));
}

/** New ratings for the participants, from their current ratings and the judge's scores. */
export function updateElo(current: Ratings, scores: Record<string, number>, kFactor: number): Ratings {
  const names = Object.keys(scores);
  const out: Ratings = {};
  for (const name of names) {
    const rating = current[name]!;
    let delta = 0;
    for (const other of names) {
      if (other === name) continue;
      const actual = scores[name]! > scores[other]! ? 1 : scores[name] === scores[other] ? 0.5 : 0;
      delta += actual - expectedScore(rating, current[other]!);
    }
    const games = Math.max(names.length - 1, 1);
    out[name] = Math.round((rating + (kFactor * delta) / games) * 100) / 100;
  }
  return out;
}
