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
  path: PathSegment[];
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
  /** What locating `path` from the root finds (locate continues from here for paths inside the step). */
  located: Located;
}

export interface StepIndex {
  all: StepEntry[];
  top: StepEntry[];
  /** First declaration of each id. */
  byId: Map<string, StepEntry>;
  /** The expression sites of the steps, in the order of `all` (found in the walk over each step's keys). */
  sites: ExpressionSite[];
}

const MAX_STEP_DEPTH = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `[...path, segment]`, copied by hand (spread and concat are generic and slow; this runs for every step). */
function withSegment(path: readonly PathSegment[], segment: PathSegment): PathSegment[] {
  const length = path.length;
  const out: PathSegment[] = new Array(length + 1);
  for (let i = 0; i < length; i++) out[i] = path[i]!;
  out[length] = segment;
  return out;
}

/** One segment further (what locate does for the next segment), staying put once a segment was missing. */
function further(parsed: ParsedWorkflow, from: Located, segment: PathSegment): Located {
  return from.complete ? locateFrom(parsed, from, segment) : from;
}

export function indexSteps(parsed: ParsedWorkflow, root: unknown): StepIndex {
  const index: StepIndex = { all: [], top: [], byId: new Map(), sites: [] };
  // `based` is locate(parsed, basePath): nested lists continue from their step's location instead of walking
  // again from the root (the same result, as locate goes one segment at a time).
  const visit = (
    items: unknown[],
    basePath: PathSegment[],
    based: Located,
    parent: StepEntry | undefined,
    list: StepEntry[],
    inMap: boolean,
    single: boolean,
  ) => {
    const depth = parent ? parent.depth + 1 : 0;
    if (depth > MAX_STEP_DEPTH) return;
    for (let i = 0; i < items.length; i++) {
      const value = items[i];
      if (!isObject(value) || typeof value.id !== 'string') continue;
      const path = single ? basePath : withSegment(basePath, i);
      const located = single ? based : further(parsed, based, i);
      const node = located.node;
      const map = isMapNode(node) ? node : undefined;
      const entry: StepEntry = {
        id: value.id,
        kind: typeof value.kind === 'string' ? value.kind : undefined,
        value,
        node: map,
        path,
        // Set below, after the walk over the step's keys finds its `id`.
        idRange: undefined as unknown as SourceRange,
        parent,
        siblings: list,
        children: [],
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
      if (index.byId.get(entry.id) === undefined) index.byId.set(entry.id, entry);
      if (entry.kind === 'parallel' && Array.isArray(value.steps)) {
        const steps = further(parsed, located, 'steps');
        visit(value.steps, withSegment(path, 'steps'), steps, entry, entry.children, inMap, false);
      } else if (entry.kind === 'map' && isObject(value.step)) {
        const step = further(parsed, located, 'step');
        visit([value.step], withSegment(path, 'step'), step, entry, entry.children, true, true);
      }
    }
  };
  const steps = isObject(root) && Array.isArray(root.steps) ? root.steps : [];
  visit(steps, ['steps'], locate(parsed, ['steps']), undefined, index.top, false, false);
  return index;
}
