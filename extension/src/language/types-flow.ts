// The output schema of a step, for completions and hovers inside expressions. The runtime's
// stepOutputSchema is the authority; while the file does not check (mid-edit), a close
// approximation is read from the step's own YAML so completion keeps working. Pure.
import type { WorkflowIndex } from './analysis.js';
import { type JsonSchema, stepOutputSchema, type WorkflowDefinition } from './runtime.js';

const TEXT: JsonSchema = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

/** The checked definition, or a function that checks on demand (only output types need it). */
export type DefinitionSource = WorkflowDefinition | (() => WorkflowDefinition | undefined) | undefined;

export function outputSchemaOf(
  index: WorkflowIndex,
  stepId: string,
  source?: DefinitionSource,
): JsonSchema | undefined {
  const definition = typeof source === 'function' ? source() : source;
  if (definition) {
    try {
      const schema = stepOutputSchema(definition, stepId);
      if (schema) return schema;
    } catch {
      // fall through to the approximation
    }
  }
  const step = index.definitions.find((d) => d.kind === 'step' && d.name === stepId);
  const value = step?.node?.toJSON() as Record<string, unknown> | undefined;
  if (!value) return undefined;
  switch (value.kind) {
    case 'llm':
    case 'agent':
      return (value.output_schema as JsonSchema | undefined) ?? TEXT;
    case 'tool':
      return { type: 'object', properties: { status: { type: 'integer' }, body: {} } };
    case 'decision':
      return { type: 'object', properties: { branch: { type: 'string' } } };
    case 'approval':
      return {
        type: 'object',
        properties: {
          decision: { type: 'string' },
          by: { type: 'string' },
          at: { type: 'string' },
          comment: { type: 'string' },
          timed_out: { type: 'boolean' },
        },
      };
    case 'debate':
      return {
        type: 'object',
        properties: {
          winner: { type: 'string' },
          scores: { type: 'object' },
          ratings: { type: 'object' },
          transcript: { type: 'array' },
        },
      };
    case 'parallel': {
      const children = index.definitions.filter((d) => d.kind === 'step' && d.parent === stepId);
      return {
        type: 'object',
        properties: Object.fromEntries(
          children.map((c) => [c.name, outputSchemaOf(index, c.name, source) ?? {}]),
        ),
      };
    }
    case 'map': {
      const child = index.definitions.find((d) => d.kind === 'step' && d.parent === stepId);
      return { type: 'array', items: child ? (outputSchemaOf(index, child.name, source) ?? {}) : {} };
    }
    default:
      return undefined;
  }
}
