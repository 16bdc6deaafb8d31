// WEFT_JOURNAL=memory: the embedded engine with its run journals in this process's memory instead of
// fsynced files. Nothing survives the process: a crash or restart loses the runs in flight (they are
// never resumed) and, with the default embedded run store, every run record. Memory stays bounded:
// the journals of the last `maxFinishedRuns` finished runs are kept (older ones are forgotten, so
// GET /runs/{id} answers 404 for them); runs in flight are always kept.
import type { JournalEvent } from '../engine/journal.js';
import { EmbeddedEngine, type EmbeddedEngineOptions } from '../engines/embedded/index.js';
import type { DecodedJournal } from '../store/journal-codec.js';
import type { JournalStore, JournalWriter } from '../store/journal-store.js';

export const DEFAULT_MEMORY_RUNS = 1000;

/** Like MemoryJournalStore, but forgets the oldest finished journals beyond `maxFinishedRuns`. */
const STORED: Promise<void> = Promise.resolve();

export class BoundedMemoryJournalStore implements JournalStore {
  readonly durable = false;
  private readonly journals = new Map<string, JournalEvent[]>();
  private readonly locked = new Set<string>();
  /** Finished runs, oldest first (Map insertion order). */
  private readonly finished = new Map<string, true>();

  constructor(readonly maxFinishedRuns = DEFAULT_MEMORY_RUNS) {}

  private writer(runId: string, events: JournalEvent[]): JournalWriter {
    return {
      storesAtOnce: true,
      // Keeps the event object itself (numbered in place, as the engine numbers it too) and answers
      // with one settled promise: no copy and no promise per event.
      append: (event) => {
        event.seq = events.length + 1;
        events.push(event);
        return STORED;
      },
      close: async () => {
        this.finished.delete(runId);
        this.finished.set(runId, true);
        while (this.finished.size > this.maxFinishedRuns) {
          const oldest = this.finished.keys().next().value as string;
          this.finished.delete(oldest);
          if (!this.locked.has(oldest)) this.journals.delete(oldest);
        }
      },
    };
  }

  async create(runId: string): Promise<JournalWriter> {
    if (this.journals.has(runId)) throw new Error(`run ${runId} already exists`);
    const events: JournalEvent[] = [];
    this.journals.set(runId, events);
    return this.writer(runId, events);
  }

  async read(runId: string): Promise<DecodedJournal | undefined> {
    const events = this.journals.get(runId);
    return events ? { events: [...events] } : undefined;
  }

  async reopen(runId: string): Promise<{ writer: JournalWriter }> {
    const events = this.journals.get(runId);
    if (!events) throw new Error(`no run ${runId}`);
    return { writer: this.writer(runId, events) };
  }

  async list(): Promise<string[]> {
    return [...this.journals.keys()];
  }

  get size(): number {
    return this.journals.size;
  }

  async lock(runId: string): Promise<() => Promise<void>> {
    if (this.locked.has(runId)) throw new Error(`run ${runId} is already running`);
    this.locked.add(runId);
    return async () => {
      this.locked.delete(runId);
    };
  }
}

/**
 * The embedded engine on a BoundedMemoryJournalStore (`durable: false`, its journal store swapped for
 * the bounded one: the engine's own MemoryJournalStore keeps every run forever).
 */
export function memoryJournalEngine(
  options: Omit<EmbeddedEngineOptions, 'durable'> & { maxFinishedRuns?: number },
): EmbeddedEngine {
  const { maxFinishedRuns, ...engineOptions } = options;
  const engine = new EmbeddedEngine({ ...engineOptions, durable: false });
  Object.defineProperty(engine, 'store', {
    value: new BoundedMemoryJournalStore(maxFinishedRuns),
    enumerable: true,
    configurable: true,
    writable: false,
  });
  return engine;
}
