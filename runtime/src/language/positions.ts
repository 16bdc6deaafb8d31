// Finding YAML nodes by path and turning them into source ranges.
import type { Alias, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ParsedWorkflow } from './parse.js';
import type { SourceRange } from './types.js';

export type PathSegment = string | number;

// yaml's node-type checks, written here as yaml writes them (identity.js: a registered symbol per type): called
// for every node the checker visits, and a bundled import of yaml's own functions goes through a getter per call.
const NODE_TYPE = Symbol.for('yaml.node.type');
const ALIAS = Symbol.for('yaml.alias');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');

type Typed = { [NODE_TYPE]?: symbol };
export const isAliasNode = (node: unknown): node is Alias =>
  !!node && typeof node === 'object' && (node as Typed)[NODE_TYPE] === ALIAS;
export const isMapNode = (node: unknown): node is YAMLMap =>
  !!node && typeof node === 'object' && (node as Typed)[NODE_TYPE] === MAP;
export const isPairNode = (node: unknown): node is Pair =>
  !!node && typeof node === 'object' && (node as Typed)[NODE_TYPE] === PAIR;
export const isScalarNode = (node: unknown): node is Scalar =>
  !!node && typeof node === 'object' && (node as Typed)[NODE_TYPE] === SCALAR;
export const isSeqNode = (node: unknown): node is YAMLSeq =>
  !!node && typeof node === 'object' && (node as Typed)[NODE_TYPE] === SEQ;

export function keyOf(pair: Pair): unknown {
  const key = pair.key;
  return isScalarNode(key) ? key.value : key;
}

/** The last pair with this key (the one whose value wins). */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  const items = map.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const pair = items[i]!;
    // keyOf(pair) === key, without the node-type checks: only a scalar key has a string `value` (collections
    // and aliases have none), and a key that is not a node is compared as it is.
    const k = pair.key as { value?: unknown } | null;
    if ((k !== null && typeof k === 'object' ? k.value : k) === key && keyOf(pair) === key) return pair;
  }
  return undefined;
}

export function pairValue(map: YAMLMap, key: string): Node | undefined {
  const value = findPair(map, key)?.value;
  return value && typeof value === 'object' ? (value as Node) : undefined;
}

function resolveAlias(parsed: ParsedWorkflow, node: unknown): unknown {
  if (isAliasNode(node)) {
    try {
      return node.resolve(parsed.document);
    } catch {
      return node;
    }
  }
  return node;
}

export interface Located {
  /** The deepest node reached. */
  node: Node | undefined;
  /** The pair holding that node, when it is a mapping value. */
  pair: Pair | undefined;
  /** True when every segment was found. */
  complete: boolean;
}

export function locate(parsed: ParsedWorkflow, path: readonly PathSegment[]): Located {
  let located: Located = {
    node: resolveAlias(parsed, parsed.document.contents) as Node | undefined,
    pair: undefined,
    complete: true,
  };
  for (const segment of path) {
    located = locateFrom(parsed, located, segment);
    if (!located.complete) return located;
  }
  return located;
}

/** One path segment further from a complete `located` (what locate does for each segment). */
export function locateFrom(parsed: ParsedWorkflow, located: Located, segment: PathSegment): Located {
  let { node, pair } = located;
  if (isMapNode(node)) {
    const next = findPair(node, String(segment));
    if (!next) return { node, pair, complete: false };
    pair = next;
    node = resolveAlias(parsed, next.value) as Node | undefined;
  } else if (isSeqNode(node)) {
    const index = typeof segment === 'number' ? segment : Number(segment);
    const item = node.items[index];
    if (item === undefined) return { node, pair, complete: false };
    pair = isPairNode(item) ? item : undefined;
    node = resolveAlias(parsed, isPairNode(item) ? item.value : item) as Node | undefined;
  } else {
    return { node, pair, complete: false };
  }
  if (!node) return { node: pair?.key as Node | undefined, pair, complete: false };
  return { node, pair, complete: true };
}

export function rangeOf(
  parsed: ParsedWorkflow,
  node: { range?: readonly number[] | null } | null | undefined,
): SourceRange {
  const range = node?.range;
  if (!range) return parsed.toRange(0, 0);
  return parsed.toRange(range[0]!, range[1]!);
}

/** A range that never spans more than the first line of a node (mappings and lists are shown by their start). */
export function headRange(parsed: ParsedWorkflow, node: Node | undefined): SourceRange {
  if (isMapNode(node) || isSeqNode(node)) {
    const first = node.items[0];
    if (isPairNode(first) && first.key) return rangeOf(parsed, first.key as Node);
    if (first && !isPairNode(first)) return headRange(parsed, first as Node);
    return rangeOf(parsed, node);
  }
  return rangeOf(parsed, node);
}

export function pathFromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function describePath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out || '(root)';
}

/**
 * Maps offsets inside a scalar's parsed value to offsets in the source text. Exact for plain and quoted
 * scalars without escapes; for folded/escaped text it aligns word by word (best effort).
 */
export function scalarOffsetMapper(text: string, node: Node, value: string): (offset: number) => number {
  const [start, end] = (node.range ?? [0, 0]) as [number, number];
  for (const shift of [0, 1]) {
    if (text.startsWith(value, start + shift) && start + shift + value.length <= end) {
      return (offset) => start + shift + offset;
    }
  }
  const anchors: Array<[valueStart: number, sourceStart: number, length: number]> = [];
  let cursor = start;
  for (const match of value.matchAll(/\S+/g)) {
    const at = text.indexOf(match[0], cursor);
    if (at === -1 || at + match[0].length > end) continue;
    anchors.push([match.index!, at, match[0].length]);
    cursor = at + match[0].length;
  }
  return (offset) => {
    let best = start;
    for (const [vs, ss, len] of anchors) {
      if (offset < vs) break;
      best = offset <= vs + len ? ss + (offset - vs) : ss + len;
    }
    return best;
  };
}
