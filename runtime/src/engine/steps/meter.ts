// The budget: one meter per run, shared by every step. Before a model call, grant() sizes its
// max_tokens to what is left (minus what calls in flight have reserved) and refuses a call that cannot
// fit; the moment recorded usage crosses the budget, the breaker aborts every model call in flight.
import { DEFAULT_MAX_OUTPUT_TOKENS } from '../../language/token-estimate.js';
import type { BudgetSpec, ModelSpec } from '../../language/types.js';
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

/** A call's share of the budget while it runs: its output cap; release() when it ends. */
export interface BudgetGrant {
  maxOutputTokens: number;
  release(): void;
}

export class UsageMeter {
  private total: Usage;
  /** Tokens and dollars held by calls in flight (their input estimate plus their output cap). */
  private reservedTokens = 0;
  private reservedCost = 0;
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

  /**
   * Reserves room for one call of `model` whose input is about `inputTokens`: its output cap is the
   * smallest of the model's max_output_tokens (default 4096), `requested`, and what the token and cost
   * budgets leave. When calls in flight hold what it needs, it waits for them to end; a call that
   * cannot get one output token even then is refused (BudgetExceededError) before it is made, and
   * the breaker trips. `signal` (the step's) stops the wait.
   */
  async grant(
    modelName: string,
    spec: ModelSpec | undefined,
    inputTokens: number,
    requested: number | undefined,
    signal: AbortSignal,
  ): Promise<BudgetGrant> {
    for (;;) {
      const grant = this.tryGrant(modelName, spec, inputTokens, requested);
      if (grant) return grant;
      await this.released(signal);
    }
  }

  private readonly waiters = new Set<() => void>();

  /** Resolves when a call in flight releases its share (or the breaker trips); rejects on abort. */
  private released(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(done);
        reject(signal.reason);
      };
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** A grant, or undefined when calls in flight hold what this call needs (wait and ask again). */
  private tryGrant(
    modelName: string,
    spec: ModelSpec | undefined,
    inputTokens: number,
    requested: number | undefined,
  ): BudgetGrant | undefined {
    if (this.exceededBy) throw this.exceededBy;
    const maxTokens = this.budget.maxTokens ?? DEFAULT_MAX_TOKENS;
    const tokensLeft = maxTokens - this.total.totalTokens - this.reservedTokens;
    let cap = Math.min(
      spec?.parameters.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      requested ?? Number.POSITIVE_INFINITY,
      tokensLeft - inputTokens,
    );
    const pricing = spec?.pricing;
    const maxCost = this.budget.maxCostUsd;
    let costLeft: number | undefined;
    if (maxCost !== undefined && pricing) {
      costLeft = maxCost - this.total.costUsd - this.reservedCost;
      const inputCost = (inputTokens * pricing.inputPerMillion) / 1_000_000;
      if (pricing.outputPerMillion > 0) {
        cap = Math.min(cap, Math.floor(((costLeft - inputCost) * 1_000_000) / pricing.outputPerMillion));
      } else if (costLeft < inputCost) cap = 0;
    }
    cap = Math.floor(cap);
    if (cap < 1 && (this.reservedTokens > 0 || this.reservedCost > 0)) return undefined;
    if (cap < 1) {
      const why =
        tokensLeft - inputTokens < 1
          ? `it needs about ${inputTokens} input tokens and ${Math.max(0, tokensLeft)} of budget.max_tokens ${maxTokens} are left`
          : `its input alone would cost more than the $${Math.max(0, costLeft ?? 0).toFixed(6)} left of budget.max_cost_usd $${maxCost}`;
      this.trip(
        new BudgetExceededError(
          `budget exceeded: a call to model ${modelName} was refused before it was made: ${why}`,
        ),
      );
      throw this.exceededBy;
    }
    const tokens = inputTokens + cap;
    const cost = pricing
      ? (inputTokens * pricing.inputPerMillion + cap * pricing.outputPerMillion) / 1_000_000
      : 0;
    this.reservedTokens += tokens;
    this.reservedCost += cost;
    let released = false;
    return {
      maxOutputTokens: cap,
      release: () => {
        if (released) return;
        released = true;
        this.reservedTokens -= tokens;
        this.reservedCost -= cost;
        this.wake();
      },
    };
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
    if (reason) this.trip(new BudgetExceededError(reason));
  }

  private trip(error: BudgetExceededError): void {
    if (this.exceededBy) return;
    this.exceededBy = error;
    this.wake();
    const breakers = [...this.breakers];
    this.breakers.clear();
    for (const controller of breakers) controller.abort(this.exceededBy);
  }
}
