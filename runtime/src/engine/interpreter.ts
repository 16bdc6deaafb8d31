// The interpreter: from the definition, the inputs and the journal, decide what happens next.
// Pure and deterministic: no I/O, no clock, no randomness (it runs inside Temporal's sandbox too).
import { evaluateCondition, evaluateExpression, renderTemplate } from '../language/expressions.js';
import type { BudgetSpec, JsonValue, StepSpec, WorkflowDefinition } from '../language/types.js';
import type { Command, ExecuteCommand, WaitApprovalCommand } from './commands.js';
import type { JournalEvent, RunError, SkipReason } from './journal.js';
import { type Plan, planOf } from './plan.js';
import { renderRequest } from './render.js';
import { retryDelay } from './retry.js';
import {
  type ApprovalState,
  applyEvent,
  emptyState,
  foldJournal,
  type InstanceState,
  isSettled,
  type RunState,
} from './state.js';

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
  /** What the records changed in `state`, undone when the decision is made (state stays the journal's). */
  undo: Array<{ key: string; previous: InstanceState | undefined }>;
  executes: ExecuteCommand[];
  waits: WaitApprovalCommand[];
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

/** Inputs with defaults, the same object for the same (definition, inputs): its CEL form is cached. */
const resolvedInputsCache = new WeakMap<
  Record<string, JsonValue>,
  { definition: WorkflowDefinition; resolved: Record<string, JsonValue> }
>();

function resolvedInputsOf(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
): Record<string, JsonValue> {
  const cached = resolvedInputsCache.get(inputs);
  if (cached?.definition === definition) return cached.resolved;
  const resolved = effectiveInputs(definition, inputs);
  resolvedInputsCache.set(inputs, { definition, resolved });
  return resolved;
}

const topFrames = new WeakMap<WorkflowDefinition, Frame>();

function topFrameOf(definition: WorkflowDefinition): Frame {
  let top = topFrames.get(definition);
  if (!top) {
    top = { keys: new Map(definition.steps.map((s) => [s.id, s.id])) };
    topFrames.set(definition, top);
  }
  return top;
}

/** What happens next, from the whole journal. The reference API: same as `decideFrom` on its fold. */
export function decide(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  journal: readonly JournalEvent[],
): Command[] {
  return decideFrom(definition, inputs, foldJournal(journal));
}

/**
 * Decides from many journal prefixes of one run, folding each event once (instead of the whole
 * journal on every decision). The journal must only grow between calls. Pure; gives exactly what
 * `decide(definition, inputs, journal)` gives.
 */
export class Decider {
  private readonly state = emptyState();
  private applied = 0;

  constructor(
    private readonly definition: WorkflowDefinition,
    private readonly inputs: Record<string, JsonValue>,
  ) {}

  decide(journal: readonly JournalEvent[]): Command[] {
    if (journal.length < this.applied) throw new Error('the journal shrank between two decisions');
    for (; this.applied < journal.length; this.applied++) applyEvent(this.state, journal[this.applied]!);
    return decideFrom(this.definition, this.inputs, this.state);
  }
}

/**
 * What happens next, from the run state folded from the journal so far. `state` is left as it was
 * (the records returned are applied to it only while deciding), so the caller folds them in when
 * it journals them.
 */
export function decideFrom(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  state: RunState,
): Command[] {
  if (state.terminal) return [];
  if (state.cancelRequested) {
    return [
      { type: 'cancel_run', ...(state.cancelReason !== undefined ? { reason: state.cancelReason } : {}) },
    ];
  }
  const resolvedInputs = resolvedInputsOf(definition, inputs);
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
    undo: [],
    executes: [],
    waits: [],
    progress: true,
  };
  const usage = state.usage;
  try {
    return decidePass(pass);
  } finally {
    for (let i = pass.undo.length - 1; i >= 0; i--) {
      const { key, previous } = pass.undo[i]!;
      if (previous) state.instances.set(key, previous);
      else state.instances.delete(key);
    }
    state.usage = usage;
  }
}

function decidePass(pass: Pass): Command[] {
  const { definition, state } = pass;
  const top = topFrameOf(definition);
  let allSettled = false;
  while (pass.progress && !pass.failure) {
    const budget = budgetError(definition, state);
    if (budget) {
      pass.failure = budget;
      break;
    }
    pass.progress = false;
    pass.executes = [];
    pass.waits = [];
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
  if (pass.executes.length === 0 && !hasActive(state)) {
    return [
      ...commands,
      { type: 'fail_run', error: { code: 'stalled', message: 'no step can run and none is running' } },
    ];
  }
  return [...commands, ...pass.executes, ...pass.waits];
}

function hasActive(state: RunState): boolean {
  for (const instance of state.instances.values()) {
    if (instance.status === 'running' || instance.status === 'failed') return true;
  }
  return false;
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

/** What the run has left of its budget (a sub-workflow's child run gets no more). */
function budgetLeft(definition: WorkflowDefinition, state: RunState): BudgetSpec {
  const { usage } = state;
  const maxTokens = definition.budget.maxTokens ?? DEFAULT_MAX_TOKENS;
  const left: BudgetSpec = { maxTokens: Math.max(0, maxTokens - usage.totalTokens) };
  const maxCost = definition.budget.maxCostUsd;
  if (maxCost !== undefined) left.maxCostUsd = Math.max(0, maxCost - usage.costUsd);
  return left;
}

function record(pass: Pass, event: JournalEvent): void {
  if ('key' in event) {
    const { instances } = pass.state;
    const previous = instances.get(event.key);
    pass.undo.push({ key: event.key, previous });
    // applyEvent may change an instance in place: let it change a copy.
    if (previous) instances.set(event.key, { ...previous });
  }
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

const outputEntries = new WeakMap<InstanceState, { output: JsonValue }>();

/**
 * `steps.<id>` of a settled instance: one object per instance and output, so that the expression
 * evaluator's conversion of it (cached per object) is done once, not once per expression.
 */
function outputEntry(instance: InstanceState): { output: JsonValue } {
  const cached = outputEntries.get(instance);
  if (cached && cached.output === instance.output) return cached;
  const entry = { output: instance.output as JsonValue };
  outputEntries.set(instance, entry);
  return entry;
}

/**
 * The expression scope of a step instance: inputs, the settled steps visible from its frame, and the
 * map item. With `spec`, `steps` holds only the steps its expressions name (all of them when an
 * expression reads `steps` as a whole): the scope stays small however long the run is.
 */
function scopeFor(pass: Pass, frame: Frame, spec?: StepSpec): Record<string, unknown> {
  const steps: Record<string, { output: JsonValue }> = {};
  const put = (id: string, key: string) => {
    const instance = pass.state.instances.get(key);
    if (isSettled(instance)) steps[id] = outputEntry(instance!);
  };
  let item: Frame['item'];
  for (let f: Frame | undefined = frame; f; f = f.parent) {
    if (f.item) {
      item = f.item;
      break;
    }
  }
  const named = spec ? pass.plan.steps.get(spec.id)?.scopeRefs : undefined;
  if (named) {
    for (const id of named) {
      let key: string | undefined;
      for (let f: Frame | undefined = frame; f && key === undefined; f = f.parent) key = f.keys.get(id);
      key ??= pass.plan.steps.get(id)?.staticKey;
      if (key !== undefined) put(id, key);
    }
  } else {
    for (const [id, info] of pass.plan.steps) if (info.staticKey !== undefined) put(id, info.staticKey);
    const frames: Frame[] = [];
    for (let f: Frame | undefined = frame; f; f = f.parent) frames.unshift(f);
    for (const f of frames) for (const [id, key] of f.keys) put(id, key);
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
        // A sub-workflow step fails as its child run failed (the child's code: no_branch_matched, ...).
        code:
          instance.error?.code === 'budget_exceeded' || (spec.kind === 'workflow' && instance.error?.code)
            ? instance.error!.code
            : 'step_failed',
        message: `step ${key} failed after ${instance.attempt} attempt(s): ${instance.error?.message ?? 'unknown error'}`,
        step: key,
      });
    }
    execute(pass, spec, key, frame, instance.attempt + 1, delayMs);
    return false;
  }
  if (instance?.status === 'running') {
    if (instance.approval) {
      pass.waits.push(waitFor(spec, key, instance.approval));
      return false;
    }
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

  const scope = scopeFor(pass, frame, spec);
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
  if (spec.kind === 'approval') {
    const prompt = guard(key, '`prompt`', () => renderTemplate(spec.prompt, scope));
    record(pass, {
      type: 'approval_requested',
      key,
      prompt: typeof prompt === 'string' ? prompt : JSON.stringify(prompt),
      decisions: spec.decisions,
      ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      ...(spec.timeoutMs !== undefined && spec.onTimeout !== undefined ? { onTimeout: spec.onTimeout } : {}),
    });
    return false;
  }
  execute(pass, spec, key, frame, 1, 0, scope);
  return false;
}

function waitFor(spec: StepSpec, key: string, approval: ApprovalState): WaitApprovalCommand {
  return {
    type: 'wait_approval',
    key,
    stepId: spec.id,
    prompt: approval.prompt,
    decisions: approval.decisions,
    ...(approval.timeoutMs !== undefined ? { timeoutMs: approval.timeoutMs } : {}),
    ...(approval.onTimeout !== undefined ? { onTimeout: approval.onTimeout } : {}),
  };
}

function execute(
  pass: Pass,
  spec: StepSpec,
  key: string,
  frame: Frame,
  attempt: number,
  delayMs: number,
  scope = scopeFor(pass, frame, spec),
): void {
  const request = guard(key, 'rendering the request', () => renderRequest(pass.definition, spec, scope));
  if (!request) throw new Error(`step ${key}: ${spec.kind} steps are not executed by a driver`);
  if (request.kind === 'workflow') request.budget = budgetLeft(pass.definition, pass.state);
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
