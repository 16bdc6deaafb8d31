// Static facts about a definition the scheduler needs: where each step lives, what it depends on,
// which decisions gate it. Computed once per definition object. Pure.
import { expressionReferences, findTemplateExpressions } from '../language/expressions.js';
import type { JsonValue, StepSpec, WorkflowDefinition } from '../language/types.js';

export interface StepInfo {
  spec: StepSpec;
  /** The enclosing parallel/map step, if any. */
  parent?: string;
  /** True when some ancestor is a map (instances of this step have dynamic keys). */
  underMap: boolean;
  /** `a`, `par.child` for steps that are not under a map. */
  staticKey?: string;
  /** Step ids this step waits for (needs, expression references, gating decisions), own subtree excluded. */
  deps: string[];
  /** Decisions that gate this step: decision id -> branches (index string or `otherwise`) that choose it. */
  gates: Map<string, Set<string>>;
  /**
   * The step ids its own expressions name: all its expression scope needs under `steps`. Undefined
   * when an expression reads `steps` as a whole (`steps[x]`, `steps.size()`): then it needs them all.
   */
  scopeRefs?: Set<string>;
}

export interface Plan {
  steps: Map<string, StepInfo>;
}

const plans = new WeakMap<WorkflowDefinition, Plan>();

export function planOf(definition: WorkflowDefinition): Plan {
  let plan = plans.get(definition);
  if (!plan) {
    plan = buildPlan(definition);
    plans.set(definition, plan);
  }
  return plan;
}

export function childrenOf(spec: StepSpec): StepSpec[] {
  if (spec.kind === 'parallel') return spec.steps;
  if (spec.kind === 'map') return [spec.step];
  return [];
}

/** Step ids named; `whole` is set when `steps` itself is read (a dynamic index, a macro, a function). */
type Refs = Set<string> & { whole?: boolean };

function templateRefs(template: string | undefined, out: Refs): void {
  if (template === undefined || !template.includes('${{')) return;
  for (const { expression } of findTemplateExpressions(template)) conditionRefs(expression, out);
}

function conditionRefs(expression: string | undefined, out: Refs): void {
  if (expression === undefined) return;
  for (const ref of expressionReferences(expression)) {
    if (ref.path[0] !== 'steps') continue;
    if (ref.path[1] !== undefined) out.add(ref.path[1]);
    else out.whole = true;
  }
}

function valueRefs(value: JsonValue | undefined, out: Refs): void {
  if (typeof value === 'string') templateRefs(value, out);
  else if (Array.isArray(value)) for (const item of value) valueRefs(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) valueRefs(item, out);
}

/** Step ids referenced by this step's own expressions (nested steps not included). */
export function ownReferences(spec: StepSpec): Set<string> {
  return collectOwn(spec);
}

function collectOwn(spec: StepSpec): Refs {
  const out: Refs = new Set<string>();
  conditionRefs(spec.if, out);
  switch (spec.kind) {
    case 'llm':
      templateRefs(spec.prompt, out);
      templateRefs(spec.system, out);
      break;
    case 'agent':
      templateRefs(spec.prompt, out);
      break;
    case 'tool':
      valueRefs(spec.args, out);
      break;
    case 'workflow':
      valueRefs(spec.inputs, out);
      break;
    case 'decision':
      for (const branch of spec.branches) conditionRefs(branch.when, out);
      break;
    case 'map':
      conditionRefs(spec.items, out);
      break;
    case 'debate':
      templateRefs(spec.topic, out);
      templateRefs(spec.judge.instructions, out);
      for (const p of spec.participants) templateRefs(p.stance, out);
      break;
    case 'approval':
      templateRefs(spec.prompt, out);
      break;
    case 'parallel':
      break;
  }
  return out;
}

function buildPlan(definition: WorkflowDefinition): Plan {
  const steps = new Map<string, StepInfo>();
  const visit = (
    spec: StepSpec,
    parent: StepInfo | undefined,
    underMap: boolean,
    prefix: string | undefined,
  ) => {
    const staticKey = underMap ? undefined : prefix === undefined ? spec.id : `${prefix}.${spec.id}`;
    const info: StepInfo = { spec, underMap, deps: [], gates: new Map() };
    if (parent) info.parent = parent.spec.id;
    if (staticKey !== undefined) info.staticKey = staticKey;
    const own = collectOwn(spec);
    if (!own.whole) info.scopeRefs = own;
    steps.set(spec.id, info);
    const childUnderMap = underMap || spec.kind === 'map';
    for (const child of childrenOf(spec))
      visit(child, info, childUnderMap, childUnderMap ? undefined : staticKey);
  };
  for (const spec of definition.steps) visit(spec, undefined, false, undefined);

  for (const info of steps.values()) {
    if (info.spec.kind !== 'decision') continue;
    const mark = (target: string, branch: string) => {
      const gated = steps.get(target);
      if (!gated) return;
      let branches = gated.gates.get(info.spec.id);
      if (!branches) {
        branches = new Set();
        gated.gates.set(info.spec.id, branches);
      }
      branches.add(branch);
    };
    info.spec.branches.forEach((branch, index) => {
      for (const target of branch.then) mark(target, String(index));
    });
    for (const target of info.spec.otherwise ?? []) mark(target, 'otherwise');
  }

  const subtree = (spec: StepSpec, out: Set<string>): Set<string> => {
    out.add(spec.id);
    for (const child of childrenOf(spec)) subtree(child, out);
    return out;
  };
  const ancestors = (id: string): Set<string> => {
    const out = new Set<string>();
    for (let p = steps.get(id)?.parent; p !== undefined; p = steps.get(p)?.parent) out.add(p);
    return out;
  };
  const collect = (spec: StepSpec, out: Set<string>): void => {
    for (const need of spec.needs) out.add(need);
    for (const ref of ownReferences(spec)) out.add(ref);
    for (const decision of steps.get(spec.id)?.gates.keys() ?? []) out.add(decision);
    for (const child of childrenOf(spec)) collect(child, out);
  };
  for (const info of steps.values()) {
    const deps = new Set<string>();
    collect(info.spec, deps);
    const own = subtree(info.spec, new Set());
    const above = ancestors(info.spec.id);
    info.deps = [...deps].filter((id) => !own.has(id) && !above.has(id) && steps.has(id));
  }
  return { steps };
}
