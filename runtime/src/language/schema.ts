// The workflow JSON Schema and its compiled validators (compiled once, on first use).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../../schemas/workflow.schema.json' with { type: 'json' };
import type { JsonSchema } from './types.js';

export const workflowSchema: JsonSchema = schema as JsonSchema;

let validator: ValidateFunction | undefined;
let verdict: ValidateFunction | undefined;

/** The validator whose errors become diagnostics: every error, with its schema (schema-diagnostics reads it). */
function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    validator = ajv.compile(workflowSchema);
  }
  return validator;
}

type Schema = Record<string, unknown>;

/** `schema`, or what its `$ref` points to when it is only a local `$ref` (followed a few times at most). */
function dereferenced(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (let hops = 0; hops < 8 && current && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (
      !ref.startsWith('#/') ||
      Object.keys(current).some((k) => k !== '$ref' && k !== 'description' && k !== 'examples')
    )
      return undefined;
    let target: unknown = workflowSchema;
    for (const part of ref.slice(2).split('/')) target = (target as Schema | undefined)?.[part];
    current = target && typeof target === 'object' ? (target as Schema) : undefined;
  }
  return current;
}

/** The `kind` const of an `if: { properties: { kind: { const } }, required: ['kind'] }` (else undefined). */
function ifKind(branch: unknown): string | undefined {
  const condition = (branch as { if?: Schema } | null)?.if;
  if (!condition || Object.keys(condition).length !== 2) return undefined;
  const properties = condition.properties as Record<string, Schema> | undefined;
  const required = condition.required as unknown[] | undefined;
  if (!properties || Object.keys(properties).length !== 1 || !properties.kind) return undefined;
  if (!Array.isArray(required) || required.length !== 1 || required[0] !== 'kind') return undefined;
  const kind = properties.kind;
  return Object.keys(kind).length === 1 && typeof kind.const === 'string' ? kind.const : undefined;
}

/**
 * The step schema with its `allOf` of `if kind is X then $ref` written as a discriminator on `kind` (a `oneOf`
 * of the same refs), or undefined when the step schema is not of that shape. Both accept the same values: a
 * step must have a `kind` among exactly the kinds of the branches (required, and its enum), so exactly one
 * `if` holds and its `then` is the branch the discriminator picks. ajv's code for an `if` that fails makes an
 * error object and an array to count it, six times per step; the discriminator compares `kind` and goes.
 */
function discriminated(step: Schema): Schema | undefined {
  const branches = step.allOf;
  const kinds = dereferenced((step.properties as Record<string, Schema> | undefined)?.kind)?.enum;
  const required = step.required;
  if (!Array.isArray(branches) || !Array.isArray(kinds) || !Array.isArray(required)) return undefined;
  if (!required.includes('kind') || step.type !== 'object') return undefined;
  const oneOf: Schema[] = [];
  const seen = new Set<string>();
  for (const branch of branches) {
    const kind = ifKind(branch);
    const then = (branch as { then?: Schema }).then;
    if (kind === undefined || seen.has(kind) || Object.keys(branch as Schema).length !== 2) return undefined;
    if (!then || Object.keys(then).length !== 1 || typeof then.$ref !== 'string') return undefined;
    seen.add(kind);
    oneOf.push({ $ref: then.$ref });
  }
  if (seen.size !== kinds.length || !kinds.every((k) => typeof k === 'string' && seen.has(k)))
    return undefined;
  const { allOf: _, ...rest } = step;
  return { ...rest, discriminator: { propertyName: 'kind' }, oneOf };
}

/**
 * A validator for the verdict only (valid or not): the first error stops it, errors carry no message, and steps
 * are told apart by a discriminator (see discriminated). Most checked files are valid, and for them this is all
 * the schema pass needs; the detailed validator runs only on files this one refuses.
 */
function verdictValidator(): ValidateFunction {
  if (!verdict) {
    const defs = (workflowSchema as Schema).$defs as Record<string, Schema> | undefined;
    const step = defs?.step ? discriminated(defs.step) : undefined;
    const ajv = new Ajv2020({ allErrors: false, strict: false, messages: false, discriminator: !!step });
    verdict = ajv.compile(step ? { ...workflowSchema, $defs: { ...defs, step } } : workflowSchema);
  }
  return verdict;
}

/** Whether the verdict validator and the detailed one agree on `value` (tests compare them). */
export function verdictsAgree(value: unknown): boolean {
  return verdictValidator()(value) === compiled()(value);
}

export function validateAgainstSchema(value: unknown): ErrorObject[] {
  if (verdictValidator()(value)) return [];
  const validate = compiled();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
