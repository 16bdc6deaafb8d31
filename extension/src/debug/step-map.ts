// Where each step of a workflow file is: the lines of its block, so a breakpoint on any of them binds to
// the step, and the line a stack frame shows. Pure.
import { indexSteps, parseWorkflowFast, parseWorkflowText, rangeOf } from './runtime.js';

export interface StepLocation {
  id: string;
  /** 1-based first and last line of the step's block (the `- ` item of its list). */
  line: number;
  endLine: number;
  parent?: string;
  depth: number;
}

export interface StepMap {
  steps: StepLocation[];
  byId: Map<string, StepLocation>;
  /** Line of the `name:` key (the workflow frame), 1 when absent. */
  workflowLine: number;
}

export function stepMapOf(text: string): StepMap {
  // the checker's fast path (same nodes and ranges), else the full yaml parse
  const parsed = parseWorkflowFast(text) ?? parseWorkflowText(text);
  const root = parsed.read ? parsed.read.value : parsed.document.toJS();
  const index = indexSteps(parsed, root);
  const steps: StepLocation[] = [];
  const byId = new Map<string, StepLocation>();
  for (const entry of index.all) {
    const range = rangeOf(parsed, entry.node ?? undefined);
    // a block mapping's range ends at the start of the next line: the last line is the one before
    const endLine = range.endColumn === 1 && range.endLine > range.line ? range.endLine - 1 : range.endLine;
    const location: StepLocation = {
      id: entry.id,
      line: range.line,
      endLine,
      depth: entry.depth,
      ...(entry.parent ? { parent: entry.parent.id } : {}),
    };
    steps.push(location);
    if (!byId.has(entry.id)) byId.set(entry.id, location);
  }
  const nameLine = /^name\s*:/m.exec(text);
  const workflowLine = nameLine ? text.slice(0, nameLine.index).split('\n').length : 1;
  return { steps, byId, workflowLine };
}

export type Binding = { step: StepLocation } | { reason: string };

/** The innermost step whose block holds the line; otherwise why no step does. */
export function bindLine(map: StepMap, line: number): Binding {
  let best: StepLocation | undefined;
  for (const step of map.steps) {
    if (line >= step.line && line <= step.endLine && (!best || step.depth >= best.depth)) best = step;
  }
  if (best) return { step: best };
  if (map.steps.length === 0) return { reason: 'this file has no steps' };
  return {
    reason: `line ${line} is not inside a step: breakpoints bind to steps (put it on a line of a step's block)`,
  };
}
