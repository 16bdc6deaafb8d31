// The output schema of a step, for completions and hovers inside expressions. The runtime's
// stepOutputSchema is the authority; while the file does not check (mid-edit), a close
// approximation is read from the step's own YAML so completion keeps working. Pure.
import type { WorkflowIndex } from './analysis.js';
import { type JsonSchema, stepOutputSchema, type WorkflowDefinition } from './runtime.js';

const TEXT: JsonSchema = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

export function outputSchemaOf(
  index: WorkflowIndex,
  stepId: string,
  definition?: WorkflowDefinition,
): JsonSchema | undefined {
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
          children.map((c) => [c.name, outputSchemaOf(index, c.name, definition) ?? {}]),
        ),
      };
    }
    case 'map': {
      const child = index.definitions.find((d) => d.kind === 'step' && d.parent === stepId);
      return { type: 'array', items: child ? (outputSchemaOf(index, child.name, definition) ?? {}) : {} };
    }
    default:
      return undefined;
  }
}
