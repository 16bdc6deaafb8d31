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
  private total: Usage;
  private exceededBy: BudgetExceededError | undefined;
  /** Aborted when the budget is exceeded: `signal`'s controller and those of `signalWith`. */
  private readonly breakers = new Set<AbortController>();
  private own: AbortController | undefined;
  private readonly combined = new WeakMap<AbortSignal, AbortSignal>();

  constructor(
    private readonly budget: BudgetSpec,
    initial: Usage = ZERO_USAGE,
  ) {
    this.total = initial;
    this.check();
  }

  /** Aborts (with a BudgetExceededError) the moment the budget is exceeded. */
  get signal(): AbortSignal {
    if (!this.own) {
      this.own = new AbortController();
      if (this.exceededBy) this.own.abort(this.exceededBy);
      else this.breakers.add(this.own);
    }
    return this.own.signal;
  }

  /**
   * A signal that aborts when `other` does (with its reason) or when the budget is exceeded: the
   * signal of a model call. Made once per `other`; cheaper than AbortSignal.any([other, signal]).
   */
  signalWith(other: AbortSignal): AbortSignal {
    let signal = this.combined.get(other);
    if (signal) return signal;
    const controller = new AbortController();
    signal = controller.signal;
    this.combined.set(other, signal);
    if (other.aborted) controller.abort(other.reason);
    else if (this.exceededBy) controller.abort(this.exceededBy);
    else {
      this.breakers.add(controller);
      other.addEventListener(
        'abort',
        () => {
          this.breakers.delete(controller);
          controller.abort(other.reason);
        },
        { once: true },
      );
    }
    return signal;
  }

  /** Why the budget breaker tripped (undefined while within budget). */
  get reason(): BudgetExceededError | undefined {
    return this.exceededBy;
  }

  get usage(): Usage {
    return this.total;
  }

  get exceeded(): boolean {
    return this.exceededBy !== undefined;
  }

  add(usage: Usage): void {
    this.total = addUsage(this.total, usage);
    this.check();
  }

  private check(): void {
    if (this.exceededBy) return;
    const maxTokens = this.budget.maxTokens ?? DEFAULT_MAX_TOKENS;
    let reason: string | undefined;
    if (this.total.totalTokens > maxTokens) {
      reason = `budget exceeded: ${this.total.totalTokens} tokens used, budget.max_tokens is ${maxTokens}`;
    } else if (this.budget.maxCostUsd !== undefined && this.total.costUsd > this.budget.maxCostUsd) {
      reason = `budget exceeded: $${this.total.costUsd.toFixed(6)} spent, budget.max_cost_usd is $${this.budget.maxCostUsd}`;
    }
    if (!reason) return;
    this.exceededBy = new BudgetExceededError(reason);
    const breakers = [...this.breakers];
    this.breakers.clear();
    for (const controller of breakers) controller.abort(this.exceededBy);
  }
}
