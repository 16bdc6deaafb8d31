// Deterministic values that satisfy a JSON Schema, derived from a message. Pure: no clock, no randomness.
// Supported: type (incl. unions), const, enum, properties (every property is filled), items/prefixItems,
// minItems/maxItems, minimum/maximum (+exclusive), minLength/maxLength, common string formats,
// anyOf/oneOf (first branch), allOf (merged objects), local $ref. Not supported: pattern, multipleOf, not.
import type { JsonSchema, JsonValue } from '../language/types.js';
import { stableFraction, stableHash } from './hash.js';

export interface GenerateOptions {
  /** The text values are derived from (the last user message). */
  message: string;
  /** The value used for free-form strings. Default: the message trimmed to 60 characters. */
  text?: string;
}

interface Context {
  root: JsonSchema;
  message: string;
  text: string;
  /** Set once an enum value was found literally in the message. */
  enumFound: boolean;
  depth: number;
}

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'mock@example.com',
  uri: 'https://example.com/mock',
  url: 'https://example.com/mock',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
};

export function mockValue(schema: JsonSchema, options: GenerateOptions): JsonValue {
  const ctx: Context = {
    root: schema,
    message: options.message,
    text: options.text ?? (options.message.trim().slice(0, 60) || 'mock'),
    enumFound: false,
    depth: 0,
  };
  return generate(schema, ctx, '$', '');
}

/**
 * The enum value that appears as a whole word (case-insensitive) in the message, earliest position
 * first (longer value on a tie); undefined when none does. Only string values are considered.
 */
export function findEnumInMessage(values: unknown[], message: string): string | undefined {
  let best: { value: string; index: number } | undefined;
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0) continue;
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu').exec(message);
    if (!match) continue;
    if (
      !best ||
      match.index < best.index ||
      (match.index === best.index && value.length > best.value.length)
    ) {
      best = { value, index: match.index };
    }
  }
  return best?.value;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolveRef(schema: JsonSchema, ctx: Context): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 32; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) return {};
    let target: unknown = ctx.root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    if (!isSchema(target)) return {};
    const { $ref: _ignored, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

function mergeAllOf(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  let merged: JsonSchema = { ...rest };
  for (const part of allOf) {
    if (!isSchema(part)) continue;
    const properties = { ...(merged.properties as object), ...(part.properties as object) };
    const required = [...((merged.required as string[]) ?? []), ...((part.required as string[]) ?? [])];
    merged = { ...part, ...merged, properties, required };
  }
  return merged;
}

function typeOf(schema: JsonSchema): string {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const nonNull = type.find((t) => t !== 'null');
    return typeof nonNull === 'string' ? nonNull : 'null';
  }
  if (isSchema(schema.properties) || schema.required) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  if (typeof schema.minimum === 'number' || typeof schema.maximum === 'number') return 'number';
  return 'string';
}

function generate(input: JsonSchema, ctx: Context, path: string, name: string): JsonValue {
  if (ctx.depth > 16) return null;
  let schema = mergeAllOf(resolveRef(input, ctx));
  const branches = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(branches) && isSchema(branches[0])) {
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    schema = mergeAllOf(resolveRef({ ...rest, ...branches[0] }, ctx));
  }
  if ('const' in schema) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return pickEnum(schema.enum as JsonValue[], ctx, path);
  if ('default' in schema && schema.default !== undefined) return schema.default as JsonValue;

  ctx.depth++;
  try {
    switch (typeOf(schema)) {
      case 'object':
        return objectValue(schema, ctx, path);
      case 'array':
        return arrayValue(schema, ctx, path);
      case 'number':
        return numberValue(schema, ctx, path, name, false);
      case 'integer':
        return numberValue(schema, ctx, path, name, true);
      case 'boolean':
        return stableHash(`${ctx.message}|${path}`) % 2 === 0;
      case 'null':
        return null;
      default:
        return stringValue(schema, ctx);
    }
  } finally {
    ctx.depth--;
  }
}

function pickEnum(values: JsonValue[], ctx: Context, path: string): JsonValue {
  const found = findEnumInMessage(values, ctx.message);
  if (found !== undefined) {
    ctx.enumFound = true;
    return found;
  }
  return values[stableHash(`${ctx.message}|${path}`) % values.length] as JsonValue;
}

function isNumeric(schema: unknown, ctx: Context): boolean {
  if (!isSchema(schema)) return false;
  const resolved = resolveRef(schema, ctx);
  if (Array.isArray(resolved.enum) || 'const' in resolved) return false;
  const type = typeOf(resolved);
  return type === 'number' || type === 'integer';
}

function objectValue(schema: JsonSchema, ctx: Context, path: string): JsonValue {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const names = Object.keys(properties);
  for (const required of (schema.required as unknown[]) ?? []) {
    if (typeof required === 'string' && !names.includes(required)) names.push(required);
  }
  // Non-numbers first so that a literal enum match can inform `confidence`-like numbers.
  const values = new Map<string, JsonValue>();
  const numeric = (key: string) => isNumeric(properties[key], ctx);
  for (const key of names.filter((k) => !numeric(k))) {
    const sub = properties[key];
    values.set(key, generate(isSchema(sub) ? sub : {}, ctx, `${path}.${key}`, key));
  }
  for (const key of names.filter(numeric)) {
    values.set(key, generate(properties[key] as JsonSchema, ctx, `${path}.${key}`, key));
  }
  const out: { [key: string]: JsonValue } = {};
  for (const key of names) out[key] = values.get(key) as JsonValue;
  return out;
}

function arrayValue(schema: JsonSchema, ctx: Context, path: string): JsonValue {
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.filter(isSchema) : [];
  const items = isSchema(schema.items) ? schema.items : {};
  const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const count = Math.min(Math.max(min, prefix.length, 1), max);
  const out: JsonValue[] = [];
  for (let i = 0; i < count; i++) {
    let value = generate(prefix[i] ?? items, ctx, `${path}[${i}]`, '');
    if (schema.uniqueItems === true && typeof value === 'string' && out.includes(value))
      value = `${value} ${i + 1}`;
    if (schema.uniqueItems === true && typeof value === 'number' && out.includes(value)) value = value + i;
    out.push(value);
  }
  return out;
}

function numberValue(schema: JsonSchema, ctx: Context, path: string, name: string, integer: boolean): number {
  const num = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const isConfidence = /confidence/i.test(name);
  const exMin = num('exclusiveMinimum');
  const exMax = num('exclusiveMaximum');
  let min = num('minimum') ?? exMin;
  let max = num('maximum') ?? exMax;
  const span = isConfidence ? 1 : 100;
  if (min === undefined && max === undefined) {
    min = 0;
    max = span;
  } else if (min === undefined) {
    min = (max as number) - span;
  } else if (max === undefined) {
    max = min + span;
  }
  let lo = min as number;
  let hi = max as number;
  if (integer) {
    lo = Math.ceil(exMin !== undefined && exMin >= lo ? exMin + 1 : lo);
    hi = Math.floor(exMax !== undefined && exMax <= hi ? exMax - 1 : hi);
    if (hi < lo) return lo;
    return lo + (stableHash(`${ctx.message}|${path}`) % (hi - lo + 1));
  }
  const inRange = (v: number) =>
    v >= lo && v <= hi && (exMin === undefined || v > exMin) && (exMax === undefined || v < exMax);
  if (isConfidence && ctx.enumFound && inRange(0.9)) return 0.9;
  const raw = lo + stableFraction(`${ctx.message}|${path}`) * (hi - lo);
  const rounded = Math.round(raw * 100) / 100;
  if (inRange(rounded)) return rounded;
  if (inRange(raw)) return raw;
  return (lo + hi) / 2;
}

function stringValue(schema: JsonSchema, ctx: Context): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let value = format ?? ctx.text;
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (value.length < minLength) value = value.padEnd(minLength, '.');
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}
