// Incremental parse for checkWorkflow: the text is split into independent chunks (each top-level key, and each
// item of a block `steps:` list), each chunk is parsed on its own and cached by its exact text, and the chunks'
// nodes are stitched into one document whose ranges equal a whole-document parse. Whenever the split is not
// clearly safe (flow-style or odd layout, anchors/aliases/tags, directives or several documents, tabs, a chunk
// with a YAML error or warning), it returns undefined and the caller parses the whole document instead.
import {
  Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { type ParsedWorkflow, parsedWorkflow, YAML_OPTIONS } from './parse.js';

type Range3 = [number, number, number];

/**
 * Nodes owned by one cached chunk that no assembly ever changes except for their ranges (a top-level pair, a
 * `steps` item): whatever depends only on their content (duplicate keys, the JS value) can be cached by them.
 */
const stableNodes = new WeakSet<object>();

/** True for a node of a cached chunk whose content never changes (see stableNodes). */
export function isStableNode(node: unknown): boolean {
  return typeof node === 'object' && node !== null && stableNodes.has(node);
}

const pairValues = new WeakMap<object, [string, unknown]>();
const itemValues = new WeakMap<object, unknown>();

/** A fresh copy of a JSON-like value from toJS (plain objects, arrays, scalars; own `__proto__` keys kept). */
function copyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i]);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copyValue((value as Record<string, unknown>)[key]);
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    } else out[key] = v;
  }
  return out;
}

/**
 * `document.toJS()` of an assembled document (one from parseWorkflowChunked), with the JS value of each stable
 * pair and item computed once and copied after (so no caller shares objects with another check); undefined when
 * the document is not one whose parts are all known.
 */
export function assembledValue(document: Document.Parsed, maxAliasCount: number): unknown {
  const root = document.contents;
  if (!isMap(root) || !assembled.has(root)) return undefined;
  const options = { maxAliasCount };
  const out: Record<string, unknown> = {};
  for (const pair of root.items) {
    let key: string;
    let value: unknown;
    if (isStableNode(pair)) {
      let cached = pairValues.get(pair);
      if (!cached) {
        const single = new YAMLMap();
        single.items = [pair];
        const entries = Object.entries(single.toJS(document, options) as Record<string, unknown>);
        if (entries.length !== 1) return undefined;
        cached = entries[0]!;
        pairValues.set(pair, cached);
      }
      key = cached[0];
      value = copyValue(cached[1]);
    } else {
      // The `steps` pair of a head chunk: its list's items are set at each assembly.
      if (!isScalar(pair.key) || pair.key.value !== 'steps' || !isSeq(pair.value)) return undefined;
      key = 'steps';
      const items: unknown[] = [];
      for (const item of pair.value.items) {
        if (!isStableNode(item)) return undefined;
        let cached = itemValues.get(item as object);
        if (cached === undefined) {
          cached = (item as Node).toJS(document, options);
          itemValues.set(item as object, cached);
        }
        items.push(copyValue(cached));
      }
      value = items;
    }
    if (key in out) {
      Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    } else out[key] = value;
  }
  return out;
}

/** The root maps built by assemble. */
const assembled = new WeakSet<object>();

/**
 * One parsed chunk. Its nodes are shared by every check that reuses it, so they are moved in place: `base` is
 * the offset their ranges currently encode.
 */
interface Chunk {
  /** A top-level pair, or (for a `steps` item chunk) the item. */
  pair: Pair | undefined;
  item: unknown;
  /** For a `steps:` head chunk (the key and the first item): its list, whose items are set at each assembly. */
  seq: YAMLSeq | undefined;
  /** The range of every node in the chunk except `seq`, currently shifted by `base`. */
  ranges: number[][];
  base: number;
  /** Ranges relative to the chunk start: the chunk document's contents (map or list), `seq`, the document. */
  contents: Range3;
  seqRange: Range3 | undefined;
  doc: Range3;
  /** The assembly that last used this chunk (a cached chunk is used at most once per assembly). */
  stamp: number;
  size: number;
}

type ChunkKind = 'pair' | 'head' | 'item';

/** Bound of the cache, in characters of chunk text (about twice the largest file that is checked). */
const MAX_CACHE_CHARS = 2 * 1024 * 1024;
const cache = new Map<string, Chunk>();
let cachedChars = 0;
let assembly = 0;

/** Drops every cached chunk (tests and benchmarks). */
export function clearChunkCache(): void {
  cache.clear();
  cachedChars = 0;
}

const KEY_LINE = /^[A-Za-z_][A-Za-z0-9_-]*[ ]*:(?:[ ]|\r?\n|$)/;
const STEPS_HEADER = /^steps[ ]*:[ ]*(?:#.*)?\r?\n?$/;

function rel(range: readonly number[] | null | undefined): Range3 | undefined {
  return range && range.length >= 3 ? [range[0]!, range[1]!, range[2]!] : undefined;
}

/** Collects node ranges; false when the chunk uses anchors, aliases or explicit tags (chunk-crossing features). */
function collect(node: unknown, out: number[][], depth = 0): boolean {
  if (node === null || node === undefined) return true;
  if (depth > 300 || isAlias(node)) return false;
  if (isPair(node)) return collect(node.key, out, depth + 1) && collect(node.value, out, depth + 1);
  if (!isScalar(node) && !isMap(node) && !isSeq(node)) return false;
  if (node.anchor || node.tag || !node.range) return false;
  out.push(node.range);
  if (isScalar(node)) return true;
  for (const item of node.items) if (!collect(item, out, depth + 1)) return false;
  return true;
}

/**
 * Parses one chunk. A chunk followed by another list item is parsed with a stub of that item after it
 * (`next`: e.g. "  - x\n"), because where its nodes end depends on what follows: after a trailing comment
 * line, a nested block collection ends past the next item's indentation, not at the chunk's last newline.
 * The stub is not part of the result.
 */
function parseChunk(source: string, kind: ChunkKind, next: string): Chunk | undefined {
  const doc = parseDocument(next ? source + next : source, YAML_OPTIONS);
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  const contents = doc.contents;
  const docRange = rel(doc.range);
  const contentsRange = rel(contents?.range);
  if (!docRange || !contentsRange || contents!.anchor || contents!.tag) return undefined;
  const count = next ? 2 : 1;
  const ranges: number[][] = [];
  const chunk: Chunk = {
    pair: undefined,
    item: undefined,
    seq: undefined,
    ranges,
    base: 0,
    contents: contentsRange,
    seqRange: undefined,
    doc: docRange,
    stamp: 0,
    size: source.length,
  };
  if (kind === 'item') {
    if (!isSeq(contents) || contents.items.length !== count) return undefined;
    chunk.item = contents.items[0];
    chunk.seqRange = contentsRange;
    if (!collect(chunk.item, ranges) || !isNode(chunk.item)) return undefined;
    stableNodes.add(chunk.item);
    return chunk;
  }
  if (!isMap(contents) || contents.items.length !== 1) return undefined;
  const pair = contents.items[0]!;
  chunk.pair = pair;
  if (kind === 'pair') {
    if (!collect(pair, ranges)) return undefined;
    stableNodes.add(pair);
    if (isNode(pair.value)) stableNodes.add(pair.value);
    return chunk;
  }
  if (!isSeq(pair.value) || pair.value.items.length !== count) return undefined;
  const seq = pair.value;
  seq.items.length = 1;
  chunk.seq = seq;
  chunk.seqRange = rel(seq.range);
  if (!chunk.seqRange || seq.anchor || seq.tag) return undefined;
  if (!collect(pair.key, ranges) || !collect(seq.items[0], ranges) || !isNode(seq.items[0])) return undefined;
  stableNodes.add(seq.items[0]);
  return chunk;
}

/** The chunk for `text.slice(start, end)` (followed by the item stub `next`), its ranges shifted to `start`. */
function chunkAt(text: string, start: number, end: number, kind: ChunkKind, next = ''): Chunk | undefined {
  const source = text.slice(start, end);
  const key = `${kind}${next.length}|${source}`;
  let chunk = cache.get(key);
  if (chunk && chunk.stamp === assembly) {
    // The same text twice in one file (e.g. two identical steps): a private, uncached copy.
    chunk = parseChunk(source, kind, next);
  } else if (chunk) {
    cache.delete(key);
    cache.set(key, chunk);
  } else {
    chunk = parseChunk(source, kind, next);
    if (!chunk) return undefined;
    cache.set(key, chunk);
    cachedChars += source.length;
    for (const [oldKey, old] of cache) {
      if (cachedChars <= MAX_CACHE_CHARS) break;
      cache.delete(oldKey);
      cachedChars -= old.size;
    }
  }
  if (!chunk) return undefined;
  chunk.stamp = assembly;
  const delta = start - chunk.base;
  if (delta !== 0) {
    for (const r of chunk.ranges) {
      r[0]! += delta;
      r[1]! += delta;
      r[2]! += delta;
    }
    chunk.base = start;
  }
  return chunk;
}

function lineStarts(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  return counter;
}

interface Span {
  start: number;
  end: number;
  /** Item boundaries inside a `steps:` chunk: [head end, ...item starts..., end]. */
  items?: number[];
  /** Indentation of the items' `-`. */
  indent?: number;
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const CR = 13;
const LF = 10;

/** Splits the text at top-level keys and `steps` items; undefined when the layout is not plainly block style. */
function split(text: string): Span[] | undefined {
  if (text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
  // A CR is only a line break's first half here (so a line ending in CR LF is blank-or-content as usual).
  if (text.includes('\r') && /\r(?!\n)/.test(text)) return undefined;
  const spans: Span[] = [];
  let steps: { indent: number; items: number[] } | undefined;
  let stepsHeader = false;
  for (let at = 0; at < text.length; ) {
    let next = text.indexOf('\n', at);
    next = next === -1 ? text.length : next + 1;
    let indent = 0;
    while (text.charCodeAt(at + indent) === SPACE) indent++;
    const c = text.charCodeAt(at + indent);
    const blank = at + indent >= next || c === LF || c === CR || c === HASH;
    if (blank) {
      // Blank and comment lines belong to the chunk they are in.
    } else if (indent === 0 && c !== DASH) {
      const line = text.slice(at, next);
      if (!KEY_LINE.test(line)) return undefined;
      if (steps) Object.assign(spans.at(-1)!, steps);
      steps = undefined;
      stepsHeader = STEPS_HEADER.test(line);
      spans.push({ start: at, end: next });
    } else {
      const span = spans.at(-1);
      if (!span) return undefined;
      if (stepsHeader) {
        // The first content line after `steps:` decides the items' indentation.
        if (c !== DASH || !isIndicator(text, at + indent + 1)) return undefined;
        steps = { indent, items: [] };
        stepsHeader = false;
      } else if (steps && indent <= steps.indent) {
        if (indent < steps.indent || c !== DASH || !isIndicator(text, at + indent + 1)) return undefined;
        steps.items.push(at);
      } else if (indent === 0) return undefined;
    }
    const current = spans.at(-1);
    if (current) current.end = next;
    at = next;
  }
  if (steps) Object.assign(spans.at(-1)!, steps);
  return spans.length > 0 ? spans : undefined;
}

function isIndicator(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return at >= text.length || c === SPACE || c === LF || c === CR;
}

/** Parses `text` chunk by chunk (cached); undefined when only a whole-document parse is safe. */
export function parseWorkflowChunked(text: string): ParsedWorkflow | undefined {
  try {
    return assemble(text);
  } catch {
    // Whatever went wrong here, the whole-document parse reports it properly.
    return undefined;
  }
}

function assemble(text: string): ParsedWorkflow | undefined {
  const spans = split(text);
  if (!spans) return undefined;
  assembly++;
  const pairs: Pair[] = [];
  let last: Chunk | undefined;
  let lastStart = 0;
  for (const span of spans) {
    const items = span.items;
    if (!items) {
      const chunk = chunkAt(text, span.start, span.end, 'pair');
      if (!chunk) return undefined;
      pairs.push(chunk.pair!);
      last = chunk;
      lastStart = span.start;
      continue;
    }
    // Every chunk but the list's last is followed by an item at the list's indentation.
    const stub = `${' '.repeat(span.indent ?? 0)}- x\n`;
    const headEnd = items[0] ?? span.end;
    const head = chunkAt(text, span.start, headEnd, 'head', items.length > 0 ? stub : '');
    if (!head) return undefined;
    const seq = head.seq!;
    seq.items.length = 1;
    let seqEnd = head.seqRange!;
    let seqEndStart = span.start;
    last = head;
    lastStart = span.start;
    for (let i = 0; i < items.length; i++) {
      const start = items[i]!;
      const chunk = chunkAt(text, start, items[i + 1] ?? span.end, 'item', i + 1 < items.length ? stub : '');
      if (!chunk) return undefined;
      seq.items.push(chunk.item);
      seqEnd = chunk.seqRange!;
      seqEndStart = start;
      last = chunk;
      lastStart = start;
    }
    // Only the list's start comes from the head chunk; its end is the last item's (parsed without a stub).
    seq.range = [head.seqRange![0] + span.start, seqEnd[1] + seqEndStart, seqEnd[2] + seqEndStart];
    pairs.push(head.pair!);
  }
  const root = new YAMLMap();
  root.items = pairs;
  assembled.add(root);
  const rootStart = (pairs[0]!.key as Node).range![0]!;
  // A block map ends where its last value's node ends (trailing comments included).
  const lastIsItem = last!.item !== undefined;
  const rootEnd = (lastIsItem ? last!.seqRange![2] : last!.contents[1]) + lastStart;
  root.range = [rootStart, rootEnd, lastIsItem ? rootEnd : last!.contents[2] + lastStart];
  const document = new Document(undefined, YAML_OPTIONS) as unknown as Document.Parsed;
  document.contents = root as never;
  document.range = [rootStart, last!.doc[1] + lastStart, last!.doc[2] + lastStart];
  return parsedWorkflow(text, document, lineStarts(text), []);
}
