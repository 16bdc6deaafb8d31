// The Variables view of a stopped run: scopes Inputs, Step, Steps and Run, built from the journal the
// stepper holds; expressions evaluated on the same state; step outputs changed before later steps read them.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { levelsOf } from './keys.js';
import {
  DEFAULT_MAX_TOKENS,
  effectiveInputs,
  evaluateExpression,
  foldJournal,
  type JournalEvent,
  type JsonValue,
  type RunState,
} from './runtime.js';
import { expressionScope } from './scope.js';
import type { Point, Stepper } from './stepper.js';
import { parseTyped, preview, setAtPath, VariableStore } from './variables.js';

type Completed = Extract<JournalEvent, { type: 'step_completed' }>;

export class RunScopes {
  readonly store = new VariableStore();
  private cached: { journal: readonly JournalEvent[]; length: number; state: RunState } | undefined;

  reset(): void {
    this.store.reset();
    this.cached = undefined;
  }

  private state(stepper: Stepper): RunState {
    const { journal } = stepper;
    if (this.cached?.journal !== journal || this.cached.length !== journal.length) {
      this.cached = { journal, length: journal.length, state: foldJournal(journal) };
    }
    return this.cached.state;
  }

  expressionScope(stepper: Stepper, key: string | undefined): Record<string, unknown> {
    return expressionScope(stepper.definition, stepper.inputs, this.state(stepper), key);
  }

  scopesFor(
    stepper: Stepper,
    key: string,
    point: Point | undefined,
    startedAt: number,
    runId: string,
  ): DebugProtocol.Scope[] {
    const scopes = [this.store.scope('Inputs', () => effectiveInputs(stepper.definition, stepper.inputs))];
    if (key)
      scopes.push(
        this.store.scope('Step', () => this.step(stepper, key, point), { key, path: [] }, 'output'),
      );
    scopes.push(
      this.store.scope('Steps', () => this.steps(stepper), { key: '*', path: [] }),
      this.store.scope('Run', () => this.run(stepper, startedAt, runId, point)),
    );
    return scopes;
  }

  private lastCompleted(stepper: Stepper, key: string): Completed | undefined {
    for (let i = stepper.journal.length - 1; i >= 0; i--) {
      const event = stepper.journal[i]!;
      if (event.type === 'step_completed' && event.key === key) return event;
    }
    return undefined;
  }

  private step(stepper: Stepper, key: string, point: Point | undefined): Record<string, unknown> {
    const instance = this.state(stepper).instances.get(key);
    const levels = levelsOf(stepper.definition, key);
    const level = levels[levels.length - 1];
    const completed = this.lastCompleted(stepper, key);
    const scope = this.expressionScope(stepper, key);
    return {
      key,
      step: level?.spec.id ?? key,
      kind: level?.spec.kind ?? 'unknown',
      status: instance?.status ?? 'not started',
      ...(instance?.attempt ? { attempt: instance.attempt } : {}),
      ...(point?.key === key && point.command ? { request: point.command.request } : {}),
      ...(scope.item !== undefined ? { item: scope.item, index: scope.index } : {}),
      ...(instance?.status === 'completed' ? { output: instance.output } : {}),
      ...(instance?.branch !== undefined ? { branch: instance.branch } : {}),
      ...(instance?.skipReason ? { skipReason: instance.skipReason } : {}),
      ...(instance?.error ? { error: instance.error } : {}),
      ...(completed
        ? { usage: completed.usage, costUsd: completed.usage.costUsd, calls: completed.calls }
        : {}),
    };
  }

  private steps(stepper: Stepper): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, instance] of this.state(stepper).instances) {
      if (instance.status === 'completed') out[key] = instance.output;
      else out[key] = `(${instance.status}${instance.skipReason ? `: ${instance.skipReason}` : ''})`;
    }
    return out;
  }

  private run(
    stepper: Stepper,
    startedAt: number,
    runId: string,
    point: Point | undefined,
  ): Record<string, unknown> {
    const { usage } = this.state(stepper);
    const budget = stepper.definition.budget;
    const maxTokens = budget.maxTokens ?? DEFAULT_MAX_TOKENS;
    return {
      runId,
      workflow: stepper.definition.name,
      mode: stepper.executor.live ? 'live' : 'replay',
      stoppedAt: point ? `${point.kind} ${point.key}` : 'start',
      usage,
      budgetLeft: {
        tokens: maxTokens - usage.totalTokens,
        ...(budget.maxCostUsd !== undefined ? { costUsd: budget.maxCostUsd - usage.costUsd } : {}),
      },
      elapsedMs: Date.now() - startedAt,
      journalEvents: stepper.journal.length,
    };
  }

  evaluate(
    stepper: Stepper,
    key: string | undefined,
    expression: string,
  ): { result: string; variablesReference: number } {
    const text = expression.trim().replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, '$1');
    const value = evaluateExpression(text, this.expressionScope(stepper, key));
    return { result: preview(value), variablesReference: this.store.reference(value) };
  }

  setVariable(
    stepper: Stepper,
    point: Point | undefined,
    reference: number,
    name: string,
    typed: string,
  ): DebugProtocol.Variable {
    const target = this.store.editTarget(reference, name);
    if (!target)
      throw new Error(
        `${name} cannot be changed: only step outputs can (the Steps scope, or output in the Step scope)`,
      );
    const instance = this.state(stepper).instances.get(target.key);
    if (instance?.status !== 'completed') throw new Error(`step ${target.key} has no output to change`);
    const value = parseTyped(typed);
    const pending = stepper.setOutput(
      target.key,
      setAtPath(instance.output as JsonValue, target.path, value),
    );
    if (pending && point?.kind === 'before' && point.key === pending.key) point.command = pending;
    this.cached = undefined;
    return this.store.variable(name, value);
  }
}
