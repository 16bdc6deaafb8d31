// snake_case YAML value -> camelCase WorkflowDefinition, with defaults. Tolerates invalid input (never throws).
import type { StepEntry, StepIndex } from './step-index.js';
import type {
  AgentSpec,
  BudgetSpec,
  DebateParticipant,
  InputSpec,
  JsonSchema,
  JsonValue,
  ModelProvider,
  ModelSpec,
  OutputSpec,
  RetrySpec,
  StepSpec,
  ToolSpec,
  WorkflowDefinition,
} from './types.js';

export const DEFAULTS = {
  maxTokens: 100_000,
  mapConcurrency: 4,
  debateKFactor: 32,
  debateRounds: 2,
  agentMaxIterations: 5,
  toolTimeoutMs: 30_000,
  retryFactor: 2,
  retryBackoffMs: 1_000,
} as const;

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const optNum = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(value);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

export const DEFAULT_APPROVAL_DECISIONS = ['approve', 'reject'] as const;

/** An approval's decision on timeout: `on_timeout`, else `reject` when allowed, else the last decision. */
export function defaultOnTimeout(decisions: readonly string[], onTimeout: unknown): string {
  if (typeof onTimeout === 'string') return onTimeout;
  return decisions.includes('reject') ? 'reject' : (decisions[decisions.length - 1] ?? 'reject');
}

function entries(v: unknown): Array<[string, Obj]> {
  return Object.entries(obj(v)).map(([k, x]) => [k, obj(x)]);
}

function withoutKeys(source: Obj, keys: string[]): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(source)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function input(raw: Obj): InputSpec {
  const spec: InputSpec = { schema: withoutKeys(raw, ['default']), required: !('default' in raw) };
  if ('default' in raw) spec.default = raw.default as JsonValue;
  if (typeof raw.description === 'string') spec.description = raw.description;
  return spec;
}

function output(raw: Obj): OutputSpec {
  const spec: OutputSpec = { schema: withoutKeys(raw, ['value']), value: str(raw.value) };
  if (typeof raw.description === 'string') spec.description = raw.description;
  return spec;
}

function model(raw: Obj): ModelSpec {
  const p = obj(raw.parameters);
  const parameters: ModelSpec['parameters'] = {};
  if (optNum(p.temperature) !== undefined) parameters.temperature = p.temperature as number;
  if (optNum(p.max_output_tokens) !== undefined) parameters.maxOutputTokens = p.max_output_tokens as number;
  if (optNum(p.top_p) !== undefined) parameters.topP = p.top_p as number;
  if (optNum(p.seed) !== undefined) parameters.seed = p.seed as number;
  const spec: ModelSpec = {
    provider: str(raw.provider, 'mock') as ModelProvider,
    model: str(raw.model),
    parameters,
  };
  if (typeof raw.api_key_env === 'string') spec.apiKeyEnv = raw.api_key_env;
  if (typeof raw.base_url === 'string') spec.baseUrl = raw.base_url;
  if (isObject(raw.pricing)) {
    spec.pricing = {
      inputPerMillion: num(raw.pricing.input_per_million, 0),
      outputPerMillion: num(raw.pricing.output_per_million, 0),
    };
  }
  return spec;
}

function agent(raw: Obj): AgentSpec {
  return {
    model: str(raw.model),
    instructions: str(raw.instructions),
    tools: strings(raw.tools),
    maxIterations: num(raw.max_iterations, DEFAULTS.agentMaxIterations),
  };
}

function tool(raw: Obj): ToolSpec {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(raw.headers))) if (typeof v === 'string') headers[k] = v;
  const spec: ToolSpec = {
    kind: 'http',
    method: str(raw.method, 'GET') as ToolSpec['method'],
    url: str(raw.url),
    headers,
    timeoutMs: durationMs(raw.timeout) ?? DEFAULTS.toolTimeoutMs,
  };
  if (typeof raw.description === 'string') spec.description = raw.description;
  if ('body' in raw) spec.body = raw.body as JsonValue;
  if (isObject(raw.args_schema)) spec.argsSchema = raw.args_schema;
  if (isObject(raw.response_schema)) spec.responseSchema = raw.response_schema;
  return spec;
}

function budget(raw: Obj): BudgetSpec {
  const spec: BudgetSpec = { maxTokens: num(raw.max_tokens, DEFAULTS.maxTokens) };
  if (optNum(raw.max_cost_usd) !== undefined) spec.maxCostUsd = raw.max_cost_usd as number;
  return spec;
}

function retry(raw: unknown): RetrySpec | undefined {
  if (!isObject(raw)) return undefined;
  return {
    attempts: num(raw.attempts, 1),
    backoffMs: durationMs(raw.backoff) ?? DEFAULTS.retryBackoffMs,
    factor: num(raw.factor, DEFAULTS.retryFactor),
  };
}

/**
 * What buildDefinition leaves for the semantic checks: the spec of each step that has one in the definition, by
 * step `order` (undefined for steps without a spec). Their `needs` are empty here: the semantic checks set them
 * (explicit needs plus implied dependencies).
 */
export interface Built {
  specs: (StepSpec | undefined)[];
}

/**
 * Properties are assigned onto one object (no spreads: this runs for every step of every check), in the order
 * the spec types list them, so a definition serializes the same way it always has.
 */
function step(entry: StepEntry, built: Built): StepSpec | undefined {
  const raw = entry.value;
  const spec: Record<string, unknown> = { id: entry.id, needs: [], range: entry.idRange };
  if (typeof raw.name === 'string') spec.name = raw.name;
  if (typeof raw.if === 'string') spec.if = raw.if;
  const r = retry(raw.retry);
  if (r) spec.retry = r;
  const timeout = durationMs(raw.timeout);
  if (timeout !== undefined) spec.timeoutMs = timeout;
  const outputSchema = isObject(raw.output_schema) ? raw.output_schema : undefined;
  switch (entry.kind) {
    case 'llm':
      spec.kind = 'llm';
      spec.model = str(raw.model);
      spec.prompt = str(raw.prompt);
      if (typeof raw.system === 'string') spec.system = raw.system;
      if (outputSchema) spec.outputSchema = outputSchema;
      break;
    case 'agent':
      spec.kind = 'agent';
      spec.agent = str(raw.agent);
      spec.prompt = str(raw.prompt);
      if (optNum(raw.max_iterations) !== undefined) spec.maxIterations = raw.max_iterations;
      if (outputSchema) spec.outputSchema = outputSchema;
      break;
    case 'tool':
      spec.kind = 'tool';
      spec.tool = str(raw.tool);
      spec.args = obj(raw.args) as Record<string, JsonValue>;
      break;
    case 'decision':
      spec.kind = 'decision';
      spec.branches = (Array.isArray(raw.branches) ? raw.branches : []).map((b) => ({
        when: str(obj(b).when),
        // biome-ignore lint/suspicious/noThenProperty: the language's own key, never awaited
        then: strings(obj(b).then),
      }));
      if (Array.isArray(raw.otherwise)) spec.otherwise = strings(raw.otherwise);
      break;
    case 'parallel':
      spec.kind = 'parallel';
      spec.steps = steps(entry.children, built);
      break;
    case 'map': {
      const child = entry.children[0] ? step(entry.children[0], built) : undefined;
      if (!child) return undefined;
      spec.kind = 'map';
      spec.items = str(raw.items);
      spec.concurrency = num(raw.concurrency, DEFAULTS.mapConcurrency);
      spec.step = child;
      break;
    }
    case 'debate': {
      const judge = obj(raw.judge);
      const participants: DebateParticipant[] = (Array.isArray(raw.participants) ? raw.participants : []).map(
        (p) => {
          const o = obj(p);
          const participant: DebateParticipant = { name: str(o.name), model: str(o.model) };
          if (typeof o.stance === 'string') participant.stance = o.stance;
          return participant;
        },
      );
      const judgeSpec: { model: string; instructions?: string } = { model: str(judge.model) };
      if (typeof judge.instructions === 'string') judgeSpec.instructions = judge.instructions;
      spec.kind = 'debate';
      spec.topic = str(raw.topic);
      spec.participants = participants;
      spec.rounds = num(raw.rounds, DEFAULTS.debateRounds);
      spec.judge = judgeSpec;
      spec.kFactor = num(raw.k_factor, DEFAULTS.debateKFactor);
      break;
    }
    case 'approval': {
      spec.kind = 'approval';
      spec.prompt = str(raw.prompt);
      const decisions = Array.isArray(raw.decisions) ? strings(raw.decisions) : [];
      spec.decisions = decisions.length > 0 ? decisions : [...DEFAULT_APPROVAL_DECISIONS];
      const onTimeout = defaultOnTimeout(spec.decisions as string[], raw.on_timeout);
      if (timeout !== undefined) spec.onTimeout = onTimeout;
      break;
    }
    case 'workflow':
      spec.kind = 'workflow';
      spec.workflow = str(raw.workflow);
      spec.inputs = obj(raw.inputs) as Record<string, JsonValue>;
      break;
    default:
      return undefined;
  }
  // A spec is in the definition: its ancestors are parallel steps (always kept) and map steps (kept when
  // their step is).
  built.specs[entry.order] = spec as unknown as StepSpec;
  return spec as unknown as StepSpec;
}

/** The specs of a step list, in order, without the steps that have none. */
function steps(entries: readonly StepEntry[], built: Built): StepSpec[] {
  const out: StepSpec[] = [];
  for (let i = 0; i < entries.length; i++) {
    const spec = step(entries[i]!, built);
    if (spec !== undefined) out.push(spec);
  }
  return out;
}

export function buildDefinition(root: Obj, index: StepIndex, built: Built): WorkflowDefinition {
  const definition: WorkflowDefinition = {
    name: str(root.name),
    inputs: Object.fromEntries(entries(root.inputs).map(([k, v]) => [k, input(v)])),
    outputs: Object.fromEntries(entries(root.outputs).map(([k, v]) => [k, output(v)])),
    models: Object.fromEntries(entries(root.models).map(([k, v]) => [k, model(v)])),
    agents: Object.fromEntries(entries(root.agents).map(([k, v]) => [k, agent(v)])),
    tools: Object.fromEntries(entries(root.tools).map(([k, v]) => [k, tool(v)])),
    budget: budget(obj(root.budget)),
    steps: steps(index.top, built),
  };
  if (typeof root.description === 'string') definition.description = root.description;
  if (typeof root.version === 'string') definition.version = root.version;
  else if (typeof root.version === 'number') definition.version = String(root.version);
  return definition;
}
