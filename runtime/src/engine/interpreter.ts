// The interpreter: from the definition, the inputs and the journal, decide what happens next.
// Pure and deterministic: no I/O, no clock, no randomness (it runs inside Temporal's sandbox too).
import { evaluateCondition, evaluateExpression, renderTemplate } from '../language/expressions.js';
import type { JsonValue, StepSpec, WorkflowDefinition } from '../language/types.js';
import type { Command, ExecuteCommand } from './commands.js';
import type { JournalEvent, RunError, SkipReason } from './journal.js';
import { type Plan, planOf } from './plan.js';
import { renderRequest } from './render.js';
import { retryDelay } from './retry.js';
import { applyEvent, foldJournal, type InstanceState, isSettled, type RunState } from './state.js';

export const DEFAULT_MAX_TOKENS = 100_000;

/** The lexical frame of a step instance: which instance key each visible step id means here. */
interface Frame {
  parent?: Frame;
  keys: Map<string, string>;
  item?: { item: JsonValue; index: number };
}

interface Pass {
  definition: WorkflowDefinition;
  plan: Plan;
  inputs: Record<string, JsonValue>;
  state: RunState;
  records: JournalEvent[];
  executes: ExecuteCommand[];
  failure?: RunError;
  progress: boolean;
}

class Failure extends Error {
  constructor(readonly error: RunError) {
    super(error.message);
  }
}

/** Inputs with declared defaults filled in. */
export function effectiveInputs(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    if (spec.default !== undefined) out[name] = spec.default;
  }
  return { ...out, ...inputs };
}

export function decide(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  journal: readonly JournalEvent[],
): Command[] {
  const state = foldJournal(journal);
  if (state.terminal) return [];
  if (state.cancelRequested) {
    return [
      { type: 'cancel_run', ...(state.cancelReason !== undefined ? { reason: state.cancelReason } : {}) },
    ];
  }
  const resolvedInputs = effectiveInputs(definition, inputs);
  const missing = Object.entries(definition.inputs)
    .filter(([name, spec]) => spec.required && resolvedInputs[name] === undefined)
    .map(([name]) => name);
  if (missing.length > 0) {
    return [
      {
        type: 'fail_run',
        error: { code: 'invalid_inputs', message: `missing required input(s): ${missing.join(', ')}` },
      },
    ];
  }

  const pass: Pass = {
    definition,
    plan: planOf(definition),
    inputs: resolvedInputs,
    state,
    records: [],
    executes: [],
    progress: true,
  };
  const top: Frame = { keys: new Map(definition.steps.map((s) => [s.id, s.id])) };
  let allSettled = false;
  while (pass.progress && !pass.failure) {
    const budget = budgetError(definition, state);
    if (budget) {
      pass.failure = budget;
      break;
    }
    pass.progress = false;
    pass.executes = [];
    try {
      allSettled = visitGroup(pass, definition.steps, top);
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      pass.failure = error.error;
    }
  }

  const commands: Command[] = pass.records.map((event) => ({ type: 'record', event }));
  if (pass.failure) return [...commands, { type: 'fail_run', error: pass.failure }];
  if (allSettled) {
    try {
      return [...commands, { type: 'complete_run', outputs: renderOutputs(pass, top) }];
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      return [...commands, { type: 'fail_run', error: error.error }];
    }
  }
  const active = [...state.instances.values()].some((i) => i.status === 'running' || i.status === 'failed');
  if (pass.executes.length === 0 && !active) {
    return [
      ...commands,
      { type: 'fail_run', error: { code: 'stalled', message: 'no step can run and none is running' } },
    ];
  }
  return [...commands, ...pass.executes];
}

function budgetError(definition: WorkflowDefinition, state: RunState): RunError | undefined {
  const { usage } = state;
  const maxTokens = definition.budget.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (usage.totalTokens > maxTokens) {
    return {
      code: 'budget_exceeded',
      message: `budget exceeded: ${usage.totalTokens} tokens used, budget.max_tokens is ${maxTokens}`,
    };
  }
  const maxCost = definition.budget.maxCostUsd;
  if (maxCost !== undefined && usage.costUsd > maxCost) {
    return {
      code: 'budget_exceeded',
      message: `budget exceeded: $${usage.costUsd.toFixed(6)} spent, budget.max_cost_usd is $${maxCost}`,
    };
  }
  if (state.budgetBreakerFired) {
    return {
      code: 'budget_exceeded',
      message: 'budget exceeded: a model call was stopped by the budget breaker',
    };
  }
  return undefined;
}

function record(pass: Pass, event: JournalEvent): void {
  applyEvent(pass.state, event);
  pass.records.push(event);
  pass.progress = true;
}

function resolveKey(pass: Pass, id: string, frame: Frame): string | undefined {
  for (let f: Frame | undefined = frame; f; f = f.parent) {
    const key = f.keys.get(id);
    if (key !== undefined) return key;
  }
  const info = pass.plan.steps.get(id);
  if (!info) return undefined;
  if (info.staticKey !== undefined) return info.staticKey;
  return info.parent === undefined ? undefined : resolveKey(pass, info.parent, frame);
}

function scopeFor(pass: Pass, frame: Frame): Record<string, unknown> {
  const steps: Record<string, { output: JsonValue }> = {};
  const put = (id: string, key: string) => {
    const instance = pass.state.instances.get(key);
    if (isSettled(instance)) steps[id] = { output: instance!.output };
  };
  for (const [id, info] of pass.plan.steps) if (info.staticKey !== undefined) put(id, info.staticKey);
  const frames: Frame[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) frames.unshift(f);
  let item: Frame['item'];
  for (const f of frames) {
    for (const [id, key] of f.keys) put(id, key);
    if (f.item) item = f.item;
  }
  const scope: Record<string, unknown> = { inputs: pass.inputs, steps };
  if (item) {
    scope.item = item.item;
    scope.index = item.index;
  }
  return scope;
}

function guard<T>(key: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new Failure({
      code: 'expression_error',
      message: `step ${key}: ${what}: ${(error as Error).message}`,
      step: key,
    });
  }
}

/** Visits a group of sibling steps; true when all are settled. */
function visitGroup(pass: Pass, specs: StepSpec[], frame: Frame): boolean {
  let settled = true;
  for (const spec of specs) {
    const key = frame.keys.get(spec.id)!;
    if (!visitStep(pass, spec, key, frame)) settled = false;
  }
  return settled;
}

interface Slots {
  free: number;
}

function visitStep(pass: Pass, spec: StepSpec, key: string, frame: Frame, slots?: Slots): boolean {
  const instance = pass.state.instances.get(key);
  if (isSettled(instance)) return true;
  if (instance?.status === 'failed') {
    const delayMs = retryDelay(spec, instance);
    if (delayMs === undefined) {
      throw new Failure({
        code: instance.error?.code === 'budget_exceeded' ? 'budget_exceeded' : 'step_failed',
        message: `step ${key} failed after ${instance.attempt} attempt(s): ${instance.error?.message ?? 'unknown error'}`,
        step: key,
      });
    }
    execute(pass, spec, key, frame, instance.attempt + 1, delayMs);
    return false;
  }
  if (instance?.status === 'running') {
    if (instance.composite) return visitComposite(pass, spec, key, frame, instance);
    if (instance.interrupted) execute(pass, spec, key, frame, instance.attempt, 0);
    return false;
  }
  return startStep(pass, spec, key, frame, slots);
}

function skip(pass: Pass, key: string, reason: SkipReason): true {
  record(pass, { type: 'step_skipped', key, reason });
  return true;
}

function startStep(pass: Pass, spec: StepSpec, key: string, frame: Frame, slots?: Slots): boolean {
  const info = pass.plan.steps.get(spec.id)!;
  const { instances } = pass.state;
  const deps: InstanceState[] = [];
  for (const dep of info.deps) {
    const depKey = resolveKey(pass, dep, frame);
    if (depKey === undefined) continue;
    const depState = instances.get(depKey);
    if (!isSettled(depState)) return false;
    deps.push(depState!);
  }
  for (const [decision, branches] of info.gates) {
    const decisionKey = resolveKey(pass, decision, frame);
    const chosen = decisionKey === undefined ? undefined : instances.get(decisionKey);
    if (chosen?.status !== 'completed' || !branches.has(chosen.branch ?? '')) {
      return skip(pass, key, 'branch_not_taken');
    }
  }
  if (deps.length > 0 && deps.every((d) => d.status === 'skipped'))
    return skip(pass, key, 'dependencies_skipped');

  const scope = scopeFor(pass, frame);
  if (spec.if !== undefined) {
    const condition = spec.if;
    if (!guard(key, '`if`', () => evaluateCondition(condition, scope))) return skip(pass, key, 'if_false');
  }

  if (spec.kind === 'decision') {
    const index = spec.branches.findIndex((branch, i) =>
      guard(key, `branch ${i} \`when\``, () => evaluateCondition(branch.when, scope)),
    );
    if (index >= 0) record(pass, { type: 'decision_made', key, branch: String(index) });
    else if (spec.otherwise) record(pass, { type: 'decision_made', key, branch: 'otherwise' });
    else {
      throw new Failure({
        code: 'no_branch_matched',
        message: `decision step ${key}: no branch matched and there is no \`otherwise\``,
        step: key,
      });
    }
    return true;
  }

  if (slots) {
    if (slots.free <= 0) return false;
    slots.free -= 1;
  }
  if (spec.kind === 'parallel') {
    record(pass, { type: 'step_started', key, attempt: 1, kind: 'parallel' });
    return false;
  }
  if (spec.kind === 'map') {
    const items = guard(key, '`items`', () => evaluateExpression(spec.items, scope));
    if (!Array.isArray(items)) {
      throw new Failure({
        code: 'expression_error',
        message: `step ${key}: \`items\` must be a list, got ${JSON.stringify(items)}`,
        step: key,
      });
    }
    record(pass, { type: 'step_started', key, attempt: 1, kind: 'map' });
    record(pass, { type: 'items_expanded', key, items });
    return false;
  }
  execute(pass, spec, key, frame, 1, 0, scope);
  return false;
}

function execute(
  pass: Pass,
  spec: StepSpec,
  key: string,
  frame: Frame,
  attempt: number,
  delayMs: number,
  scope = scopeFor(pass, frame),
): void {
  const request = guard(key, 'rendering the request', () => renderRequest(pass.definition, spec, scope));
  if (!request) throw new Error(`step ${key}: ${spec.kind} steps are not executed by a driver`);
  pass.executes.push({
    type: 'execute',
    key,
    stepId: spec.id,
    attempt,
    delayMs,
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    request,
  });
}

function visitComposite(
  pass: Pass,
  spec: StepSpec,
  key: string,
  frame: Frame,
  instance: InstanceState,
): boolean {
  if (spec.kind === 'parallel') {
    const childFrame: Frame = {
      parent: frame,
      keys: new Map(spec.steps.map((child) => [child.id, `${key}.${child.id}`])),
    };
    if (!visitGroup(pass, spec.steps, childFrame)) return false;
    const output: Record<string, JsonValue> = {};
    for (const child of spec.steps)
      output[child.id] = pass.state.instances.get(`${key}.${child.id}`)?.output ?? null;
    record(pass, { type: 'step_completed', key, output, usage: zeroUsage(), calls: [] });
    return true;
  }
  if (spec.kind === 'map') {
    const items = instance.items ?? [];
    const childKey = (i: number) => `${key}[${i}]`;
    let active = 0;
    for (let i = 0; i < items.length; i++) {
      const status = pass.state.instances.get(childKey(i))?.status;
      if (status === 'running' || status === 'failed') active += 1;
    }
    const slots: Slots = { free: Math.max(spec.concurrency, 1) - active };
    let settled = true;
    for (let i = 0; i < items.length; i++) {
      const childFrame: Frame = {
        parent: frame,
        keys: new Map([[spec.step.id, childKey(i)]]),
        item: { item: items[i]!, index: i },
      };
      if (!visitStep(pass, spec.step, childKey(i), childFrame, slots)) settled = false;
    }
    if (!settled) return false;
    const output = items.map((_, i) => pass.state.instances.get(childKey(i))?.output ?? null);
    record(pass, { type: 'step_completed', key, output, usage: zeroUsage(), calls: [] });
    return true;
  }
  return false;
}

function zeroUsage() {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };
}

function renderOutputs(pass: Pass, top: Frame): Record<string, JsonValue> {
  const scope = scopeFor(pass, top);
  const outputs: Record<string, JsonValue> = {};
  for (const [name, spec] of Object.entries(pass.definition.outputs)) {
    try {
      outputs[name] = renderTemplate(spec.value, scope);
    } catch (error) {
      throw new Failure({ code: 'expression_error', message: `output ${name}: ${(error as Error).message}` });
    }
  }
  return outputs;
}
