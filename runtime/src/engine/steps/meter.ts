// The budget breaker: one meter per run, shared by every step. The moment recorded usage crosses the
// budget, its signal aborts every model call in flight.
import type { BudgetSpec } from '../../language/types.js';
import { DEFAULT_MAX_TOKENS } from '../interpreter.js';
import { addUsage, type Usage, ZERO_USAGE } from '../journal.js';

export class BudgetExceededError extends Error {
  readonly code = 'budget_exceeded';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}

export class UsageMeter {
  private readonly controller = new AbortController();
  private total: Usage;

  constructor(
    private readonly budget: BudgetSpec,
    initial: Usage = ZERO_USAGE,
  ) {
    this.total = initial;
    this.check();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get usage(): Usage {
    return this.total;
  }

  get exceeded(): boolean {
    return this.controller.signal.aborted;
  }

  add(usage: Usage): void {
    this.total = addUsage(this.total, usage);
    this.check();
  }

  private check(): void {
    if (this.exceeded) return;
    const maxTokens = this.budget.maxTokens ?? DEFAULT_MAX_TOKENS;
    let reason: string | undefined;
    if (this.total.totalTokens > maxTokens) {
      reason = `budget exceeded: ${this.total.totalTokens} tokens used, budget.max_tokens is ${maxTokens}`;
    } else if (this.budget.maxCostUsd !== undefined && this.total.costUsd > this.budget.maxCostUsd) {
      reason = `budget exceeded: $${this.total.costUsd.toFixed(6)} spent, budget.max_cost_usd is $${this.budget.maxCostUsd}`;
    }
    if (reason) this.controller.abort(new BudgetExceededError(reason));
  }
}
