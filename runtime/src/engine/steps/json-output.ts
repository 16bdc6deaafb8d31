// Parses a model's reply as JSON and validates it against the step's output schema.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema, JsonValue } from '../../language/types.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

export type ParsedOutput = { ok: true; value: JsonValue } | { ok: false; error: string };

/** JSON from a reply, tolerating a Markdown code fence around it. */
function extractJson(text: string): string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  return (fenced ? fenced[1]! : text).trim();
}

export function parseOutput(text: string, schema: JsonSchema): ParsedOutput {
  let value: JsonValue;
  try {
    value = JSON.parse(extractJson(text)) as JsonValue;
  } catch (error) {
    return { ok: false, error: `the reply is not JSON (${(error as Error).message})` };
  }
  const validate = validatorFor(schema);
  if (validate(value)) return { ok: true, value };
  const problems = (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
  return { ok: false, error: `the reply does not match the output schema: ${problems}` };
}

export function reaskMessage(error: string): string {
  return `Your previous reply was rejected: ${error}. Reply again with only a JSON value that matches the requested schema.`;
}
