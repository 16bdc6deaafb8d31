// Builders for WorkflowDefinition objects in tests (until the checker builds them from YAML).
import type {
  DecisionBranch,
  DecisionStep,
  JsonValue,
  LlmStep,
  MapStep,
  ParallelStep,
  StepSpec,
  ToolStep,
  WorkflowDefinition,
  WorkflowStep,
} from '../../language/types.js';

export function workflow(steps: StepSpec[], extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return {
    name: 'test',
    inputs: {},
    outputs: {},
    models: { fast: { provider: 'mock', model: 'mock-1', parameters: {} } },
    agents: {},
    tools: {},
    budget: { maxTokens: 100_000 },
    steps,
    ...extra,
  };
}

export function llm(id: string, prompt: string, extra: Partial<LlmStep> = {}): LlmStep {
  return { id, kind: 'llm', needs: [], model: 'fast', prompt, ...extra };
}

export function tool(
  id: string,
  toolName: string,
  args: ToolStep['args'],
  extra: Partial<ToolStep> = {},
): ToolStep {
  return { id, kind: 'tool', needs: [], tool: toolName, args, ...extra };
}

export function branch(when: string, targets: string[]): DecisionBranch {
  // biome-ignore lint/suspicious/noThenProperty: `then` is the decision branch field of the language
  return { when, then: targets };
}

export function decision(
  id: string,
  branches: DecisionStep['branches'],
  otherwise?: string[],
  extra: Partial<DecisionStep> = {},
): DecisionStep {
  return { id, kind: 'decision', needs: [], branches, ...(otherwise ? { otherwise } : {}), ...extra };
}

export function parallel(id: string, steps: StepSpec[], extra: Partial<ParallelStep> = {}): ParallelStep {
  return { id, kind: 'parallel', needs: [], steps, ...extra };
}

export function map(
  id: string,
  items: string,
  step: StepSpec,
  concurrency = 4,
  extra: Partial<MapStep> = {},
): MapStep {
  return { id, kind: 'map', needs: [], items, concurrency, step, ...extra };
}

/** A `kind: workflow` step whose child is already resolved (as checkWorkflow with a resolver leaves it). */
export function subWorkflow(
  id: string,
  child: WorkflowDefinition,
  inputs: Record<string, JsonValue> = {},
  extra: Partial<WorkflowStep> = {},
): WorkflowStep {
  return {
    id,
    kind: 'workflow',
    needs: [],
    workflow: `./${child.name}.yaml`,
    inputs,
    definition: child,
    ...extra,
  };
}
