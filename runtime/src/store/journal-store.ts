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

export class MemoryJournalStore implements JournalStore {
  readonly durable = false;
  private readonly journals = new Map<string, JournalEvent[]>();
  private readonly locked = new Set<string>();

  private writer(events: JournalEvent[]): JournalWriter {
    return {
      append: async (event) => {
        events.push({ ...event, seq: events.length + 1 });
      },
      close: async () => {},
    };
  }

  async create(runId: string): Promise<JournalWriter> {
    if (this.journals.has(runId)) throw new Error(`run ${runId} already exists`);
    const events: JournalEvent[] = [];
    this.journals.set(runId, events);
    return this.writer(events);
  }

  async read(runId: string): Promise<DecodedJournal | undefined> {
    const events = this.journals.get(runId);
    return events ? { events: [...events] } : undefined;
  }

  async reopen(runId: string): Promise<{ writer: JournalWriter }> {
    const events = this.journals.get(runId);
    if (!events) throw new Error(`no run ${runId}`);
    return { writer: this.writer(events) };
  }

  async list(): Promise<string[]> {
    return [...this.journals.keys()];
  }

  async lock(runId: string): Promise<() => Promise<void>> {
    if (this.locked.has(runId)) throw new Error(`run ${runId} is already running`);
    this.locked.add(runId);
    return async () => {
      this.locked.delete(runId);
    };
  }
}
