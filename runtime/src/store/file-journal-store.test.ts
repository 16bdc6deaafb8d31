// The journal writer's group commit: what is appended in one event-loop turn (or while a sync is in
// flight) is written and fdatasync'd together, and no append resolves before the sync covering it.

import type { FileHandle } from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../engine/journal.js';
import { FileJournalStore, groupCommitWriter, journalSyncFromEnv, sharedSync } from './file-journal-store.js';
import { decodeJournal } from './journal-codec.js';

const warning = (n: number): JournalEvent => ({ type: 'warning', message: `event ${n}` });

/** A FileHandle that records writes and syncs; each sync waits until the test releases it. */
function fakeHandle(options: { failSync?: number } = {}) {
  const log: string[] = [];
  const syncs: Array<() => void> = [];
  let written = '';
  let syncCount = 0;
  const handle = {
    async write(buffer: Buffer, offset: number, length: number) {
      const text = buffer.subarray(offset, offset + length).toString('utf8');
      written += text;
      log.push(`write ${text.split('\n').filter(Boolean).length}`);
      return { bytesWritten: length, buffer };
    },
    datasync() {
      syncCount += 1;
      const n = syncCount;
      log.push(`sync ${n}`);
      return new Promise<void>((resolve, reject) => {
        syncs.push(() => {
          log.push(`synced ${n}`);
          if (n === options.failSync) reject(new Error('EIO: sync failed'));
          else resolve();
        });
      });
    },
    async close() {
      log.push('close');
    },
  };
  return {
    handle: handle as unknown as FileHandle,
    log,
    written: () => written,
    /** Lets the oldest pending sync finish. */
    async release() {
      for (let i = 0; i < 20 && syncs.length === 0; i++) await new Promise((r) => setImmediate(r));
      syncs.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('groupCommitWriter', () => {
  it('writes and syncs everything appended in one turn together; resolves after the sync', async () => {
    const fake = fakeHandle();
    const writer = groupCommitWriter(fake.handle, 1);
    const done: number[] = [];
    const appends = Array.from({ length: 50 }, (_, i) => writer.append(warning(i)).then(() => done.push(i)));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(fake.log).toEqual(['write 50', 'sync 1']);
    expect(done).toEqual([]);
    await fake.release();
    await Promise.all(appends);
    expect(done).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const decoded = decodeJournal(fake.written(), 'test');
    expect(decoded.problem).toBeUndefined();
    expect(decoded.events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('appends made while a sync is in flight wait for the next batch, and only for it', async () => {
    const fake = fakeHandle();
    const writer = groupCommitWriter(fake.handle, 7);
    let firstDone = false;
    let laterDone = 0;
    const first = writer.append(warning(0)).then(() => {
      firstDone = true;
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(fake.log).toEqual(['write 1', 'sync 1']);
    const later = [writer.append(warning(1)), writer.append(warning(2))].map((p) =>
      p.then(() => {
        laterDone += 1;
      }),
    );
    await fake.release();
    await first;
    expect(firstDone).toBe(true);
    expect(laterDone).toBe(0);
    expect(fake.log).toEqual(['write 1', 'sync 1', 'synced 1', 'write 2', 'sync 2']);
    await fake.release();
    await Promise.all(later);
    expect(laterDone).toBe(2);
    expect([...fake.written().matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]))).toEqual([7, 8, 9]);
    await writer.close();
    expect(fake.log.at(-1)).toBe('close');
  });

  it('a failed sync fails its batch and every later append', async () => {
    const fake = fakeHandle({ failSync: 1 });
    const writer = groupCommitWriter(fake.handle, 1);
    const failed = (p: Promise<void>) =>
      p.then(
        () => undefined,
        (error: Error) => error.message,
      );
    const a = failed(writer.append(warning(0)));
    const b = failed(writer.append(warning(1)));
    await fake.release();
    expect(await a).toMatch(/EIO/);
    expect(await b).toMatch(/EIO/);
    await expect(writer.append(warning(2))).rejects.toThrow(/EIO/);
    expect(fake.log.filter((l) => l.startsWith('write'))).toEqual(['write 2']);
    await writer.close();
  });
});

describe('groupCommitWriter, synced writes (O_DSYNC)', () => {
  it('resolves a batch when its write returns, without an fdatasync; the first write waits for the first sync too', async () => {
    const fake = fakeHandle();
    let dirsSynced!: () => void;
    const dirs = new Promise<void>((resolve) => {
      dirsSynced = resolve;
    });
    const writer = groupCommitWriter(fake.handle, 1, 'always', () => dirs, true);
    let firstDone = false;
    const first = Promise.all([writer.append(warning(0)), writer.append(warning(1))]).then(() => {
      firstDone = true;
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(fake.log).toEqual(['write 2']);
    expect(firstDone).toBe(false);
    dirsSynced();
    await first;
    await writer.append(warning(2));
    expect(fake.log).toEqual(['write 2', 'write 1']);
    await writer.close();
    expect(fake.log.at(-1)).toBe('close');
  });
});

describe('sharedSync', () => {
  it('callers while a sync is in flight share the next sync, which starts after it', async () => {
    const started: Array<() => void> = [];
    const sync = sharedSync(
      () =>
        new Promise<void>((resolve) => {
          started.push(resolve);
        }),
    );
    const settled: string[] = [];
    const a = sync().then(() => settled.push('a'));
    const b = sync().then(() => settled.push('b'));
    const c = sync().then(() => settled.push('c'));
    expect(started).toHaveLength(1);
    started[0]!();
    await a;
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toEqual(['a']);
    expect(started).toHaveLength(2);
    started[1]!();
    await Promise.all([b, c]);
    expect(settled).toEqual(['a', 'b', 'c']);
    const d = sync();
    expect(started).toHaveLength(3);
    started[2]!();
    await d;
  });
});

describe('groupCommitWriter, batch mode', () => {
  it('resolves appends once written; syncs in the background; close waits for the sync', async () => {
    const fake = fakeHandle();
    const writer = groupCommitWriter(fake.handle, 1, 'batch');
    await Promise.all([writer.append(warning(0)), writer.append(warning(1))]);
    expect(fake.log).toEqual(['write 2', 'sync 1']);
    await writer.append(warning(2));
    // Written while sync 1 runs: synced by a second sync, not waited for.
    expect(fake.log).toEqual(['write 2', 'sync 1', 'write 1']);
    let closed = false;
    const closing = writer.close().then(() => {
      closed = true;
    });
    await fake.release();
    expect(fake.log.slice(3)).toEqual(['synced 1', 'sync 2']);
    expect(closed).toBe(false);
    await fake.release();
    await closing;
    expect(fake.log.slice(-2)).toEqual(['synced 2', 'close']);
  });

  it('a failed background sync fails later appends and close', async () => {
    const fake = fakeHandle({ failSync: 1 });
    const writer = groupCommitWriter(fake.handle, 1, 'batch');
    await writer.append(warning(0));
    await fake.release();
    await expect(writer.append(warning(1))).rejects.toThrow(/EIO/);
    await expect(writer.close()).rejects.toThrow(/EIO/);
    expect(fake.log.at(-1)).toBe('close');
  });

  it('WEFT_JOURNAL_SYNC names the mode; always by default; unknown names are refused', () => {
    expect(journalSyncFromEnv({})).toBe('always');
    expect(journalSyncFromEnv({ WEFT_JOURNAL_SYNC: '' })).toBe('always');
    expect(journalSyncFromEnv({ WEFT_JOURNAL_SYNC: 'Batch' })).toBe('batch');
    expect(() => journalSyncFromEnv({ WEFT_JOURNAL_SYNC: 'never' })).toThrow(/always or batch/);
  });
});

describe('FileJournalStore', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'weft-journal-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['always', 'batch'] as const)(
    'appends in order across batches; reopen continues the sequence (%s)',
    async (mode) => {
      const store = new FileJournalStore(dataDir, mode);
      const writer = await store.create('run-1');
      await Promise.all([writer.append(warning(1)), writer.append(warning(2))]);
      await writer.append(warning(3));
      await writer.close();
      const { writer: again } = await store.reopen('run-1');
      await again.append(warning(4));
      await again.close();
      const decoded = await store.read('run-1');
      expect(decoded?.problem).toBeUndefined();
      expect(decoded?.events.map((e) => [e.seq, (e as { message: string }).message])).toEqual([
        [1, 'event 1'],
        [2, 'event 2'],
        [3, 'event 3'],
        [4, 'event 4'],
      ]);
      await expect(store.create('run-1')).rejects.toThrow(/already exists/);
    },
  );

  it('makes the runs dir again if it disappeared; locks a run once', async () => {
    const store = new FileJournalStore(dataDir);
    await (await store.create('a')).close();
    await rm(store.runsDir, { recursive: true });
    await (await store.create('b')).close();
    expect(await store.list()).toEqual(['b']);
    const release = await store.lock('b');
    expect(await readFile(join(store.runDir('b'), 'lock'), 'utf8')).toBe(String(process.pid));
    await expect(store.lock('b')).rejects.toThrow(/being driven by process/);
    await release();
    await (await store.lock('b'))();
  });

  it('a lock is a link to the pid file, which is made again if it disappears; stale pid files go', async () => {
    const store = new FileJournalStore(dataDir);
    await (await store.create('a')).close();
    await writeFile(join(store.runsDir, '.pid-999999999'), '999999999');
    const release = await store.lock('a');
    expect(await readFile(join(store.runDir('a'), 'lock'), 'utf8')).toBe(String(process.pid));
    expect((await readdir(store.runsDir)).sort()).toEqual([`.pid-${process.pid}`, 'a']);
    await release();
    await rm(store.runsDir, { recursive: true });
    await (await store.create('b')).close();
    const again = await store.lock('b');
    expect(await readFile(join(store.runDir('b'), 'lock'), 'utf8')).toBe(String(process.pid));
    expect(await store.list()).toEqual(['b']);
    await again();
  });
});
