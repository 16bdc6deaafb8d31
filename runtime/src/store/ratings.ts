// Elo ratings that persist across runs. Embedded: a JSON file (file-ratings.ts); Redis can follow.
import type { Ratings, RatingsStore } from '../engine/steps/ratings.js';

export const INITIAL_RATING = 1500;

/** How many applied update ids each namespace remembers. */
export const APPLIED_MEMORY = 1000;

export interface RatingsData {
  version: 1;
  namespaces: Record<string, { ratings: Ratings; applied: Record<string, Ratings> }>;
}

export function emptyRatings(): RatingsData {
  return { version: 1, namespaces: {} };
}

/** The pure core shared by stores: apply an update to the data in place, idempotently. */
export function applyUpdate(
  data: RatingsData,
  namespace: string,
  updateId: string,
  compute: (current: Ratings) => Ratings,
): Ratings {
  data.namespaces[namespace] ??= { ratings: {}, applied: {} };
  const ns = data.namespaces[namespace]!;
  const done = ns.applied[updateId];
  if (done) return done;
  const after = compute({ ...ns.ratings });
  Object.assign(ns.ratings, after);
  ns.applied[updateId] = after;
  const ids = Object.keys(ns.applied);
  for (const old of ids.slice(0, Math.max(0, ids.length - APPLIED_MEMORY))) delete ns.applied[old];
  return after;
}

export function readRatings(data: RatingsData, namespace: string, names: string[]): Ratings {
  const ratings = data.namespaces[namespace]?.ratings ?? {};
  return Object.fromEntries(names.map((n) => [n, ratings[n] ?? INITIAL_RATING]));
}

export class MemoryRatingsStore implements RatingsStore {
  private readonly data = emptyRatings();

  async get(namespace: string, names: string[]): Promise<Ratings> {
    return readRatings(this.data, namespace, names);
  }

  async update(
    namespace: string,
    updateId: string,
    compute: (current: Ratings) => Ratings,
  ): Promise<Ratings> {
    return applyUpdate(this.data, namespace, updateId, compute);
  }
}
