// The step DAG: explicit needs, implied needs (expressions, decisions), cycles and unreachable steps.
import { isSeq, type Node } from 'yaml';
import { locateFrom, rangeOf } from '../positions.js';
import type { StepEntry } from '../step-index.js';
import { didYouMean } from '../suggest.js';
import type { SourceRange } from '../types.js';
import { type CheckContext, report } from './context.js';
import type { StepReference } from './expressions.js';

interface Edge {
  /** `from` needs `to`; both in the same step list. */
  from: StepEntry;
  to: StepEntry;
  /** Where the dependency is written. */
  source: Ranged;
  /** The next out-edge of `from`, in the order added. */
  next: Edge | undefined;
}

interface Ranged {
  range(): SourceRange;
}

/** The pair `representatives` found (module state rather than an array per edge). */
let repFrom: StepEntry | undefined;
let repTo: StepEntry | undefined;

/**
 * The ancestors (or selves) of `from` and `to` that share a step list (left in repFrom and repTo), or why there
 * are none.
 */
function representatives(from: StepEntry, to: StepEntry): 'pair' | 'self' | 'container' {
  // The common case, two steps of one list, without walking the chains.
  if (from.siblings === to.siblings) {
    if (from === to) return 'self';
    repFrom = from;
    repTo = to;
    return 'pair';
  }
  // For each list on `from`'s chain (nearest first), the ancestor of `to` in that list, if any: a list holds
  // at most one step of a chain, and chains are a few steps long.
  for (let a: StepEntry | undefined = from; a; a = a.parent) {
    let b: StepEntry | undefined = to;
    while (b && b.siblings !== a.siblings) b = b.parent;
    if (!b) continue;
    if (a !== b) {
      repFrom = a;
      repTo = b;
      return 'pair';
    }
    return from === to ? 'self' : 'container';
  }
  return 'container';
}

/**
 * The item ranges of the list at `segments` inside a step, or [] when it is not a list. Located from the
 * step's own location, which is what locating the whole path from the root does (one segment at a time).
 */
function itemRanges(
  context: CheckContext,
  entry: StepEntry,
  segments: readonly (string | number)[],
): Array<() => SourceRange> {
  let located = entry.located;
  for (const segment of segments) {
    if (!located.complete) return [];
    located = locateFrom(context.parsed, located, segment);
  }
  if (!located.complete || !isSeq(located.node)) return [];
  return located.node.items.map((item) => () => rangeOf(context.parsed, item as Node));
}

class Graph {
  /** First and last out-edge of each step, by its `order` (a list linked by `next`). */
  private readonly first: Array<Edge | undefined>;
  private readonly last: Array<Edge | undefined>;
  /** Decision steps gating each step (via then/otherwise), each once, in the order found. */
  readonly gates = new Map<StepEntry, StepEntry[]>();

  constructor(private readonly context: CheckContext) {
    this.first = new Array(context.index.all.length);
    this.last = new Array(context.index.all.length);
  }

  /** The first out-edge of a step (the others follow by `next`). */
  out(entry: StepEntry): Edge | undefined {
    return this.first[entry.order];
  }

  /** The steps a step needs, in the order their edges were added. */
  deps(entry: StepEntry): StepEntry[] {
    const out: StepEntry[] = [];
    for (let e = this.first[entry.order]; e; e = e.next) out.push(e.to);
    return out;
  }

  add(from: StepEntry, to: StepEntry, source: Ranged, how: string): void {
    const reps = representatives(from, to);
    if (reps === 'self') {
      report(
        this.context,
        'cycle',
        `dependency cycle: ${from.id} -> ${from.id} (${how} itself)`,
        source.range(),
      );
      return;
    }
    if (reps === 'container') {
      const message = `dependency cycle: \`${from.id}\` ${how} \`${to.id}\`, which contains it or is contained in it`;
      report(this.context, 'cycle', message, source.range());
      return;
    }
    const a = repFrom!;
    const b = repTo!;
    for (let e = this.first[a.order]; e; e = e.next) if (e.to === b) return;
    const edge: Edge = { from: a, to: b, source, next: undefined };
    const last = this.last[a.order];
    if (last) last.next = edge;
    else this.first[a.order] = edge;
    this.last[a.order] = edge;
    // A new edge: `b` is not among `a`'s needs unless listed explicitly there.
    const needs = this.context.needs.get(a);
    if (needs && !needs.includes(b.id)) needs.push(b.id);
  }

  resolve(id: unknown, range: () => SourceRange): StepEntry | undefined {
    if (typeof id !== 'string') return undefined;
    const target = this.context.index.byId.get(id);
    if (!target) {
      report(
        this.context,
        'unknown-step',
        `unknown step \`${id}\`${didYouMean(id, this.context.index.byId.keys())}`,
        range(),
      );
    }
    return target;
  }
}

function addExplicitEdges(context: CheckContext, graph: Graph): void {
  for (const entry of context.index.all) {
    const needs = entry.value.needs;
    if (!Array.isArray(needs) || needs.length === 0) continue;
    const ranges = itemRanges(context, entry, ['needs']);
    needs.forEach((id, i) => {
      const range = ranges[i] ?? (() => entry.idRange);
      const target = graph.resolve(id, range);
      if (target) graph.add(entry, target, { range }, 'needs');
    });
  }
}

function addDecisionEdges(context: CheckContext, graph: Graph): void {
  for (const decision of context.index.all) {
    if (decision.kind !== 'decision') continue;
    const lists: Array<[unknown, (string | number)[]]> = [];
    const branches = Array.isArray(decision.value.branches) ? decision.value.branches : [];
    branches.forEach((branch, i) => {
      lists.push([(branch as { then?: unknown })?.then, ['branches', i, 'then']]);
    });
    lists.push([decision.value.otherwise, ['otherwise']]);
    for (const [ids, segments] of lists) {
      if (!Array.isArray(ids)) continue;
      const ranges = itemRanges(context, decision, segments);
      ids.forEach((id, i) => {
        const range = ranges[i] ?? (() => decision.idRange);
        const target = graph.resolve(id, range);
        if (!target) return;
        if (target.siblings !== decision.siblings) {
          report(
            context,
            'unknown-step',
            `\`${target.id}\` is not in the same step list as decision \`${decision.id}\``,
            range(),
          );
          return;
        }
        if (target === decision) {
          report(context, 'cycle', `dependency cycle: decision \`${decision.id}\` chooses itself`, range());
          return;
        }
        graph.add(target, decision, { range }, 'is chosen by');
        const gates = graph.gates.get(target);
        if (!gates) graph.gates.set(target, [decision]);
        else if (!gates.includes(decision)) gates.push(decision);
      });
    }
  }
}

/**
 * Tarjan's strongly connected components of two steps or more, iterative (no recursion on deep graphs). Nodes
 * are numbered by `order` (their place in `nodes`); the per-node state lives in typed arrays indexed by it.
 */
function stronglyConnected(nodes: readonly StepEntry[], graph: Graph): StepEntry[][] {
  const count = nodes.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: StepEntry[][] = [];
  let counter = 0;
  // The depth-first path: each node with its next out-edge to follow (undefined: none left).
  const workNode: number[] = [];
  const workEdge: Array<Edge | undefined> = [];
  const enter = (node: number) => {
    index[node] = counter;
    low[node] = counter;
    counter++;
    stack.push(node);
    onStack[node] = 1;
    workNode.push(node);
    workEdge.push(graph.out(nodes[node]!));
  };
  for (let first = 0; first < count; first++) {
    if (index[first] !== -1) continue;
    enter(first);
    while (workNode.length > 0) {
      const top = workNode.length - 1;
      const node = workNode[top]!;
      const edge = workEdge[top];
      if (edge) {
        workEdge[top] = edge.next;
        const next = edge.to.order;
        if (index[next] === -1) enter(next);
        else if (onStack[next]) low[node] = Math.min(low[node]!, index[next]!);
        continue;
      }
      workNode.length = top;
      workEdge.length = top;
      if (top > 0) {
        const parent = workNode[top - 1]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        if (stack[stack.length - 1] === node) {
          // A component of one step: never a cycle (a step never needs itself), so not kept.
          stack.pop();
          onStack[node] = 0;
          continue;
        }
        const component: StepEntry[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(nodes[member]!);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}

function reportCycles(context: CheckContext, graph: Graph): void {
  for (const component of stronglyConnected(context.index.all, graph)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const start = component.reduce((a, b) => (a.order < b.order ? a : b));
    // Shortest path back to start within the component.
    const previous = new Map<StepEntry, Edge>();
    const queue = [start];
    let closing: Edge | undefined;
    while (queue.length > 0 && !closing) {
      const node = queue.shift()!;
      for (let edge = graph.out(node); edge; edge = edge.next) {
        if (!members.has(edge.to)) continue;
        if (edge.to === start) {
          closing = edge;
          break;
        }
        if (!previous.has(edge.to)) {
          previous.set(edge.to, edge);
          queue.push(edge.to);
        }
      }
    }
    if (!closing) continue;
    const path: Edge[] = [closing];
    for (let e = previous.get(closing.from); e; e = previous.get(e.from)) path.unshift(e);
    const names = [start.id, ...path.map((e) => e.to.id)];
    // Point at a forward reference (to a step declared later): that is usually the mistake.
    const blamed = path.find((e) => e.to.order > e.from.order) ?? path[0]!;
    report(context, 'cycle', `dependency cycle: ${names.join(' -> ')}`, blamed.source.range());
  }
}

function reportUnreachable(context: CheckContext, graph: Graph): void {
  const unreachable = new Set<StepEntry>();
  for (const [step, gates] of graph.gates) {
    if (gates.length < 2) continue;
    unreachable.add(step);
    const names = gates.map((d) => `\`${d.id}\``).join(' and ');
    report(
      context,
      'unreachable-step',
      `\`${step.id}\` is chosen by two decisions (${names}); a step can be chosen by one decision only`,
      step.idRange,
    );
  }
  // Nothing can become unreachable unless something already is.
  let changed = unreachable.size > 0;
  while (changed) {
    changed = false;
    for (const step of context.index.all) {
      if (unreachable.has(step)) continue;
      const deps = graph.deps(step);
      const gate = graph.gates.get(step)?.find((d) => unreachable.has(d));
      const parentDead = step.parent && unreachable.has(step.parent);
      const allDead = deps.length > 0 && deps.every((d) => unreachable.has(d));
      if (!gate && !allDead && !parentDead) continue;
      unreachable.add(step);
      changed = true;
      if (parentDead) continue;
      const cause = gate ?? deps[0]!;
      report(
        context,
        'unreachable-step',
        `\`${step.id}\` can never run: it depends on \`${cause.id}\`, which can never run`,
        step.idRange,
        'warning',
      );
    }
  }
}

export function checkGraph(context: CheckContext, references: readonly StepReference[]): void {
  const graph = new Graph(context);
  addExplicitEdges(context, graph);
  addDecisionEdges(context, graph);
  for (const ref of references) graph.add(ref.from, ref.to, ref, 'reads the output of');
  reportCycles(context, graph);
  reportUnreachable(context, graph);
}
