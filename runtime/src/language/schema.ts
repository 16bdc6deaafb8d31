// The workflow JSON Schema and its compiled validator (compiled once, on first use).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../../schemas/workflow.schema.json' with { type: 'json' };
import type { JsonSchema } from './types.js';

export const workflowSchema: JsonSchema = schema as JsonSchema;

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    validator = ajv.compile(workflowSchema);
  }
  return validator;
}

export function validateAgainstSchema(value: unknown): ErrorObject[] {
  const validate = compiled();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
