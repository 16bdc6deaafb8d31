// Every step of the file (nested ones too) with its YAML node, its parent and its sibling list.
import { isMap, type Node, type YAMLMap } from 'yaml';
import type { ParsedWorkflow } from './parse.js';
import { findPair, type Located, locate, locateFrom, type PathSegment, rangeOf } from './positions.js';
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
}

export interface StepIndex {
  all: StepEntry[];
  top: StepEntry[];
  /** First declaration of each id. */
  byId: Map<string, StepEntry>;
}

const MAX_STEP_DEPTH = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `locate(parsed, [...path, index]).node`, given `list = locate(parsed, path)`. */
function itemNode(parsed: ParsedWorkflow, list: Located, index: number): Node | undefined {
  if (!list.complete) return list.node;
  return locateFrom(parsed, list, index).node;
}

export function indexSteps(parsed: ParsedWorkflow, root: unknown): StepIndex {
  const index: StepIndex = { all: [], top: [], byId: new Map() };
  const visit = (
    items: unknown[],
    basePath: PathSegment[],
    parent: StepEntry | undefined,
    list: StepEntry[],
    inMap: boolean,
    single: boolean,
  ) => {
    const depth = parent ? parent.depth + 1 : 0;
    if (depth > MAX_STEP_DEPTH) return;
    // The list's node is found once; each item is then one segment further (as locate would step).
    const list_ = single ? undefined : locate(parsed, basePath);
    for (let i = 0; i < items.length; i++) {
      const value = items[i];
      if (!isObject(value) || typeof value.id !== 'string') continue;
      const path = single ? basePath : [...basePath, i];
      const node = single ? locate(parsed, path).node : itemNode(parsed, list_!, i);
      const map = isMap(node) ? node : undefined;
      const idNode = map ? findPair(map, 'id')?.value : undefined;
      const entry: StepEntry = {
        id: value.id,
        kind: typeof value.kind === 'string' ? value.kind : undefined,
        value,
        node: map,
        path,
        idRange: rangeOf(parsed, (idNode ?? node) as never),
        parent,
        siblings: list,
        children: [],
        inMap,
        depth,
      };
      list.push(entry);
      index.all.push(entry);
      if (!index.byId.has(entry.id)) index.byId.set(entry.id, entry);
      if (entry.kind === 'parallel' && Array.isArray(value.steps)) {
        visit(value.steps, [...path, 'steps'], entry, entry.children, inMap, false);
      } else if (entry.kind === 'map' && isObject(value.step)) {
        visit([value.step], [...path, 'step'], entry, entry.children, true, true);
      }
    }
  };
  const steps = isObject(root) && Array.isArray(root.steps) ? root.steps : [];
  visit(steps, ['steps'], undefined, index.top, false, false);
  return index;
}
