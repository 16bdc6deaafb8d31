// Where Step In, Step Over and Step Out stop, and the frames of a stop: pure rules over points and keys.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { levelsOf } from './keys.js';
import type { WorkflowDefinition } from './runtime.js';
import type { StepMap } from './step-map.js';
import { keyDepth, type Point, parentKey } from './stepper.js';

export type Mode = 'continue' | 'next' | 'stepIn' | 'stepOut';

export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  {
    filter: 'stepFailed',
    label: 'Step failed',
    description: 'A step failed for good (the run is about to fail)',
    default: true,
  },
  {
    filter: 'retry',
    label: 'Step retried',
    description: 'A step attempt failed and will be retried',
    default: false,
  },
  {
    filter: 'budget',
    label: 'Budget exceeded',
    description: 'The run went over budget.max_tokens or max_cost_usd',
    default: true,
  },
];

/**
 * Whether stepping in `mode` from `from` stops at `point`: Step In at the next point; Step Over from
 * before a step once it is done, from after a step at the next point no deeper; Step Out once the
 * enclosing map or parallel step is done.
 */
export function stepStops(mode: Mode, from: Point | undefined, point: Point): boolean {
  if (mode === 'stepIn') return true;
  if (mode === 'next' && from) {
    if (from.kind === 'before') return point.key === from.key && point.kind !== 'before';
    return keyDepth(point.key) <= keyDepth(from.key);
  }
  if (mode === 'stepOut' && from) {
    const parent = parentKey(from.key);
    return parent !== undefined && point.kind === 'after' && point.key === parent;
  }
  return false;
}

export interface Frame {
  /** The instance key the frame shows ('' for the workflow). */
  key: string;
  name: string;
  line: number;
}

/** The call stack of a stop, innermost first: step -> map item / parallel step -> workflow. */
export function framesOf(definition: WorkflowDefinition, stepMap: StepMap, point: Point): Frame[] {
  const levels = levelsOf(definition, point.key).reverse();
  const frames = levels.map((level, i): Frame => {
    const label = `${level.spec.id}${level.index !== undefined ? ` [item ${level.index}]` : ''}`;
    const state = point.kind === 'exception' ? 'failed' : point.kind;
    return {
      key: level.key,
      name: i === 0 ? `${label} (${state})` : `${label} (${level.spec.kind})`,
      line: stepMap.byId.get(level.spec.id)?.line ?? stepMap.workflowLine,
    };
  });
  frames.push({ key: '', name: `workflow ${definition.name}`, line: stepMap.workflowLine });
  return frames;
}
