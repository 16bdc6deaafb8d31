// What the interpreter asks its driver to do next.
import type { BudgetSpec, JsonSchema, JsonValue, WorkflowDefinition } from '../language/types.js';
import type { JournalEvent, RunError } from './journal.js';

export interface LlmRequest {
  kind: 'llm';
  model: string;
  system?: string;
  prompt: string;
  outputSchema?: JsonSchema;
  /** Total asks when the reply does not match outputSchema (the first ask plus re-asks). */
  maxAsks: number;
}

export interface AgentRequest {
  kind: 'agent';
  agent: string;
  prompt: string;
  maxIterations: number;
  outputSchema?: JsonSchema;
  maxAsks: number;
}

export interface ToolRequest {
  kind: 'tool';
  tool: string;
  args: { [key: string]: JsonValue };
}

export interface DebateRequest {
  kind: 'debate';
  topic: string;
  participants: Array<{ name: string; model: string; stance?: string }>;
  rounds: number;
  judge: { model: string; instructions?: string };
  kFactor: number;
}

/** Runs the child workflow of a `kind: workflow` step (its definition is on the step's spec). */
export interface WorkflowRequest {
  kind: 'workflow';
  /** The child's path as written in the step. */
  workflow: string;
  inputs: { [key: string]: JsonValue };
  /** What the parent run had left of its budget when the step was scheduled: the child run gets no more. */
  budget?: BudgetSpec;
}

export type StepRequest = LlmRequest | AgentRequest | ToolRequest | DebateRequest | WorkflowRequest;

export interface ExecuteCommand {
  type: 'execute';
  /** Step instance key: `id`, `parallel.child`, `map[3]`. */
  key: string;
  stepId: string;
  attempt: number;
  /** Wait this long before starting (retry backoff). */
  delayMs: number;
  timeoutMs?: number;
  request: StepRequest;
}

/** Append this event to the journal; the interpreter has already taken it into account. */
export interface RecordCommand {
  type: 'record';
  event: JournalEvent;
}

export interface CompleteRunCommand {
  type: 'complete_run';
  outputs: Record<string, JsonValue>;
}

export interface FailRunCommand {
  type: 'fail_run';
  error: RunError;
}

export interface CancelRunCommand {
  type: 'cancel_run';
  reason?: string;
}

/**
 * The step `key` waits for a person's decision (its approval_requested is journaled). Returned on every
 * decision while it waits; the driver delivers the decision as an approval_decided event, and when
 * `timeoutMs` passes after the request (timed from its journaled `at`), decides `onTimeout` itself.
 */
export interface WaitApprovalCommand {
  type: 'wait_approval';
  key: string;
  stepId: string;
  prompt: string;
  decisions: string[];
  timeoutMs?: number;
  onTimeout?: string;
}

export type Command =
  | ExecuteCommand
  | RecordCommand
  | CompleteRunCommand
  | FailRunCommand
  | CancelRunCommand
  | WaitApprovalCommand;

/** The child's definition with its budget held to what the parent has left (`request.budget`). */
export function childDefinition(child: WorkflowDefinition, request: WorkflowRequest): WorkflowDefinition {
  const left = request.budget;
  if (!left) return child;
  const budget: BudgetSpec = { maxTokens: Math.min(child.budget.maxTokens, left.maxTokens) };
  const cost =
    child.budget.maxCostUsd === undefined
      ? left.maxCostUsd
      : left.maxCostUsd === undefined
        ? child.budget.maxCostUsd
        : Math.min(child.budget.maxCostUsd, left.maxCostUsd);
  if (cost !== undefined) budget.maxCostUsd = cost;
  return { ...child, budget };
}
