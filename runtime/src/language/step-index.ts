// Every step of the file (nested ones too) with its YAML node, its parent and its sibling list.
import type { YAMLMap } from 'yaml';
import type { ParsedWorkflow } from './parse.js';
import {
  isMapNode,
  keyOf,
  type Located,
  locate,
  locateFrom,
  type PathSegment,
  rangeOf,
} from './positions.js';
import { type ExpressionSite, stepPairSites } from './semantic/expression-sites.js';
import type { SourceRange } from './types.js';

export interface StepEntry {
  id: string;
  kind: string | undefined;
  value: Record<string, unknown>;
  node: YAMLMap | undefined;
  idRange: SourceRange;
  parent: StepEntry | undefined;
  /** The list this step belongs to (top-level steps, a parallel's steps, or a map's single step). */
  siblings: StepEntry[];
  children: StepEntry[];
  /** Inside a map step: `item` and `index` are in scope. */
  inMap: boolean;
  depth: number;
  /** Position in `StepIndex.all` (graph algorithms index arrays by it). */
  order: number;
  /** What locating the step's path from the root finds (locate continues from here for paths inside the step). */
  located: Located;
}

export interface StepIndex {
  all: StepEntry[];
  top: StepEntry[];
  /** First declaration of each id. */
  byId: Map<string, StepEntry>;
  /** The steps whose id an earlier step already has, in the order of `all`. */
  duplicates: StepEntry[];
  /** The expression sites of the steps, in the order of `all` (found in the walk over each step's keys). */
  sites: ExpressionSite[];
}

const MAX_STEP_DEPTH = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One segment further (what locate does for the next segment), staying put once a segment was missing. */
function further(parsed: ParsedWorkflow, from: Located, segment: PathSegment): Located {
  return from.complete ? locateFrom(parsed, from, segment) : from;
}

/** A step list to index: what visit needs besides the list (one object per list, not a closure per check). */
interface Walk {
  parsed: ParsedWorkflow;
  index: StepIndex;
}

const NO_CHILDREN: StepEntry[] = Object.freeze([]) as unknown as StepEntry[];

/**
 * The steps of `items` (a list, or the single step of a map when `single`), located from `based`, which is
 * locate(parsed, path of the list): nested lists continue from their step's location instead of walking again
 * from the root (the same result, as locate goes one segment at a time).
 */
function visit(
  walk: Walk,
  items: unknown[],
  based: Located,
  parent: StepEntry | undefined,
  list: StepEntry[],
  inMap: boolean,
  single: boolean,
): void {
  const { parsed, index } = walk;
  const depth = parent ? parent.depth + 1 : 0;
  if (depth > MAX_STEP_DEPTH) return;
  for (let i = 0; i < items.length; i++) {
    const value = items[i];
    if (!isObject(value)) continue;
    const id = value.id;
    if (typeof id !== 'string') continue;
    const located = single ? based : further(parsed, based, i);
    const node = located.node;
    const map = isMapNode(node) ? node : undefined;
    const kind = typeof value.kind === 'string' ? value.kind : undefined;
    const parallel = kind === 'parallel' && Array.isArray(value.steps);
    const mapped = !parallel && kind === 'map' && isObject(value.step);
    const entry: StepEntry = {
      id,
      kind,
      value,
      node: map,
      // Set below, after the walk over the step's keys finds its `id`.
      idRange: undefined as unknown as SourceRange,
      parent,
      siblings: list,
      // Only parallel and map steps have children (visit fills their list); the others share an empty one.
      children: parallel || mapped ? [] : NO_CHILDREN,
      inMap,
      depth,
      order: index.all.length,
      located,
    };
    // One walk over the step's keys: the node of its `id` (the last `id` pair, as findPair finds it) and the
    // expression sites of the other keys.
    let idNode: unknown;
    if (map) {
      const pairs = map.items;
      for (let p = 0; p < pairs.length; p++) {
        const pair = pairs[p]!;
        const key = keyOf(pair);
        if (key === 'id') idNode = pair.value;
        else if (typeof key === 'string') stepPairSites(parsed, entry, key, pair.value, index.sites);
      }
    }
    entry.idRange = rangeOf(parsed, (idNode ?? node) as never);
    list.push(entry);
    index.all.push(entry);
    if (index.byId.get(id) === undefined) index.byId.set(id, entry);
    else index.duplicates.push(entry);
    if (parallel) {
      const steps = further(parsed, located, 'steps');
      visit(walk, value.steps as unknown[], steps, entry, entry.children, inMap, false);
    } else if (mapped) {
      const step = further(parsed, located, 'step');
      visit(walk, [value.step], step, entry, entry.children, true, true);
    }
  }
}

export function indexSteps(parsed: ParsedWorkflow, root: unknown): StepIndex {
  const index: StepIndex = { all: [], top: [], byId: new Map(), duplicates: [], sites: [] };
  const steps = isObject(root) && Array.isArray(root.steps) ? root.steps : [];
  visit({ parsed, index }, steps, locate(parsed, ['steps']), undefined, index.top, false, false);
  return index;
}
