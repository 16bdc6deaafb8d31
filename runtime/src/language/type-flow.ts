// What each step outputs (as JSON Schema) and whether a field path exists in a schema.
import type { JsonSchema, StepSpec, WorkflowDefinition } from './types.js';

export function findStep(definition: WorkflowDefinition, id: string): StepSpec | undefined {
  const stack = [...definition.steps];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.id === id) return step;
    if (step.kind === 'parallel') stack.push(...step.steps);
    else if (step.kind === 'map') stack.push(step.step);
  }
  return undefined;
}

const TEXT_OUTPUT: JsonSchema = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
};

export function outputSchemaOfStep(step: StepSpec, depth = 0): JsonSchema {
  if (depth > 32) return {};
  switch (step.kind) {
    case 'llm':
    case 'agent':
      return step.outputSchema ?? TEXT_OUTPUT;
    case 'tool':
      return {
        type: 'object',
        properties: { status: { type: 'integer' }, body: {} },
        required: ['status', 'body'],
      };
    case 'decision':
      return { type: 'object', properties: { branch: { type: 'string' } }, required: ['branch'] };
    case 'parallel':
      return {
        type: 'object',
        properties: Object.fromEntries(step.steps.map((s) => [s.id, outputSchemaOfStep(s, depth + 1)])),
      };
    case 'map':
      return { type: 'array', items: outputSchemaOfStep(step.step, depth + 1) };
    case 'approval':
      return {
        type: 'object',
        properties: {
          decision: { type: 'string', enum: [...step.decisions], description: 'The decision taken' },
          by: { type: 'string', description: 'Who decided (`timeout` when the timeout decided)' },
          at: { type: 'string', format: 'date-time', description: 'When the decision was made' },
          comment: { type: 'string', description: "The decider's comment, if any" },
          timed_out: { type: 'boolean', description: 'True when the timeout decided' },
        },
        required: ['decision', 'by', 'at', 'timed_out'],
      };
    case 'debate':
      return {
        type: 'object',
        properties: {
          winner: { type: 'string', description: 'Name of the winning participant' },
          scores: {
            type: 'object',
            description: 'Participant name -> total judge score',
            additionalProperties: { type: 'number' },
          },
          ratings: {
            type: 'object',
            description: 'Participant name -> Elo rating',
            additionalProperties: { type: 'number' },
          },
          transcript: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                round: { type: 'integer' },
                participant: { type: 'string' },
                text: { type: 'string' },
              },
            },
          },
        },
        required: ['winner', 'scores', 'ratings', 'transcript'],
      };
    case 'workflow':
      return subWorkflowOutputSchema(step.definition);
  }
}

/** The output of a sub-workflow step: the child's `outputs` by name (unknown while the child is unresolved). */
export function subWorkflowOutputSchema(child: WorkflowDefinition | undefined): JsonSchema {
  if (!child) return {};
  const properties: Record<string, JsonSchema> = {};
  for (const [name, output] of Object.entries(child.outputs)) properties[name] = output.schema;
  return { type: 'object', properties, required: Object.keys(properties) };
}

export function stepOutputSchema(definition: WorkflowDefinition, stepId: string): JsonSchema | undefined {
  const step = findStep(definition, stepId);
  if (!step) return undefined;
  if (step.kind === 'tool') {
    const responseSchema = definition.tools[step.tool]?.responseSchema;
    const schema = outputSchemaOfStep(step);
    if (responseSchema) (schema.properties as Record<string, JsonSchema>).body = responseSchema;
    return schema;
  }
  return outputSchemaOfStep(step);
}

export type FieldCheck = { ok: true } | { ok: false; index: number; known: string[] };

const OK: FieldCheck = { ok: true };

/**
 * Walks `path` (from its segment `from` on) through properties/items; unknown only where the schema closes its
 * properties. The failing `index` counts from `from`.
 */
export function checkFieldPath(
  schema: JsonSchema | undefined,
  path: readonly string[],
  from = 0,
): FieldCheck {
  let current = schema;
  for (let at = from; at < path.length; at++) {
    const i = at - from;
    if (!current || typeof current !== 'object') return OK;
    const segment = path[at]!;
    const properties = current.properties as Record<string, JsonSchema> | undefined;
    if (current.type === 'array' || (current.items && !properties)) {
      if (!/^\d+$/.test(segment)) return OK;
      current = current.items as JsonSchema | undefined;
      continue;
    }
    if (!properties || typeof properties !== 'object') return OK;
    if (Object.hasOwn(properties, segment)) {
      current = properties[segment];
      continue;
    }
    if (current.additionalProperties !== undefined && current.additionalProperties !== false) return OK;
    if (current.patternProperties || current.$ref || current.anyOf || current.oneOf || current.allOf)
      return OK;
    return { ok: false, index: i, known: Object.keys(properties) };
  }
  return OK;
}

const SHARED: Partial<Record<StepSpec['kind'], JsonSchema>> = {};

/**
 * outputSchemaOfStep, with the schemas that do not depend on the step shared between calls: for readers that
 * never change the result (the checker asks for the schema of every referenced step on every check).
 */
export function sharedOutputSchemaOfStep(step: StepSpec, depth = 0): JsonSchema {
  switch (step.kind) {
    case 'tool':
    case 'decision':
    case 'debate': {
      if (depth > 32) return {};
      let schema = SHARED[step.kind];
      if (!schema) {
        schema = outputSchemaOfStep(step);
        SHARED[step.kind] = schema;
      }
      return schema;
    }
    case 'parallel': {
      // outputSchemaOfStep's object, without Object.fromEntries and the entry arrays (parallel steps are many).
      if (depth > 32) return {};
      const properties: Record<string, JsonSchema> = {};
      for (let i = 0; i < step.steps.length; i++) {
        const child = step.steps[i]!;
        const schema = sharedOutputSchemaOfStep(child, depth + 1);
        // fromEntries defines every key as its own property, `__proto__` included.
        if (child.id === '__proto__') {
          Object.defineProperty(properties, child.id, {
            value: schema,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        } else properties[child.id] = schema;
      }
      return { type: 'object', properties };
    }
    case 'map':
      if (depth > 32) return {};
      return { type: 'array', items: sharedOutputSchemaOfStep(step.step, depth + 1) };
    default:
      return outputSchemaOfStep(step, depth);
  }
}
