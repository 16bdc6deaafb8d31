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

/** needs: explicit needs plus implied dependencies, computed by the semantic checks. */
export type NeedsOf = (entry: StepEntry) => string[];

function step(entry: StepEntry, needsOf: NeedsOf): StepSpec | undefined {
  const raw = entry.value;
  const base = { id: entry.id, needs: needsOf(entry), range: entry.idRange } as StepSpec;
  if (typeof raw.name === 'string') base.name = raw.name;
  if (typeof raw.if === 'string') base.if = raw.if;
  const r = retry(raw.retry);
  if (r) base.retry = r;
  const timeout = durationMs(raw.timeout);
  if (timeout !== undefined) base.timeoutMs = timeout;
  const outputSchema = isObject(raw.output_schema) ? raw.output_schema : undefined;
  switch (entry.kind) {
    case 'llm':
      return {
        ...base,
        kind: 'llm',
        model: str(raw.model),
        prompt: str(raw.prompt),
        ...(typeof raw.system === 'string' ? { system: raw.system } : {}),
        ...(outputSchema ? { outputSchema } : {}),
      };
    case 'agent':
      return {
        ...base,
        kind: 'agent',
        agent: str(raw.agent),
        prompt: str(raw.prompt),
        ...(optNum(raw.max_iterations) !== undefined ? { maxIterations: raw.max_iterations as number } : {}),
        ...(outputSchema ? { outputSchema } : {}),
      };
    case 'tool':
      return { ...base, kind: 'tool', tool: str(raw.tool), args: obj(raw.args) as Record<string, JsonValue> };
    case 'decision':
      return {
        ...base,
        kind: 'decision',
        branches: (Array.isArray(raw.branches) ? raw.branches : []).map((b) => ({
          when: str(obj(b).when),
          // biome-ignore lint/suspicious/noThenProperty: the language's own key, never awaited
          then: strings(obj(b).then),
        })),
        ...(Array.isArray(raw.otherwise) ? { otherwise: strings(raw.otherwise) } : {}),
      };
    case 'parallel':
      return {
        ...base,
        kind: 'parallel',
        steps: entry.children.map((c) => step(c, needsOf)).filter((s): s is StepSpec => s !== undefined),
      };
    case 'map': {
      const child = entry.children[0] ? step(entry.children[0], needsOf) : undefined;
      if (!child) return undefined;
      return {
        ...base,
        kind: 'map',
        items: str(raw.items),
        concurrency: num(raw.concurrency, DEFAULTS.mapConcurrency),
        step: child,
      };
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
      return {
        ...base,
        kind: 'debate',
        topic: str(raw.topic),
        participants,
        rounds: num(raw.rounds, DEFAULTS.debateRounds),
        judge: {
          model: str(judge.model),
          ...(typeof judge.instructions === 'string' ? { instructions: judge.instructions } : {}),
        },
        kFactor: num(raw.k_factor, DEFAULTS.debateKFactor),
      };
    }
    default:
      return undefined;
  }
}

export function buildDefinition(root: Obj, index: StepIndex, needsOf: NeedsOf): WorkflowDefinition {
  const definition: WorkflowDefinition = {
    name: str(root.name),
    inputs: Object.fromEntries(entries(root.inputs).map(([k, v]) => [k, input(v)])),
    outputs: Object.fromEntries(entries(root.outputs).map(([k, v]) => [k, output(v)])),
    models: Object.fromEntries(entries(root.models).map(([k, v]) => [k, model(v)])),
    agents: Object.fromEntries(entries(root.agents).map(([k, v]) => [k, agent(v)])),
    tools: Object.fromEntries(entries(root.tools).map(([k, v]) => [k, tool(v)])),
    budget: budget(obj(root.budget)),
    steps: index.top.map((e) => step(e, needsOf)).filter((s): s is StepSpec => s !== undefined),
  };
  if (typeof root.description === 'string') definition.description = root.description;
  if (typeof root.version === 'string') definition.version = root.version;
  else if (typeof root.version === 'number') definition.version = String(root.version);
  return definition;
}
