// Journals on disk: <dataDir>/runs/<runId>/journal.jsonl, one checksummed JSON line per event.
// Appends made while a write is in flight are written and synced together (group commit): a 50-way
// fan-out's step_started lines share one fsync instead of taking 50 in a row. When an append
// resolves depends on the sync mode (JournalSync). A lock file (`lock`, holding the pid) names the
// process driving the run.
import { closeSync, constants, fdatasync, fsync, open as openFd, openSync, write as writeFd } from 'node:fs';
import {
  type FileHandle,
  link,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEvent } from '../engine/journal.js';
import { type DecodedJournal, decodeJournal, encodeLine } from './journal-codec.js';
import type { JournalStore, JournalWriter } from './journal-store.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** `<runs dir>/.pid-<pid>`: see FileJournalStore.ownPidFile. Never a run id (those start alphanumeric). */
const PID_FILE = '.pid-';

/**
 * When a journal append counts as stored (env WEFT_JOURNAL_SYNC; default `always`):
 * - `always`: once its line is on disk (written with O_DSYNC on Linux, else fdatasync'd after the
 *   write). A step's step_started is on disk before the step runs:
 *   the journal survives a process crash, an OS crash and a power loss.
 * - `batch`: once its line is written to the operating system; lines are fdatasync'd in the
 *   background, in batches, and a run's journal is fdatasync'd before its result is returned. It
 *   survives the process being killed (kill -9, a crash); an OS crash or power loss can lose the last
 *   events of runs in progress (their steps since the last sync run again on resume). The guarantee
 *   of SQLite's `synchronous=NORMAL` in WAL mode.
 */
export type JournalSync = 'always' | 'batch';

export const JOURNAL_SYNC_MODES: readonly JournalSync[] = ['always', 'batch'];

/** The sync mode named by WEFT_JOURNAL_SYNC (unset or empty: `always`); throws on an unknown name. */
export function journalSyncFromEnv(env: Record<string, string | undefined>): JournalSync {
  const value = env.WEFT_JOURNAL_SYNC?.trim().toLowerCase();
  if (!value) return 'always';
  if (!(JOURNAL_SYNC_MODES as readonly string[]).includes(value)) {
    throw new Error(
      `WEFT_JOURNAL_SYNC=${env.WEFT_JOURNAL_SYNC}: expected ${JOURNAL_SYNC_MODES.join(' or ')}`,
    );
  }
  return value as JournalSync;
}

export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId))
    throw new Error(`invalid run id ${JSON.stringify(runId)} (letters, digits, . _ -)`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileJournalStore implements JournalStore {
  readonly durable = true;
  readonly runsDir: string;
  /** The runs dir was made by this store (one recursive mkdir per store, not per run). */
  private runsDirReady = false;
  /** fsyncs of the runs dir, shared by the runs created meanwhile (each new run adds a name to it). */
  private readonly runsDirSync: () => Promise<void>;

  constructor(
    dataDir: string,
    readonly sync: JournalSync = 'always',
  ) {
    this.runsDir = join(dataDir, 'runs');
    this.runsDirSync = sharedSync(() => syncDir(this.runsDir));
  }

  runDir(runId: string): string {
    assertRunId(runId);
    return join(this.runsDir, runId);
  }

  journalFile(runId: string): string {
    return join(this.runDir(runId), 'journal.jsonl');
  }

  private async writer(
    file: string,
    nextSeq: number,
    firstSync?: () => Promise<void>,
  ): Promise<JournalWriter> {
    // `always` on Linux: every write is durable when it returns (O_DSYNC), one call instead of a
    // write and an fdatasync
    if (this.sync === 'always' && SYNCED_APPEND !== undefined) {
      return groupCommitWriter(
        await openJournalFile(file, SYNCED_APPEND),
        nextSeq,
        this.sync,
        firstSync,
        true,
      );
    }
    return groupCommitWriter(await openJournalFile(file, 'a'), nextSeq, this.sync, firstSync);
  }

  async create(runId: string): Promise<JournalWriter> {
    const dir = this.runDir(runId);
    if (!this.runsDirReady) {
      await mkdir(this.runsDir, { recursive: true });
      this.runsDirReady = true;
    }
    try {
      await mkdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        throw Object.assign(new Error(`run ${runId} already exists in ${dir}`), { code: 'run_exists' });
      }
      // The runs dir was removed behind our back: make it again once.
      if (code !== 'ENOENT') throw error;
      await mkdir(this.runsDir, { recursive: true });
      await mkdir(dir);
    }
    // The new file's and directory's names are made durable with the first batch's sync.
    return this.writer(this.journalFile(runId), 1, () =>
      Promise.all([syncDir(dir), this.runsDirSync()]).then(() => {}),
    );
  }

  /**
   * An empty journal in place of the run's (the caller holds the run's lock and checked that the run
   * never started: no start record).
   */
  async recreate(runId: string): Promise<JournalWriter> {
    const dir = this.runDir(runId);
    const file = this.journalFile(runId);
    await writeFile(file, '');
    return this.writer(file, 1, () => syncDir(dir));
  }

  /**
   * Removes a run that never started (`check(decoded)` is re-checked under the run's lock), so that its
   * id is free. False when a live process holds it or it has started meanwhile.
   */
  async discardNeverStarted(runId: string, check: (decoded: DecodedJournal) => boolean): Promise<boolean> {
    let release: () => Promise<void>;
    try {
      release = await this.lock(runId);
    } catch {
      return false;
    }
    const decoded = await this.read(runId).catch(() => undefined);
    if (!decoded || !check(decoded)) {
      await release();
      return false;
    }
    await rm(this.runDir(runId), { recursive: true, force: true });
    await this.runsDirSync();
    return true;
  }

  /** When the run's journal last changed (undefined if it has none). */
  async modifiedAt(runId: string): Promise<Date | undefined> {
    return (await stat(this.journalFile(runId)).catch(() => undefined))?.mtime;
  }

  async read(runId: string): Promise<DecodedJournal | undefined> {
    const file = this.journalFile(runId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return decodeJournal(text, file);
  }

  async reopen(runId: string): Promise<{ writer: JournalWriter; note?: string }> {
    const file = this.journalFile(runId);
    const decoded = await this.read(runId);
    if (!decoded) throw new Error(`no run ${runId}: ${file} does not exist`);
    if (decoded.problem?.kind === 'corrupt')
      throw new JournalCorruptError(decoded.problem.message, file, decoded.problem.line);
    let note: string | undefined;
    if (decoded.problem?.kind === 'truncated_tail') {
      const bytes = await readFile(file);
      const aside = `${file}.torn-${Date.now()}`;
      await writeFile(aside, bytes.subarray(decoded.problem.validBytes));
      await truncate(file, decoded.problem.validBytes);
      note = `${decoded.problem.message}; the partial line was moved to ${aside}`;
    }
    return { writer: await this.writer(file, decoded.events.length + 1), ...(note ? { note } : {}) };
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.runsDir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && RUN_ID.test(e.name)).map((e) => e.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The pid of the live process driving the run, if any. */
  async owner(runId: string): Promise<number | undefined> {
    const text = await readFile(join(this.runDir(runId), 'lock'), 'utf8').catch(() => undefined);
    const pid = Number(text);
    return text !== undefined && Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : undefined;
  }

  /**
   * A file holding this process's pid, in the runs dir: a run's lock is a hard link to it (one link()
   * instead of an open, a write and a close per run). Made on first use, again if it disappeared.
   */
  private pidFile: Promise<string> | undefined;

  private ownPidFile(): Promise<string> {
    this.pidFile ??= (async () => {
      const file = join(this.runsDir, `${PID_FILE}${process.pid}`);
      await mkdir(this.runsDir, { recursive: true });
      await writeFile(file, String(process.pid));
      await this.removeStalePidFiles();
      return file;
    })().catch((error: unknown) => {
      this.pidFile = undefined;
      throw error;
    });
    return this.pidFile;
  }

  /** The pid files of processes that are gone (killed before they could remove theirs). */
  private async removeStalePidFiles(): Promise<void> {
    const names = await readdir(this.runsDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(PID_FILE)) continue;
      const pid = Number(name.slice(PID_FILE.length));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) {
        await unlink(join(this.runsDir, name)).catch(() => {});
      }
    }
  }

  /** Creates `path` holding this process's pid; fails with EEXIST if it exists. */
  private async createLock(path: string): Promise<void> {
    for (let tries = 0; tries < 2; tries++) {
      let source: string;
      try {
        source = await this.ownPidFile();
      } catch {
        break;
      }
      try {
        await link(source, path);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw error;
        // ENOENT: the pid file (or the runs dir) was removed behind our back; anything else (a file
        // system without hard links): write the file instead
        if (code !== 'ENOENT') break;
        this.pidFile = undefined;
      }
    }
    await writeFile(path, String(process.pid), { flag: 'wx' });
  }

  async lock(runId: string): Promise<() => Promise<void>> {
    const path = join(this.runDir(runId), 'lock');
    for (let tries = 0; tries < 3; tries++) {
      try {
        await this.createLock(path);
        return async () => {
          await unlink(path).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOENT') throw error;
          });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = await this.owner(runId);
        if (owner !== undefined) {
          throw new Error(
            `run ${runId} is being driven by process ${owner}${owner === process.pid ? ' (this one)' : ''}`,
          );
        }
        await rm(path, { force: true });
      }
    }
    throw new Error(`could not lock run ${runId}`);
  }
}

const fsyncFd = (fd: number) =>
  new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

/**
 * fsyncs a directory, so that the names just created in it survive a power loss (not on Windows).
 * Opening and closing a directory does no I/O: done synchronously, only the fsync waits.
 */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** What the journal writer needs of an open file. */
export type JournalFile = Pick<FileHandle, 'write' | 'datasync' | 'close'>;

/**
 * The journal file on a plain descriptor with the callback API: cheaper per call than a FileHandle
 * (a run makes an open, a write per step and a close). Closing is synchronous (no I/O for a file
 * opened to append).
 */
function openJournalFile(file: string, flags: string | number): Promise<JournalFile> {
  return new Promise((resolve, reject) => {
    openFd(file, flags, 0o666, (error, fd) => {
      if (error) return reject(error);
      resolve({
        write: (buffer: Buffer, offset?: number, length?: number, position?: number | null) =>
          new Promise((done, fail) =>
            writeFd(
              fd,
              buffer,
              offset ?? 0,
              length ?? buffer.length - (offset ?? 0),
              position ?? null,
              (err, bytesWritten) => (err ? fail(err) : done({ bytesWritten, buffer })),
            ),
          ),
        datasync: () => new Promise<void>((done, fail) => fdatasync(fd, (err) => (err ? fail(err) : done()))),
        close: async () => closeSync(fd),
      } as JournalFile);
    });
  });
}

/** Open flags for appends that are durable when the write returns (undefined where there is no O_DSYNC). */
const SYNCED_APPEND =
  process.platform === 'linux' && constants.O_DSYNC !== undefined
    ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC
    : undefined;

/**
 * `sync` shared by concurrent callers: a call is answered by a sync that starts after it (one in
 * flight may have started before the caller's change), so callers meanwhile share the next one.
 */
export function sharedSync(sync: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current = sync().finally(() => {
      if (inFlight === current) inFlight = undefined;
    });
    inFlight = current;
    return current;
  };
  return () => {
    if (!inFlight) return start();
    next ??= inFlight
      .catch(() => {})
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Lines are written in append order (mode `always`: each append resolves after the sync covering its
 * line; `batch`: after its write, the sync following in the background and on close). Every append made in the same event-loop turn, or while the previous batch
 * is being written and synced, goes into the next batch: one write and one fdatasync for all of them.
 * Each append's promise settles after the sync that covers its line. After a failed write or sync,
 * every later append fails too (the file may hold a partial batch; nothing after it may be written).
 */
export function groupCommitWriter(
  handle: JournalFile,
  nextSeq: number,
  mode: JournalSync = 'always',
  /** Also made durable by the first sync (in parallel with it): the new file's directory entries. */
  firstSync?: () => Promise<void>,
  /** The handle was opened with O_DSYNC: a write is durable when it returns (mode `always` only). */
  syncedWrites = false,
): JournalWriter {
  let extra = firstSync;
  const takeExtra = (): Promise<void> | undefined => {
    const more = extra;
    extra = undefined;
    return more?.();
  };
  const datasync = (): Promise<unknown> => {
    const more = takeExtra();
    return more ? Promise.all([handle.datasync(), more]) : handle.datasync();
  };
  let seq = nextSeq;
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  // `batch`: one background fdatasync at a time, again while lines were written since it began.
  let unsynced = false;
  let syncing: Promise<void> | undefined;
  const syncInBackground = () => {
    unsynced = true;
    syncing ??= (async () => {
      while (unsynced && !failure) {
        unsynced = false;
        try {
          await datasync();
        } catch (error) {
          failure ??= { error };
        }
      }
      syncing = undefined;
    })();
  };

  const writeAll = async (text: string) => {
    let buffer = Buffer.from(text, 'utf8');
    while (buffer.length > 0) {
      const { bytesWritten } = await handle.write(buffer, 0, buffer.length, null);
      buffer = buffer.subarray(bytesWritten);
    }
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        if (failure) throw failure.error;
        const text = batch.length === 1 ? batch[0]!.line : batch.map((p) => p.line).join('');
        if (mode === 'always' && syncedWrites) {
          const more = takeExtra();
          await (more ? Promise.all([writeAll(text), more]) : writeAll(text));
        } else {
          await writeAll(text);
          if (mode === 'always') await datasync();
          else syncInBackground();
        }
      } catch (error) {
        failure ??= { error };
        for (const pending of batch) pending.reject(error);
        continue;
      }
      for (const pending of batch) pending.resolve();
    }
    flushing = undefined;
  };

  return {
    append(event: JournalEvent): Promise<void> {
      if (failure) return Promise.reject(failure.error);
      const line = encodeLine(seq++, event);
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, resolve, reject });
        // Started once this turn of the event loop is done: what the driver journals in the same turn
        // (a step's result, the interpreter's records, the next steps' step_started) shares one sync.
        flushing ??= new Promise<void>((start) => setImmediate(start)).then(flush);
      });
    },
    async close() {
      try {
        await flushing;
        await syncing;
        if (failure && mode === 'batch') throw failure.error;
      } finally {
        await handle.close();
      }
    },
  };
}

export class JournalCorruptError extends Error {
  readonly code = 'journal_corrupt';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JournalCorruptError';
  }
}
