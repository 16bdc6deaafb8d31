// Renders a leaf step's templates into the request its executor needs. Pure.
import { type ExpressionScope, renderTemplate } from '../language/expressions.js';
import type { JsonValue, StepSpec, WorkflowDefinition } from '../language/types.js';
import type { StepRequest } from './commands.js';

/** Total asks for a schema-bound reply: the step's retry attempts, else one ask plus two re-asks. */
export const DEFAULT_MAX_ASKS = 3;

function text(template: string, scope: ExpressionScope): string {
  const value = renderTemplate(template, scope);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function renderRequest(
  definition: WorkflowDefinition,
  spec: StepSpec,
  scope: ExpressionScope,
): StepRequest | undefined {
  const maxAsks = spec.retry?.attempts ?? DEFAULT_MAX_ASKS;
  switch (spec.kind) {
    case 'llm':
      return {
        kind: 'llm',
        model: spec.model,
        ...(spec.system !== undefined ? { system: text(spec.system, scope) } : {}),
        prompt: text(spec.prompt, scope),
        ...(spec.outputSchema ? { outputSchema: spec.outputSchema } : {}),
        maxAsks,
      };
    case 'agent':
      return {
        kind: 'agent',
        agent: spec.agent,
        prompt: text(spec.prompt, scope),
        maxIterations: spec.maxIterations ?? definition.agents[spec.agent]?.maxIterations ?? 10,
        ...(spec.outputSchema ? { outputSchema: spec.outputSchema } : {}),
        maxAsks,
      };
    case 'tool': {
      const args = renderTemplate(spec.args as JsonValue, scope);
      return { kind: 'tool', tool: spec.tool, args: (args ?? {}) as { [key: string]: JsonValue } };
    }
    case 'debate':
      return {
        kind: 'debate',
        topic: text(spec.topic, scope),
        participants: spec.participants.map((p) => ({
          name: p.name,
          model: p.model,
          ...(p.stance !== undefined ? { stance: text(p.stance, scope) } : {}),
        })),
        rounds: spec.rounds,
        judge: {
          model: spec.judge.model,
          ...(spec.judge.instructions !== undefined
            ? { instructions: text(spec.judge.instructions, scope) }
            : {}),
        },
        kFactor: spec.kFactor,
      };
    case 'workflow': {
      const inputs = renderTemplate(spec.inputs as JsonValue, scope);
      return {
        kind: 'workflow',
        workflow: spec.workflow,
        inputs: (inputs ?? {}) as { [key: string]: JsonValue },
      };
    }
    default:
      return undefined;
  }
}
