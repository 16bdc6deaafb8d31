import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixture = readFileSync(
  fileURLToPath(new URL('../../test/fixtures/workflow.yaml', import.meta.url)),
  'utf8',
);

/** Offset of the n-th (0-based) occurrence of `needle`, plus `delta`. */
export function at(text: string, needle: string, delta = 0, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`not found: ${needle}`);
  }
  return i + delta;
}
