// The typed definition of a workflow.yaml, as the checker returns it and the interpreter consumes it.
// schemas/workflow.schema.json is the single definition of the file format; these types mirror it.

/** A JSON Schema object (2020-12), kept as plain data. */
export type JsonSchema = { [key: string]: unknown };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** 1-based line and column, as editors and `weft validate` show them. End is exclusive. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based character offsets into the source text. */
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, such as `yaml-syntax`, `schema`, `unknown-step`, `cycle`. See docs/language.md. */
  code: string;
  message: string;
  range: SourceRange;
}

export interface WorkflowDefinition {
  name: string;
  description?: string;
  version?: string;
  /** Input name -> JSON Schema of that input (may carry `default`). */
  inputs: Record<string, InputSpec>;
  /** Output name -> JSON Schema plus the `value` expression that computes it. */
  outputs: Record<string, OutputSpec>;
  models: Record<string, ModelSpec>;
  agents: Record<string, AgentSpec>;
  tools: Record<string, ToolSpec>;
  budget: BudgetSpec;
  /** Top-level steps in file order. Nested steps live inside parallel/map steps. */
  steps: StepSpec[];
}

export interface InputSpec {
  schema: JsonSchema;
  required: boolean;
  default?: JsonValue;
  description?: string;
}

export interface OutputSpec {
  schema: JsonSchema;
  /** A template, usually a single `${{ expression }}`. */
  value: string;
  description?: string;
}

export type ModelProvider = 'openai' | 'anthropic' | 'gemini' | 'mock';

export interface ModelSpec {
  provider: ModelProvider;
  model: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv?: string;
  /** For OpenAI-compatible endpoints (OpenRouter, Ollama, vLLM) and for tests. */
  baseUrl?: string;
  parameters: { temperature?: number; maxOutputTokens?: number; topP?: number; seed?: number };
  /** USD per million tokens. */
  pricing?: { inputPerMillion: number; outputPerMillion: number };
}

export interface AgentSpec {
  model: string;
  instructions: string;
  tools: string[];
  maxIterations: number;
}

export interface ToolSpec {
  kind: 'http';
  description?: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Template; `args.*` (tool arguments), `inputs.*` and `env.*` are in scope. */
  url: string;
  headers: Record<string, string>;
  /** Template(s) for the request body; sent as JSON. */
  body?: JsonValue;
  timeoutMs: number;
  /** JSON Schema of the arguments (shown to agents as the tool's parameters). */
  argsSchema?: JsonSchema;
  /** JSON Schema of the response body, for type flow. */
  responseSchema?: JsonSchema;
}

export interface BudgetSpec {
  /** Default 100,000. */
  maxTokens: number;
  maxCostUsd?: number;
}

export interface RetrySpec {
  /** Total attempts including the first. */
  attempts: number;
  backoffMs: number;
  /** Multiplier applied to the backoff after each failed attempt. */
  factor: number;
}

interface StepBase {
  id: string;
  name?: string;
  /** Ids of steps that must finish first (explicit, plus those implied by expressions). */
  needs: string[];
  /** CEL condition; when false the step is skipped. */
  if?: string;
  retry?: RetrySpec;
  timeoutMs?: number;
  /** Where this step is declared in the file (the `id` value). */
  range?: SourceRange;
}

export interface LlmStep extends StepBase {
  kind: 'llm';
  model: string;
  system?: string;
  prompt: string;
  /** When set, the output is the parsed object; otherwise `{ text }`. */
  outputSchema?: JsonSchema;
}

export interface AgentStep extends StepBase {
  kind: 'agent';
  agent: string;
  prompt: string;
  /** Overrides the agent's maxIterations. */
  maxIterations?: number;
  outputSchema?: JsonSchema;
}

export interface ToolStep extends StepBase {
  kind: 'tool';
  tool: string;
  /** Argument templates. */
  args: Record<string, JsonValue>;
}

export interface DecisionBranch {
  /** CEL condition. */
  when: string;
  /** Step ids that run when this branch is chosen. */
  then: string[];
}

export interface DecisionStep extends StepBase {
  kind: 'decision';
  branches: DecisionBranch[];
  /** The explicit catch-all. Without it, no match fails the run with `no_branch_matched`. */
  otherwise?: string[];
}

export interface ParallelStep extends StepBase {
  kind: 'parallel';
  /** Run at once; output is `{ [childId]: childOutput }`. */
  steps: StepSpec[];
}

export interface MapStep extends StepBase {
  kind: 'map';
  /** CEL expression yielding a list. */
  items: string;
  concurrency: number;
  /** Template step run once per item; `item` and `index` are in scope. Output is the list of outputs. */
  step: StepSpec;
}

export interface DebateParticipant {
  name: string;
  model: string;
  stance?: string;
}

export interface DebateStep extends StepBase {
  kind: 'debate';
  topic: string;
  participants: DebateParticipant[];
  rounds: number;
  judge: { model: string; instructions?: string };
  /** Elo K-factor, default 32. */
  kFactor: number;
}

/** Waits for a person's decision. `timeoutMs` (the step's `timeout`) is how long it waits, then `onTimeout`. */
export interface ApprovalStep extends StepBase {
  kind: 'approval';
  /** Template: what the person is asked. */
  prompt: string;
  /** Allowed decisions, default `[approve, reject]`. */
  decisions: string[];
  /** The decision taken when `timeoutMs` passes (set whenever timeoutMs is). */
  onTimeout?: string;
}

/** Runs another workflow file (a sub-workflow); its output is the child's `outputs` object. */
export interface WorkflowStep extends StepBase {
  kind: 'workflow';
  /** The child's path as written, relative to the calling file. */
  workflow: string;
  /** Input name -> template, rendered into the child's inputs. */
  inputs: Record<string, JsonValue>;
  /**
   * The child's definition, resolved and checked at load time (checkWorkflow with a resolver) so the
   * interpreter and the engines never read files. Absent when no resolver was given or the child has errors.
   */
  definition?: WorkflowDefinition;
  /** The child's file as the resolver names it (absolute for the CLI and server). */
  file?: string;
}

export type StepSpec =
  | LlmStep
  | AgentStep
  | ToolStep
  | DecisionStep
  | ParallelStep
  | MapStep
  | DebateStep
  | ApprovalStep
  | WorkflowStep;
export type StepKind = StepSpec['kind'];

export interface CheckResult {
  /** Present when the file parsed well enough to build a definition, even if diagnostics exist. */
  definition?: WorkflowDefinition;
  diagnostics: Diagnostic[];
}
