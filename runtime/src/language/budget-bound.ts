// The worst case a workflow can spend, computed at edit time: for every step that calls models,
// calls x (input estimate of its literal prompt + the call's output cap), times its attempts and, in a
// map, its fan-out. What the runtime grants a call is never more than this, so a bound within the
// budget means the budget will not stop the run. Pure.
import { DEFAULT_MAX_OUTPUT_TOKENS, estimateInputTokens } from './token-estimate.js';
import type { ModelSpec, SourceRange, StepSpec, WorkflowDefinition } from './types.js';

/** As engine/render.ts and engine/steps/debate.ts: asks for a schema-bound reply, and per debate turn. */
const DEFAULT_MAX_ASKS = 3;
const DEBATE_ASKS = 3;
const DEFAULT_AGENT_ITERATIONS = 10;

export interface StepBound {
  id: string;
  range?: SourceRange;
  /** Model calls at most (per item for a step inside a map of unknown size). */
  calls: number;
  tokens: number;
  costUsd: number;
  /** For a map: its item count when known from the file, else 'unknown'. */
  fanOut?: number | 'unknown';
}

export interface BudgetBound {
  /** Steps that call models, in file order (a map's inner step counted in the map). */
  steps: StepBound[];
  tokens: number;
  costUsd: number;
  /** Maps whose item count the file does not bound: the totals count one item for each. */
  unboundedMaps: string[];
}

interface Cost {
  calls: number;
  tokens: number;
  costUsd: number;
}

const NONE: Cost = { calls: 0, tokens: 0, costUsd: 0 };
const plus = (a: Cost, b: Cost): Cost => ({
  calls: a.calls + b.calls,
  tokens: a.tokens + b.tokens,
  costUsd: a.costUsd + b.costUsd,
});
const times = (a: Cost, n: number): Cost => ({
  calls: a.calls * n,
  tokens: a.tokens * n,
  costUsd: a.costUsd * n,
});

/** A template's literal text (the values of `${{ }}` are not known before the run). */
function literal(template: string | undefined): string {
  return (template ?? '').replace(/\$\{\{[\s\S]*?\}\}/g, '');
}

function call(spec: ModelSpec | undefined, input: Parameters<typeof estimateInputTokens>[0]): Cost {
  const inputTokens = estimateInputTokens(input);
  const output = spec?.parameters.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const costUsd = spec?.pricing
    ? (inputTokens * spec.pricing.inputPerMillion + output * spec.pricing.outputPerMillion) / 1_000_000
    : 0;
  return { calls: 1, tokens: inputTokens + output, costUsd };
}

/** A map's item count when the file fixes it: a literal list, or an input with maxItems. */
function fanOut(definition: WorkflowDefinition, items: string): number | undefined {
  const text = items.trim();
  if (text.startsWith('[')) {
    try {
      const value = JSON.parse(text) as unknown;
      if (Array.isArray(value)) return value.length;
    } catch {
      // not a JSON-shaped literal: unknown
    }
  }
  const input = /^inputs\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text)?.[1];
  const maxItems = input !== undefined ? definition.inputs[input]?.schema.maxItems : undefined;
  return typeof maxItems === 'number' ? maxItems : undefined;
}

export function budgetBound(definition: WorkflowDefinition): BudgetBound {
  const steps: StepBound[] = [];
  const unboundedMaps: string[] = [];

  const stepCost = (step: StepSpec): Cost => {
    const attempts = step.retry?.attempts ?? 1;
    switch (step.kind) {
      case 'llm': {
        const asks = step.outputSchema ? (step.retry?.attempts ?? DEFAULT_MAX_ASKS) : 1;
        const one = call(definition.models[step.model], {
          system: literal(step.system),
          messages: [{ content: literal(step.prompt) }],
          outputSchema: step.outputSchema,
        });
        return times(one, asks * attempts);
      }
      case 'agent': {
        const agent = definition.agents[step.agent];
        const iterations = step.maxIterations ?? agent?.maxIterations ?? DEFAULT_AGENT_ITERATIONS;
        const tools = (agent?.tools ?? []).map((name) => definition.tools[name]?.argsSchema ?? {});
        const one = call(agent ? definition.models[agent.model] : undefined, {
          system: agent?.instructions ?? '',
          messages: [{ content: literal(step.prompt) }],
          tools,
          outputSchema: step.outputSchema,
        });
        return times(one, iterations * attempts);
      }
      case 'debate': {
        let total = NONE;
        for (const participant of step.participants) {
          const turn = call(definition.models[participant.model], {
            messages: [{ content: `${literal(step.topic)} ${participant.stance ?? ''}` }],
          });
          total = plus(total, times(turn, step.rounds * DEBATE_ASKS));
        }
        const verdict = call(definition.models[step.judge.model], {
          system: step.judge.instructions ?? '',
          messages: [{ content: literal(step.topic) }],
        });
        return times(plus(total, times(verdict, DEBATE_ASKS)), attempts);
      }
      case 'parallel':
        return step.steps.reduce((sum, child) => plus(sum, stepCost(child)), NONE);
      case 'map': {
        const inner = stepCost(step.step);
        const n = fanOut(definition, step.items);
        if (n === undefined && inner.calls > 0) unboundedMaps.push(step.id);
        return times(inner, n ?? 1);
      }
      case 'workflow': {
        if (!step.definition) return NONE;
        const child = budgetBound(step.definition);
        const calls = child.steps.reduce((sum, s) => sum + s.calls, 0);
        return times({ calls, tokens: child.tokens, costUsd: child.costUsd }, attempts);
      }
      default:
        return NONE;
    }
  };

  let total = NONE;
  for (const step of definition.steps) {
    const cost = stepCost(step);
    total = plus(total, cost);
    if (cost.calls === 0) continue;
    const n = step.kind === 'map' ? (fanOut(definition, step.items) ?? 'unknown') : undefined;
    steps.push({
      id: step.id,
      ...(step.range ? { range: step.range } : {}),
      ...cost,
      ...(n !== undefined ? { fanOut: n } : {}),
    });
  }
  return { steps, tokens: total.tokens, costUsd: total.costUsd, unboundedMaps };
}

/** One line: `worst case 12,345 tokens, $0.0123 (budget 20,000 tokens, $0.05)`. */
export function describeBound(bound: BudgetBound, definition: WorkflowDefinition): string {
  const money = (usd: number) => `$${usd < 0.01 ? usd.toPrecision(2) : usd.toFixed(4)}`;
  const cost = bound.costUsd > 0 ? `, ${money(bound.costUsd)}` : '';
  const budget = `budget ${definition.budget.maxTokens.toLocaleString('en-US')} tokens${
    definition.budget.maxCostUsd !== undefined ? `, $${definition.budget.maxCostUsd}` : ''
  }`;
  const perItem =
    bound.unboundedMaps.length > 0
      ? `; counting one item of map ${bound.unboundedMaps.join(', ')} (set maxItems on the input to bound it)`
      : '';
  return `worst case ${bound.tokens.toLocaleString('en-US')} tokens${cost} (${budget})${perItem}`;
}
