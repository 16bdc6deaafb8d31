// The step DAG: explicit needs, implied needs (expressions, decisions), cycles and unreachable steps.
import type { Node, YAMLSeq } from 'yaml';
import { isSeqNode, locateFrom, rangeOf } from '../positions.js';
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
 * The list at `segments` inside a step, or undefined when it is not a list. Located from the step's own
 * location, which is what locating the whole path from the root does (one segment at a time).
 */
function listAt(
  context: CheckContext,
  entry: StepEntry,
  s1: string | number,
  s2?: string | number,
  s3?: string | number,
): YAMLSeq | undefined {
  let located = entry.located;
  if (!located.complete) return undefined;
  located = locateFrom(context.parsed, located, s1);
  if (s2 !== undefined) {
    if (!located.complete) return undefined;
    located = locateFrom(context.parsed, located, s2);
    if (s3 !== undefined) {
      if (!located.complete) return undefined;
      located = locateFrom(context.parsed, located, s3);
    }
  }
  return located.complete && isSeqNode(located.node) ? located.node : undefined;
}

/** The range of item `i` of a list of ids (or of the step's id when the list has no such item node). */
class ItemRange implements Ranged {
  constructor(
    private readonly context: CheckContext,
    private readonly list: YAMLSeq | undefined,
    private readonly i: number,
    private readonly entry: StepEntry,
  ) {}

  range(): SourceRange {
    const items = this.list?.items;
    if (items && this.i < items.length) return rangeOf(this.context.parsed, items[this.i] as Node);
    return this.entry.idRange;
  }
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
  }

  resolve(id: unknown, where: Ranged): StepEntry | undefined {
    if (typeof id !== 'string') return undefined;
    const target = this.context.index.byId.get(id);
    if (!target) {
      report(
        this.context,
        'unknown-step',
        `unknown step \`${id}\`${didYouMean(id, this.context.index.byId.keys())}`,
        where.range(),
      );
    }
    return target;
  }
}

function addExplicitEdges(context: CheckContext, graph: Graph): void {
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const entry = all[n]!;
    const needs = entry.value.needs;
    if (!Array.isArray(needs) || needs.length === 0) continue;
    const list = listAt(context, entry, 'needs');
    for (let i = 0; i < needs.length; i++) {
      const where = new ItemRange(context, list, i, entry);
      const target = graph.resolve(needs[i], where);
      if (target) graph.add(entry, target, where, 'needs');
    }
  }
}

/** The `then` of branch `b` of a decision, or its `otherwise` when `b` is -1: ids chosen by the decision. */
function addChosen(context: CheckContext, graph: Graph, decision: StepEntry, ids: unknown, b: number): void {
  if (!Array.isArray(ids)) return;
  const list =
    b === -1 ? listAt(context, decision, 'otherwise') : listAt(context, decision, 'branches', b, 'then');
  for (let i = 0; i < ids.length; i++) {
    const where = new ItemRange(context, list, i, decision);
    const target = graph.resolve(ids[i], where);
    if (!target) continue;
    if (target.siblings !== decision.siblings) {
      report(
        context,
        'unknown-step',
        `\`${target.id}\` is not in the same step list as decision \`${decision.id}\``,
        where.range(),
      );
      continue;
    }
    if (target === decision) {
      report(context, 'cycle', `dependency cycle: decision \`${decision.id}\` chooses itself`, where.range());
      continue;
    }
    graph.add(target, decision, where, 'is chosen by');
    const gates = graph.gates.get(target);
    if (!gates) graph.gates.set(target, [decision]);
    else if (!gates.includes(decision)) gates.push(decision);
  }
}

function addDecisionEdges(context: CheckContext, graph: Graph): void {
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const decision = all[n]!;
    if (decision.kind !== 'decision') continue;
    const branches = decision.value.branches;
    if (Array.isArray(branches)) {
      for (let b = 0; b < branches.length; b++) {
        addChosen(context, graph, decision, (branches[b] as { then?: unknown } | null | undefined)?.then, b);
      }
    }
    addChosen(context, graph, decision, decision.value.otherwise, -1);
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
  // Fixed-size stacks with their own tops: arrays shrunk to empty and grown again would reallocate per root.
  const stack = new Int32Array(count);
  let stackTop = 0;
  // The depth-first path: each node with its next out-edge to follow (undefined: none left).
  const workNode = new Int32Array(count);
  const workEdge: Array<Edge | undefined> = new Array(count).fill(undefined);
  let workTop = 0;
  const components: StepEntry[][] = [];
  let counter = 0;
  for (let first = 0; first < count; first++) {
    if (index[first] !== -1) continue;
    let enter = first;
    while (enter !== -1 || workTop > 0) {
      if (enter !== -1) {
        index[enter] = counter;
        low[enter] = counter;
        counter++;
        stack[stackTop++] = enter;
        onStack[enter] = 1;
        workNode[workTop] = enter;
        workEdge[workTop] = graph.out(nodes[enter]!);
        workTop++;
        enter = -1;
      }
      const top = workTop - 1;
      const node = workNode[top]!;
      const edge = workEdge[top];
      if (edge) {
        workEdge[top] = edge.next;
        const next = edge.to.order;
        if (index[next] === -1) enter = next;
        else if (onStack[next]) low[node] = Math.min(low[node]!, index[next]!);
        continue;
      }
      workEdge[top] = undefined;
      workTop = top;
      if (top > 0) {
        const parent = workNode[top - 1]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        if (stack[stackTop - 1] === node) {
          // A component of one step: never a cycle (a step never needs itself), so not kept.
          stackTop--;
          onStack[node] = 0;
          continue;
        }
        const component: StepEntry[] = [];
        let member: number;
        do {
          member = stack[--stackTop]!;
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

/**
 * The `needs` of each step spec: the ids its out-edges lead to, each once, in the order the edges were added
 * (explicit needs first, as listed). Set once the edges are known, in arrays of their final size (pushing edge
 * by edge grows an array per step).
 */
function setNeeds(context: CheckContext, graph: Graph): void {
  const specs = context.specs;
  const all = context.index.all;
  for (let order = 0; order < specs.length; order++) {
    const spec = specs[order];
    const first = spec && graph.out(all[order]!);
    if (!first) continue;
    let count = 0;
    for (let e: Edge | undefined = first; e; e = e.next) count++;
    const needs: string[] = new Array(count);
    let n = 0;
    for (let e: Edge | undefined = first; e; e = e.next) {
      const id = e.to.id;
      let seen = false;
      for (let i = 0; i < n && !seen; i++) seen = needs[i] === id;
      if (!seen) needs[n++] = id;
    }
    needs.length = n;
    spec.needs = needs;
  }
}

export function checkGraph(context: CheckContext, references: readonly StepReference[]): void {
  const graph = new Graph(context);
  addExplicitEdges(context, graph);
  addDecisionEdges(context, graph);
  for (let n = 0; n < references.length; n++) {
    const ref = references[n]!;
    graph.add(ref.from, ref.to, ref, 'reads the output of');
  }
  setNeeds(context, graph);
  reportCycles(context, graph);
  reportUnreachable(context, graph);
}
