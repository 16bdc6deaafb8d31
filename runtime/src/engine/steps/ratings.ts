// The ratings the elo step reads and updates: a port the stores implement (store/ratings.ts,
// store/file-ratings.ts).
export type Ratings = Record<string, number>;

export interface RatingsStore {
  get(namespace: string, names: string[]): Promise<Ratings>;
  /**
   * Applies `compute` to the current ratings once per `updateId` and returns the ratings after it.
   * Applying the same id again (a retried or resumed step) changes nothing and returns the same result.
   */
  update(namespace: string, updateId: string, compute: (current: Ratings) => Ratings): Promise<Ratings>;
}
