// Breakpoints on steps: line breakpoints bound to the step whose block holds the line, function
// breakpoints by step id; each with a Weft (CEL) condition, a hit count and a log message. Pure.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluateExpression } from './runtime.js';
import { bindLine, type StepMap } from './step-map.js';

export interface StepBreakpoint {
  id: number;
  stepId: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
  function: boolean;
}

export type Verdict =
  | { stop: StepBreakpoint }
  | { log: string }
  | { error: string; breakpoint: StepBreakpoint };

/** `3` or `>= 3`, `> 3`, `== 3`, `% 2`: whether the hit number `hits` stops. */
export function hitMatches(hitCondition: string, hits: number): boolean {
  const match = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(hitCondition);
  if (!match) return true;
  const n = Number(match[2]);
  switch (match[1]) {
    case '>=':
      return hits >= n;
    case '<=':
      return hits <= n;
    case '>':
      return hits > n;
    case '<':
      return hits < n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}

/** `Step {steps.a.output.text}` with each `{expression}` evaluated. */
export function interpolate(message: string, scope: Record<string, unknown>): string {
  return message.replace(/\{([^{}]+)\}/g, (_, expression: string) => {
    try {
      const value = evaluateExpression(expression, scope);
      return typeof value === 'string' ? value : JSON.stringify(value);
    } catch (error) {
      return `<${(error as Error).message}>`;
    }
  });
}

export class BreakpointTable {
  private nextId = 1;
  private readonly byFile = new Map<string, StepBreakpoint[]>();
  private functions: StepBreakpoint[] = [];

  setLines(
    file: string,
    map: StepMap,
    requested: DebugProtocol.SourceBreakpoint[],
  ): DebugProtocol.Breakpoint[] {
    const kept: StepBreakpoint[] = [];
    const answer = requested.map((bp): DebugProtocol.Breakpoint => {
      const id = this.nextId++;
      const binding = bindLine(map, bp.line);
      if ('reason' in binding)
        return { id, verified: false, line: bp.line, message: binding.reason, reason: 'failed' };
      kept.push(this.make(id, binding.step.id, bp, false));
      return { id, verified: true, line: binding.step.line };
    });
    this.byFile.set(file, kept);
    return answer;
  }

  setFunctions(
    requested: DebugProtocol.FunctionBreakpoint[],
    stepExists: (id: string) => boolean,
  ): DebugProtocol.Breakpoint[] {
    this.functions = [];
    return requested.map((bp): DebugProtocol.Breakpoint => {
      const id = this.nextId++;
      if (!stepExists(bp.name)) {
        return {
          id,
          verified: false,
          message: `no step with id ${bp.name} in the workflow`,
          reason: 'failed',
        };
      }
      this.functions.push(this.make(id, bp.name, bp, true));
      return { id, verified: true };
    });
  }

  private make(
    id: number,
    stepId: string,
    bp: { condition?: string; hitCondition?: string; logMessage?: string },
    isFunction: boolean,
  ): StepBreakpoint {
    return {
      id,
      stepId,
      hits: 0,
      function: isFunction,
      ...(bp.condition ? { condition: bp.condition } : {}),
      ...(bp.hitCondition ? { hitCondition: bp.hitCondition } : {}),
      ...(bp.logMessage ? { logMessage: bp.logMessage } : {}),
    };
  }

  /** What the breakpoints of `file` and the function breakpoints say about reaching step `stepId`. */
  reach(file: string, stepId: string, scope: () => Record<string, unknown>): Verdict[] {
    const verdicts: Verdict[] = [];
    const all = [...(this.byFile.get(file) ?? []), ...this.functions];
    for (const bp of all) {
      if (bp.stepId !== stepId) continue;
      if (bp.condition) {
        let holds: boolean;
        try {
          holds = evaluateExpression(bp.condition, scope()) === true;
        } catch (error) {
          verdicts.push({
            error: `breakpoint condition \`${bp.condition}\`: ${(error as Error).message}`,
            breakpoint: bp,
          });
          continue;
        }
        if (!holds) continue;
      }
      bp.hits += 1;
      if (bp.hitCondition && !hitMatches(bp.hitCondition, bp.hits)) continue;
      verdicts.push(bp.logMessage ? { log: interpolate(bp.logMessage, scope()) } : { stop: bp });
    }
    return verdicts;
  }

  /** Whether a breakpoint (line in `file`, or function) is on step `stepId`. */
  has(file: string, stepId: string): boolean {
    return [...(this.byFile.get(file) ?? []), ...this.functions].some(
      (bp) => bp.stepId === stepId && !bp.logMessage,
    );
  }

  resetHits(): void {
    for (const list of [...this.byFile.values(), this.functions]) for (const bp of list) bp.hits = 0;
  }
}
