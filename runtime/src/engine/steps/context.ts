// What an executor gets besides the command: the definition, the run's environment and its services.
import type { JsonValue, ModelSpec, WorkflowDefinition } from '../../language/types.js';
import type { ModelClient } from '../../models/types.js';
import type { ExecuteCommand, WorkflowRequest } from '../commands.js';
import type { ModelCallRecord, Usage } from '../journal.js';
import type { UsageMeter } from './meter.js';
import type { RatingsStore } from './ratings.js';

/** `(stepKey, text, model)`: streamed model text of one step. */
export type TextDeltaListener = (stepKey: string, text: string, model: string) => void;

export interface StepContext {
  runId: string;
  definition: WorkflowDefinition;
  inputs: Record<string, JsonValue>;
  env: Record<string, string | undefined>;
  /** Aborts on step timeout and on run cancellation. */
  signal: AbortSignal;
  /** The run's budget breaker. */
  meter: UsageMeter;
  /** The client for a model declared in `models` (by its name there). */
  model: (modelName: string) => ModelClient;
  fetch?: typeof fetch;
  ratings: RatingsStore;
  /**
   * Called with text as a model streams it, for every model call of every step (llm, agent, debate,
   * structured retries): the step's key, the text, and the provider's model id (as in call records' `model`). Positional, so a
   * delta costs no object. Unset: models are not asked to stream.
   */
  onTextDelta?: TextDeltaListener;
  /**
   * Runs a sub-workflow's child run to its end (the engine's port): resolves with its outputs, usage, calls and
   * run id; rejects with a StepError coded as the child's run error. Unset: the driver cannot run sub-workflows.
   */
  runWorkflow?: (child: ChildRun) => Promise<StepResult>;
}

export interface StepResult {
  output: JsonValue;
  usage: Usage;
  calls: ModelCallRecord[];
  /** A sub-workflow step: the child's run id. */
  childRunId?: string;
}

/** A sub-workflow step to run: its command and the child's definition (from the step's spec). */
export interface ChildRun {
  command: ExecuteCommand & { request: WorkflowRequest };
  definition: WorkflowDefinition;
  /** The child's file, when the checker resolved it. */
  file?: string;
  signal: AbortSignal;
}

/** `StepContext.model` for a run: one client per declared model, made on first use. */
export function modelClientsFor(
  definition: WorkflowDefinition,
  factory: (spec: ModelSpec) => ModelClient,
): (modelName: string) => ModelClient {
  const clients = new Map<string, ModelClient>();
  return (name) => {
    let client = clients.get(name);
    if (!client) {
      const spec = definition.models[name];
      if (!spec) throw new Error(`model ${name} is not declared in models`);
      client = factory(spec);
      clients.set(name, client);
    }
    return client;
  };
}
