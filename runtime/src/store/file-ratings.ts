// Ratings in `<dataDir>/ratings.json`, replaced atomically under a lock file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ratings, RatingsStore } from '../engine/steps/ratings.js';
import { withFileLock, writeFileAtomic } from './atomic-file.js';
import { applyUpdate, emptyRatings, type RatingsData, readRatings } from './ratings.js';

export class FileRatingsStore implements RatingsStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'ratings.json');
  }

  private async load(): Promise<RatingsData> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyRatings();
      throw error;
    }
    try {
      const data = JSON.parse(text) as RatingsData;
      if (data.version !== 1 || typeof data.namespaces !== 'object') throw new Error('unknown format');
      return data;
    } catch (error) {
      throw new Error(
        `the ratings file ${this.file} is not valid (${(error as Error).message}); fix or delete it to start ratings afresh`,
      );
    }
  }

  /** Every namespace (a debate step: `workflow/step`) with its ratings. */
  async all(): Promise<Record<string, Ratings>> {
    const data = await this.load();
    return Object.fromEntries(Object.entries(data.namespaces).map(([name, ns]) => [name, ns.ratings]));
  }

  async get(namespace: string, names: string[]): Promise<Ratings> {
    return readRatings(await this.load(), namespace, names);
  }

  update(namespace: string, updateId: string, compute: (current: Ratings) => Ratings): Promise<Ratings> {
    return withFileLock(this.file, async () => {
      const data = await this.load();
      const after = applyUpdate(data, namespace, updateId, compute);
      await writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`);
      return after;
    });
  }
}
