// Run ids: sortable by start time, unique by a random suffix. Drivers assign them, never the interpreter.
import { randomBytes } from 'node:crypto';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '').slice(0, 18);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}
