// Warns when the worst case the workflow can spend (budget-bound.ts) is above its budget: the run may
// then be stopped by the budget before it ends.
import type { Node } from 'yaml';
import { budgetBound, describeBound } from '../budget-bound.js';
import { locate, rangeOf } from '../positions.js';
import { type CheckContext, report } from './context.js';

export function checkBudget(context: CheckContext): void {
  // Only a budget the file declares is checked (the default one is shown on hover and by validate).
  const located = locate(context.parsed, ['budget']);
  const at = located.complete ? (located.pair?.key as Node | undefined) : undefined;
  if (!at) return;
  const { definition } = context;
  const bound = budgetBound(definition);
  const overTokens = bound.tokens > definition.budget.maxTokens;
  const maxCost = definition.budget.maxCostUsd;
  const overCost = maxCost !== undefined && bound.costUsd > maxCost;
  if (!overTokens && !overCost) return;
  const worst = [...bound.steps].sort((a, b) => b.tokens - a.tokens)[0];
  const biggest = worst
    ? ` The most is step ${worst.id} (${worst.tokens.toLocaleString('en-US')} tokens).`
    : '';
  report(
    context,
    'budget-worst-case',
    `the worst case exceeds the budget: ${describeBound(bound, definition)}.${biggest} The run may stop with budget_exceeded: raise the budget, or lower max_output_tokens, retries or fan-out`,
    rangeOf(context.parsed, at),
    'warning',
  );
}
