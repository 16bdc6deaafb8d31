// Dependencies point down (docs: ARCHITECTURE.md, "Layout"): a folder of runtime/src imports only
// folders of a lower layer; folders of the same layer (the two engine drivers, ...) never import each other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Lowest first. */
const LAYERS: readonly (readonly string[])[] = [
  ['language'], // parse + check workflow.yaml (pure)
  ['models', 'tools'], // side effects a step calls (model providers, HTTP tools), each behind an interface
  ['engine'], // the interpreter and step semantics; declares the ports its steps use
  // runs, events, journals, ratings, counters (declares the ports it implements); workflow files read
  // from disk with their sub-workflows (the language's resolver port)
  ['store', 'workflow-files'],
  ['engines/embedded', 'engines/temporal'], // the two drivers of the interpreter
  ['server', 'stack', 'deploy'], // what the CLI drives: HTTP API, local stack, deploy artifacts
  ['cli'],
];

/** Test files that integrate a layer with one above it, as `file -> folder`: the reason. */
const ALLOWED: Readonly<Record<string, string>> = {
  'store/embedded-run-store.test.ts -> server': "drives the store through the server's run manager",
  'store/embedded-run-store.test.ts -> engines/embedded': 'reads the journals the embedded engine writes',
  'store/redis/run-store.test.ts -> server': 'server replicas and rate limiters sharing one Redis',
  'server/serve.test.ts -> cli': 'starts the server as `weft serve` does',
  'server/ui.test.ts -> cli': 'starts the server as `weft serve` does',
  'engines/temporal/parity.test.ts -> engines/embedded': 'proves both drivers give the same results',
  'engines/temporal/child-workflow.test.ts -> engines/embedded':
    'a sub-workflow spends the same budget on both drivers',
};

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

/** The folder of a path relative to src (`engines/x` for the drivers), or undefined for src itself. */
function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts.length < 2) return undefined;
  return parts[0] === 'engines' && parts.length > 2 ? `engines/${parts[1]}` : parts[0];
}

const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Imports that break the layering, as `file -> import (why)`; files are relative to src, `/`-separated. */
function violations(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    const from = folderOf(file);
    if (from === undefined) continue;
    for (const match of text.matchAll(SPECIFIER)) {
      const target = posix.normalize(posix.join(posix.dirname(file), match[1]!));
      if (target.startsWith('../')) continue; // outside src: package.json, schemas, test support
      const to = folderOf(target);
      if (to === undefined || to === from) continue;
      const a = rank.get(from);
      const b = rank.get(to);
      if (a === undefined || b === undefined) {
        found.push(
          `${file} -> ${match[1]} (folder ${a === undefined ? from : to} has no layer: add it to LAYERS)`,
        );
      } else if (b >= a && ALLOWED[`${file} -> ${to}`] === undefined) {
        found.push(
          `${file} -> ${match[1]} (${from} may not import ${to}: ${b > a ? 'a higher layer' : 'a peer'})`,
        );
      }
    }
  }
  return found;
}

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.ts')) files.set(entry.split(sep).join('/'), readFileSync(join(SRC, entry), 'utf8'));
  }
  return files;
}

describe('layering of runtime/src', () => {
  it('finds an import of a higher layer, of a peer, and of a folder with no layer', () => {
    const found = violations(
      new Map([
        ['store/a.ts', "import type { X } from '../server/x.js';\nimport { y } from '../engine/y.js';"],
        ['engines/temporal/b.ts', "export { z } from '../embedded/z.js';"],
        ['engine/c.ts', "const m = await import('../plugins/m.js');"],
      ]),
    );
    expect(found).toEqual([
      'store/a.ts -> ../server/x.js (store may not import server: a higher layer)',
      'engines/temporal/b.ts -> ../embedded/z.js (engines/temporal may not import engines/embedded: a peer)',
      'engine/c.ts -> ../plugins/m.js (folder plugins has no layer: add it to LAYERS)',
    ]);
  });

  it('every import points down', () => {
    const files = sources();
    expect(files.size).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it('every allowed exception is still needed', () => {
    const files = sources();
    const stale = Object.keys(ALLOWED).filter((key) => {
      const [file, to] = key.split(' -> ') as [string, string];
      const text = files.get(file) ?? '';
      return ![...text.matchAll(SPECIFIER)].some(
        (m) => folderOf(posix.normalize(posix.join(posix.dirname(file), m[1]!))) === to,
      );
    });
    expect(stale).toEqual([]);
  });
});
