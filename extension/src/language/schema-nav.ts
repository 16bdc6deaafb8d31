// Walking a JSON Schema (2020-12) along a YAML path: enough of the spec for editor features
// ($ref into $defs, allOf/anyOf/oneOf, if/then/else, properties, patternProperties,
// additionalProperties, items, prefixItems). Pure.
import type { JsonSchema } from './runtime.js';

export type PathSegment = { key: string } | { item: true };

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` (`#/$defs/x`, `#/definitions/x`, or `<$id>#/...`). */
export function deref(root: JsonSchema, schema: JsonSchema, depth = 0): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || depth > 32) return schema;
  const hash = ref.indexOf('#');
  const pointer = hash >= 0 ? ref.slice(hash + 1) : '';
  let target: unknown = root;
  for (const raw of pointer.split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isSchema(target) ? target[part] : undefined;
  }
  if (!isSchema(target)) return schema;
  // Sibling keywords next to $ref (2020-12) still apply: keep them, the target fills in the rest.
  const { $ref: _ignored, ...siblings } = schema;
  const resolved = deref(root, target, depth + 1);
  return Object.keys(siblings).length ? { ...resolved, ...siblings } : resolved;
}

/** Does `value` contradict a `const`/`enum` the schema puts on one of its properties? */
function contradicts(root: JsonSchema, schema: JsonSchema, value: unknown): boolean {
  if (!isSchema(value)) return false;
  const properties = schema.properties;
  if (!isSchema(properties)) return false;
  for (const [name, raw] of Object.entries(properties)) {
    if (!(name in value) || !isSchema(raw)) continue;
    const property = deref(root, raw);
    const actual = (value as Record<string, unknown>)[name];
    if ('const' in property && property.const !== actual) return true;
    if (Array.isArray(property.enum) && !property.enum.includes(actual)) return true;
  }
  return false;
}

/**
 * The flat list of schemas that apply to a value: $refs followed, allOf merged in, anyOf/oneOf
 * branches kept when they do not contradict `value` (e.g. a step's `kind`), if/then/else chosen
 * by `value` when it can tell, both otherwise.
 */
export function candidates(root: JsonSchema, schema: JsonSchema | undefined, value?: unknown): JsonSchema[] {
  const out: JsonSchema[] = [];
  const seen = new Set<JsonSchema>();
  const visit = (raw: unknown, depth: number) => {
    if (!isSchema(raw) || depth > 16) return;
    const s = deref(root, raw);
    if (seen.has(s)) return;
    seen.add(s);
    out.push(s);
    for (const part of Array.isArray(s.allOf) ? s.allOf : []) visit(part, depth + 1);
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = (Array.isArray(s[key]) ? s[key] : []).filter(isSchema).map((b) => deref(root, b));
      const fitting = branches.filter((b) => !contradicts(root, b, value));
      for (const branch of fitting.length ? fitting : branches) visit(branch, depth + 1);
    }
    if (isSchema(s.if)) {
      const condition = deref(root, s.if);
      const known = isSchema(value) && isSchema(condition.properties);
      const holds = known ? !contradicts(root, condition, value) : undefined;
      if (holds !== false) visit(s.then, depth + 1);
      if (holds !== true) visit(s.else, depth + 1);
    }
  };
  visit(schema, 0);
  return out;
}

/** Schemas of property `key` of an object described by `schemas`. */
export function propertySchemas(_root: JsonSchema, schemas: JsonSchema[], key: string): JsonSchema[] {
  const out: JsonSchema[] = [];
  let declared = false;
  for (const s of schemas) {
    const property = isSchema(s.properties) ? s.properties[key] : undefined;
    if (isSchema(property)) {
      out.push(property);
      declared = true;
    }
  }
  if (declared) return out;
  for (const s of schemas) {
    if (isSchema(s.patternProperties)) {
      for (const [pattern, sub] of Object.entries(s.patternProperties)) {
        try {
          if (isSchema(sub) && new RegExp(pattern, 'u').test(key)) out.push(sub);
        } catch {
          // an invalid pattern in a user schema: ignore it
        }
      }
    }
    if (isSchema(s.additionalProperties)) out.push(s.additionalProperties);
  }
  return out;
}

export function itemSchemas(schemas: JsonSchema[], index?: number): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const s of schemas) {
    if (index !== undefined && Array.isArray(s.prefixItems) && isSchema(s.prefixItems[index])) {
      out.push(s.prefixItems[index] as JsonSchema);
    } else if (isSchema(s.items)) out.push(s.items);
  }
  return out;
}

/**
 * Schemas at `path` below `schema`. `valueAt(depth)` gives the (possibly partial) value at each
 * depth, used to pick oneOf branches; depth 0 is the root.
 */
export function schemasAt(
  root: JsonSchema,
  path: PathSegment[],
  valueAt: (depth: number) => unknown = () => undefined,
  schema: JsonSchema = root,
): JsonSchema[] {
  let current = candidates(root, schema, valueAt(0));
  path.forEach((segment, i) => {
    const next = 'key' in segment ? propertySchemas(root, current, segment.key) : itemSchemas(current);
    current = next.flatMap((s) => candidates(root, s, valueAt(i + 1)));
  });
  return current;
}

export interface PropertyInfo {
  name: string;
  schemas: JsonSchema[];
  required: boolean;
}

/** Declared properties of an object described by `schemas` (first declaration order). */
export function declaredProperties(root: JsonSchema, schemas: JsonSchema[]): PropertyInfo[] {
  const byName = new Map<string, PropertyInfo>();
  for (const s of schemas) {
    const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    if (isSchema(s.properties)) {
      for (const [name, sub] of Object.entries(s.properties)) {
        if (!isSchema(sub)) continue;
        const info = byName.get(name) ?? { name, schemas: [], required: false };
        info.schemas.push(deref(root, sub));
        byName.set(name, info);
      }
    }
    for (const name of required) {
      const info = byName.get(name);
      if (info) info.required = true;
    }
  }
  return [...byName.values()];
}

/** Allowed scalar values (enum, const, booleans) across `schemas`. */
export function allowedValues(root: JsonSchema, schemas: JsonSchema[]): unknown[] {
  const values: unknown[] = [];
  const add = (v: unknown) => {
    if (!values.some((x) => x === v)) values.push(v);
  };
  for (const s of schemas.flatMap((x) => candidates(root, x))) {
    if ('const' in s) add(s.const);
    if (Array.isArray(s.enum)) s.enum.forEach(add);
    if (s.type === 'boolean' || (Array.isArray(s.type) && s.type.includes('boolean'))) {
      add(true);
      add(false);
    }
  }
  return values;
}

export function firstString(schemas: JsonSchema[], key: string): string | undefined {
  for (const s of schemas) if (typeof s[key] === 'string' && s[key]) return s[key] as string;
  return undefined;
}

export function typeName(root: JsonSchema, schemas: JsonSchema[]): string | undefined {
  const types = new Set<string>();
  for (const s of schemas.flatMap((x) => candidates(root, x))) {
    if (typeof s.type === 'string') types.add(s.type);
    else if (Array.isArray(s.type)) for (const t of s.type) types.add(String(t));
  }
  return types.size ? [...types].join(' | ') : undefined;
}

/** A compact TypeScript-like rendering of a schema, for hovers and completion details. */
export function formatSchema(
  root: JsonSchema,
  schema: JsonSchema | undefined,
  indent = '',
  depth = 0,
): string {
  if (!schema) return 'unknown';
  const s = deref(root, schema);
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key]) && !s.type && !s.properties) {
      return (s[key] as unknown[])
        .filter(isSchema)
        .map((b) => formatSchema(root, b, indent, depth + 1))
        .join(' | ');
    }
  }
  const type = Array.isArray(s.type) ? s.type.map(String) : typeof s.type === 'string' ? [s.type] : [];
  if ((type.includes('object') || isSchema(s.properties)) && isSchema(s.properties)) {
    if (depth > 4) return 'object';
    const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
    const inner = `${indent}  `;
    const lines = Object.entries(s.properties).map(([name, sub]) => {
      const optional = required.has(name) ? '' : '?';
      return `${inner}${name}${optional}: ${formatSchema(root, isSchema(sub) ? sub : undefined, inner, depth + 1)};`;
    });
    return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
  }
  if (type.includes('array')) {
    const item = isSchema(s.items) ? formatSchema(root, s.items, indent, depth + 1) : 'unknown';
    return /[|{\n]/.test(item) ? `Array<${item}>` : `${item}[]`;
  }
  if (type.length) return type.map((t) => (t === 'integer' ? 'integer' : t)).join(' | ');
  return 'unknown';
}
