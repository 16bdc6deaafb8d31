// The workflow graph the webview draws, computed from the checker's definition (the same check the
// diagnostics use). Pure: no VS Code, no layout. Nodes are steps, plus one join node after each
// parallel or map step; edges point from what runs first to what runs after it.
import type { Diagnostic, StepSpec, WorkflowDefinition } from '../language/runtime.js';

export type NodeKind = StepSpec['kind'] | 'join';

export type EdgeKind =
  /** A dependency: `needs`, or a `steps.X` reference in an expression. */
  | 'needs'
  /** A decision branch (labelled with its `when`). */
  | 'branch'
  /** A decision's `otherwise`. */
  | 'otherwise'
  /** A parallel step starting one of its steps. */
  | 'fanout'
  /** A map step running its template step for each item. */
  | 'each'
  /** Into a parallel's or map's join node. */
  | 'join';

export interface GraphNode {
  /** The step id; `ID#join` for the join node of a parallel or map step. */
  id: string;
  kind: NodeKind;
  label: string;
  /** One short line: the model, tool or agent, the item expression, the branch count. */
  detail: string;
  /** The enclosing parallel or map step. */
  parent?: string;
  /** The step whose YAML this node stands for (a join node's parallel/map step). */
  step: string;
  /** The step's `id` value in the file (0-based offsets, 1-based line). */
  range?: { start: number; end: number; line: number };
  /** Errors and warnings reported inside the step. */
  problems?: { errors: number; warnings: number; first: string };
  /** Set on map steps: the item expression. */
  items?: string;
  /** Set on steps with a condition. */
  condition?: string;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface GraphModel {
  workflow: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Where each step's YAML is: from the line of its `- ` to before the next sibling (0-based offsets). */
export interface StepExtent {
  step: string;
  start: number;
  end: number;
  depth: number;
}

const LABEL_MAX = 48;

export function shorten(text: string, max = LABEL_MAX): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function detailOf(step: StepSpec): string {
  switch (step.kind) {
    case 'llm':
      return `model ${step.model}`;
    case 'agent':
      return `agent ${step.agent}`;
    case 'tool':
      return `tool ${step.tool}`;
    case 'decision':
      return `${step.branches.length} branch${step.branches.length === 1 ? '' : 'es'}${step.otherwise ? ' + otherwise' : ''}`;
    case 'parallel':
      return `${step.steps.length} at once`;
    case 'map':
      return `each of ${shorten(step.items, 32)}${step.concurrency ? ` · ${step.concurrency} at a time` : ''}`;
    case 'debate':
      return `${step.participants.length} debaters · ${step.rounds} rounds`;
    case 'approval':
      return `waits for ${step.decisions.join(' / ')}${step.timeoutMs !== undefined ? ` · ${step.onTimeout} after ${step.timeoutMs / 1000}s` : ''}`;
    case 'workflow':
      return `workflow ${shorten(step.workflow, 40)}`;
  }
}

/** The node a step is left by: its join node for parallel and map steps, else the step itself. */
export const exitOf = (step: StepSpec): string =>
  step.kind === 'parallel' || step.kind === 'map' ? `${step.id}#join` : step.id;

export function graphModel(
  definition: WorkflowDefinition,
  diagnostics: Diagnostic[] = [],
  extents: StepExtent[] = [],
): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edgeIds = new Set<string>();
  const edge = (from: string, to: string, kind: EdgeKind, label?: string) => {
    let id = `${from}->${to}`;
    if (edgeIds.has(id)) id = `${id}:${kind}:${edges.length}`;
    edgeIds.add(id);
    edges.push(label === undefined ? { id, from, to, kind } : { id, from, to, kind, label });
  };
  const problems = problemsByStep(diagnostics, extents);

  const addList = (list: StepSpec[], parent: StepSpec | undefined) => {
    const byId = new Map(list.map((s) => [s.id, s]));
    // steps a decision of this list chooses: their edge from it is the branch, not a plain dependency
    const chosen = new Set<string>();
    for (const step of list)
      if (step.kind === 'decision') {
        for (const branch of step.branches) for (const t of branch.then) chosen.add(`${step.id}>${t}`);
        for (const t of step.otherwise ?? []) chosen.add(`${step.id}>${t}`);
      }
    const needed = new Set<string>();
    for (const step of list) for (const dep of step.needs) if (byId.has(dep)) needed.add(dep);

    for (const step of list) {
      const node: GraphNode = {
        id: step.id,
        kind: step.kind,
        label: step.name ? shorten(step.name, 32) : step.id,
        detail: detailOf(step),
        step: step.id,
      };
      if (parent) node.parent = parent.id;
      if (step.range) node.range = { start: step.range.start, end: step.range.end, line: step.range.line };
      const p = problems.get(step.id);
      if (p) node.problems = p;
      if (step.kind === 'map') node.items = step.items;
      if (step.if) node.condition = shorten(step.if);
      nodes.push(node);

      for (const dep of step.needs) {
        const from = byId.get(dep);
        if (!from || chosen.has(`${dep}>${step.id}`)) continue;
        edge(exitOf(from), step.id, 'needs');
      }
      if (parent && !step.needs.some((d) => byId.has(d)))
        edge(
          parent.id,
          step.id,
          parent.kind === 'map' ? 'each' : 'fanout',
          parent.kind === 'map' ? 'each item' : undefined,
        );
      if (parent && !needed.has(step.id)) edge(exitOf(step), `${parent.id}#join`, 'join');

      if (step.kind === 'decision') {
        for (const branch of step.branches)
          for (const t of branch.then) if (byId.has(t)) edge(step.id, t, 'branch', shorten(branch.when));
        for (const t of step.otherwise ?? []) if (byId.has(t)) edge(step.id, t, 'otherwise', 'otherwise');
      } else if (step.kind === 'parallel' || step.kind === 'map') {
        addList(step.kind === 'parallel' ? step.steps : [step.step], step);
        nodes.push({
          id: `${step.id}#join`,
          kind: 'join',
          label: step.kind === 'map' ? 'collect' : 'join',
          detail: step.id,
          step: step.id,
          ...(parent ? { parent: parent.id } : {}),
        });
      }
    }
  };
  addList(definition.steps, undefined);
  return { workflow: definition.name, nodes, edges };
}

/** The innermost step whose extent holds `offset`. */
export function stepAt(extents: StepExtent[], offset: number): string | undefined {
  let best: StepExtent | undefined;
  for (const e of extents)
    if (offset >= e.start && offset < e.end && (!best || e.depth > best.depth)) best = e;
  return best?.step;
}

function problemsByStep(
  diagnostics: Diagnostic[],
  extents: StepExtent[],
): Map<string, NonNullable<GraphNode['problems']>> {
  const out = new Map<string, NonNullable<GraphNode['problems']>>();
  if (!extents.length) return out;
  for (const d of diagnostics) {
    if (d.severity === 'info') continue;
    const step = stepAt(extents, d.range.start);
    if (!step) continue;
    const p = out.get(step) ?? { errors: 0, warnings: 0, first: d.message };
    if (d.severity === 'error') p.errors++;
    else p.warnings++;
    out.set(step, p);
  }
  return out;
}

/**
 * Each step's extent in the text, from the checker's id ranges and the indentation: a step starts at
 * the line of its sequence item's `-` and ends before the next line indented no deeper than that `-`.
 */
export function stepExtents(text: string, definition: WorkflowDefinition): StepExtent[] {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineText = (n: number) => text.slice(lineStarts[n], (lineStarts[n + 1] ?? text.length + 1) - 1);
  const out: StepExtent[] = [];
  const visit = (list: StepSpec[], depth: number) => {
    for (const step of list) {
      if (step.range) {
        let line = step.range.line - 1;
        const keyIndent = indentOf(lineText(line));
        // the item's dash: on the id's line (`- id: x`, `- { id: x }`) or above it (`- kind: llm` then
        // `id: x`); none for a map's template (`step:` then `id: x`), which ends where its keys end
        let dash = dashColumn(lineText(line), step.range.column - 1);
        for (let up = line - 1; dash < 0 && up >= 0 && line - up < 200; up--) {
          const t = lineText(up);
          const d = dashColumn(t, keyIndent);
          if (d >= 0) {
            line = up;
            dash = d;
          } else if (t.trim() && !t.trim().startsWith('#') && indentOf(t) < keyIndent) break;
        }
        const ends = (indent: number) => (dash >= 0 ? indent <= dash : indent < keyIndent);
        let end = line + 1;
        for (; end < lineStarts.length; end++) {
          const t = lineText(end);
          if (t.trim() && !t.trim().startsWith('#') && ends(indentOf(t))) break;
        }
        out.push({
          step: step.id,
          start: lineStarts[line]!,
          end: lineStarts[end] ?? text.length,
          depth,
        });
      }
      if (step.kind === 'parallel') visit(step.steps, depth + 1);
      else if (step.kind === 'map') visit([step.step], depth + 1);
    }
  };
  visit(definition.steps, 0);
  return out;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The column of a sequence item's `-` before `before` on this line, or -1. */
function dashColumn(line: string, before: number): number {
  const m = /^(\s*)-(\s|$)/.exec(line);
  return m && m[1]!.length < before ? m[1]!.length : -1;
}
