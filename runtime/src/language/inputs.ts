// Workflow inputs -> one JSON Schema -> ajv validator; ajv errors -> JSON-pointer details. Pure.
// Used by the CLI (weft run --input) and the server (POST /run) alike.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { InputSpec, JsonSchema, JsonValue } from './types.js';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface InputError {
  /** JSON pointer into the request body, e.g. `/message` or `/items/0/name` ("" = the body itself). */
  pointer: string;
  message: string;
  keyword: string;
}

/** The JSON Schema of a workflow's input object. */
export function inputsSchema(inputs: Record<string, InputSpec>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(inputs)) {
    const schema: JsonSchema = { ...spec.schema };
    if (spec.description && schema.description === undefined) schema.description = spec.description;
    if (spec.default !== undefined) schema.default = spec.default;
    properties[name] = schema;
    if (spec.required && spec.default === undefined) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

export type InputValidator = (
  body: unknown,
) => { ok: true; inputs: Record<string, JsonValue> } | { ok: false; errors: InputError[] };

/** Compile once per workflow version. Applies defaults (on a copy). */
export function compileInputValidator(inputs: Record<string, InputSpec>): InputValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(inputsSchema(inputs));
  return (body) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return {
        ok: false,
        errors: [{ pointer: '', keyword: 'type', message: 'the body must be a JSON object of inputs' }],
      };
    }
    const copy = structuredClone(body) as Record<string, JsonValue>;
    if (validate(copy)) return { ok: true, inputs: copy };
    return { ok: false, errors: mapAjvErrors(validate.errors ?? []) };
  };
}

/** ajv errors -> `{ pointer, message, keyword }`, pointing at the offending value (or the missing property). */
export function mapAjvErrors(errors: ErrorObject[]): InputError[] {
  const out: InputError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let pointer = e.instancePath;
    let message = e.message ?? 'is invalid';
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer = `${pointer}/${escapePointer(params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      pointer = `${pointer}/${escapePointer(params.additionalProperty)}`;
      message = 'is not an input of this workflow';
    } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, message, keyword: e.keyword });
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
