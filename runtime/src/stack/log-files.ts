// Reading the processes backend's log files: the last lines of one, and following several.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** The last `lines` lines of a file ('' when it does not exist). Reads at most the last 256 KB. */
export function tailFile(file: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = statSync(file).size;
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\n$/, '');
    return text.split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

export function prefixLines(prefix: string, text: string): string {
  if (text === '') return '';
  return `${text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n')}\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes what is appended to each file from now on, line-prefixed, until the signal aborts. */
export async function followFiles(
  files: Array<{ prefix: string; file: string }>,
  out: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const offsets = files.map((f) => size(f.file));
  const partial = files.map(() => '');
  while (!signal?.aborted) {
    files.forEach((f, i) => {
      const now = size(f.file);
      if (now < (offsets[i] ?? 0)) offsets[i] = 0; // truncated
      const from = offsets[i] ?? 0;
      if (now <= from) return;
      const fd = openSync(f.file, 'r');
      const buffer = Buffer.alloc(now - from);
      readSync(fd, buffer, 0, buffer.length, from);
      closeSync(fd);
      offsets[i] = now;
      const text = (partial[i] ?? '') + buffer.toString('utf8');
      const cut = text.lastIndexOf('\n');
      partial[i] = text.slice(cut + 1);
      if (cut >= 0) out.write(prefixLines(f.prefix, text.slice(0, cut)));
    });
    await sleep(250);
  }
}
