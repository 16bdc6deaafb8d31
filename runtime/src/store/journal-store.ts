// Where run journals live. The embedded engine uses FileJournalStore (durable) or MemoryJournalStore.
import type { JournalEvent } from '../engine/journal.js';
import type { DecodedJournal } from './journal-codec.js';

export interface JournalWriter {
  /**
   * Appends the event; resolves once it is stored (durable stores: fdatasync'd, or with
   * WEFT_JOURNAL_SYNC=batch written to the OS). Appends are stored in call order.
   */
  append(event: JournalEvent): Promise<void>;
  close(): Promise<void>;
  /** Every append is stored before it returns (its promise is already resolved): in-memory journals. */
  readonly storesAtOnce?: boolean;
}

export interface JournalStore {
  readonly durable: boolean;
  /** Creates the run's journal; fails if the run exists. */
  create(runId: string): Promise<JournalWriter>;
  read(runId: string): Promise<DecodedJournal | undefined>;
  /**
   * Opens an existing journal for appending. A torn last line is cut off first (and kept beside the
   * journal for inspection); the returned note says what was done.
   */
  reopen(runId: string): Promise<{ writer: JournalWriter; note?: string }>;
  list(): Promise<string[]>;
  /** Takes exclusive ownership of a run (one driver at a time); returns the release function. */
  lock(runId: string): Promise<() => Promise<void>>;
}

/** Settled once: an in-memory append is stored when it returns (no promise per event). */
const STORED: Promise<void> = Promise.resolve();

/**
 * Journals in this process's memory. Keeps every run unless `maxFinishedRuns` is given: then the journals of
 * the oldest finished runs beyond it are forgotten (runs in flight are always kept).
 */
export class MemoryJournalStore implements JournalStore {
  readonly durable = false;
  private readonly journals = new Map<string, JournalEvent[]>();
  private readonly locked = new Set<string>();
  /** Finished runs, oldest first (Map insertion order); tracked only when bounded. */
  private readonly finished = new Map<string, true>();

  constructor(readonly maxFinishedRuns = Number.POSITIVE_INFINITY) {}

  private writer(runId: string, events: JournalEvent[]): JournalWriter {
    return {
      storesAtOnce: true,
      // Keeps the event object itself (numbered in place, as the engine numbers it too): no copy.
      append: (event) => {
        event.seq = events.length + 1;
        events.push(event);
        return STORED;
      },
      close: async () => {
        if (this.maxFinishedRuns === Number.POSITIVE_INFINITY) return;
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
