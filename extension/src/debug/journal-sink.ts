// The durable journal of a live debug run, in the data dir the embedded engine and `weft serve` read:
// the run shows in `weft runs` and the Runs view like any other. Locked while the debugger drives it.
import { FileJournalStore, type JournalEvent } from './runtime.js';

export interface JournalSink {
  readonly file: string;
  append(event: JournalEvent): void;
  /** Waits for every append, closes the file and releases the lock (once). */
  close(): Promise<void>;
}

export async function openJournal(
  dataDir: string,
  runId: string,
  first: JournalEvent[],
): Promise<JournalSink> {
  const store = new FileJournalStore(dataDir, 'batch');
  const writer = await store.create(runId);
  const release = await store.lock(runId);
  let failed: unknown;
  let last: Promise<void> = Promise.resolve();
  const append = (event: JournalEvent) => {
    last = writer.append(event).catch((error: unknown) => {
      failed ??= error;
    });
  };
  for (const event of first) append(event);
  let closing: Promise<void> | undefined;
  return {
    file: store.journalFile(runId),
    append,
    close: () => {
      closing ??= (async () => {
        await last;
        await writer.close();
        await release();
        if (failed) throw failed;
      })();
      return closing;
    },
  };
}
