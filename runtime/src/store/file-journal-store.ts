// Journals on disk: <dataDir>/runs/<runId>/journal.jsonl, one checksummed JSON line per event,
// each append fsync'd before it resolves. A lock file (`lock`, holding the pid) names the process
// driving the run.
import { mkdir, open, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEvent } from '../engine/journal.js';
import { type DecodedJournal, decodeJournal, encodeLine } from './journal-codec.js';
import type { JournalStore, JournalWriter } from './journal-store.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

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

  constructor(dataDir: string) {
    this.runsDir = join(dataDir, 'runs');
  }

  runDir(runId: string): string {
    assertRunId(runId);
    return join(this.runsDir, runId);
  }

  journalFile(runId: string): string {
    return join(this.runDir(runId), 'journal.jsonl');
  }

  private async writer(file: string, nextSeq: number): Promise<JournalWriter> {
    const handle = await open(file, 'a');
    let seq = nextSeq;
    let chain: Promise<void> = Promise.resolve();
    return {
      append: (event: JournalEvent) => {
        const line = encodeLine(seq++, event);
        chain = chain.then(async () => {
          await handle.write(line);
          await handle.sync();
        });
        return chain;
      },
      close: async () => {
        await chain.catch(() => {});
        await handle.close();
      },
    };
  }

  async create(runId: string): Promise<JournalWriter> {
    const dir = this.runDir(runId);
    await mkdir(this.runsDir, { recursive: true });
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new Error(`run ${runId} already exists in ${dir}`);
      throw error;
    }
    return this.writer(this.journalFile(runId), 1);
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

  async lock(runId: string): Promise<() => Promise<void>> {
    const path = join(this.runDir(runId), 'lock');
    for (let tries = 0; tries < 3; tries++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return async () => {
          await rm(path, { force: true });
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
