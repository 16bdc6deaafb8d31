// Turns ajv errors into diagnostics on the exact YAML node, condensing the noise of if/then and anyOf.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ParsedWorkflow } from './parse.js';
import { describePath, headRange, locate, pathFromPointer, rangeOf } from './positions.js';
import { validateAgainstSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import type { Diagnostic, SourceRange } from './types.js';

const MAX_SCHEMA_DIAGNOSTICS = 500;

function allowedKeys(error: ErrorObject): string[] {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(parent?.properties ?? {});
}

/** "llm step `classify`" when the path ends at a step, else undefined. */
function stepLabel(value: unknown, path: string[]): string | undefined {
  const last = path.at(-2);
  if (last !== 'steps' && path.at(-1) !== 'step') return undefined;
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  const { kind, id } = (current ?? {}) as { kind?: unknown; id?: unknown };
  if (typeof kind !== 'string') return undefined;
  return typeof id === 'string' ? `${kind} step \`${id}\`` : `${kind} step`;
}

function describe(error: ErrorObject, path: string[], root: unknown): string {
  const where = describePath(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const owner = stepLabel(root, path) ?? where;
      return `${owner} is missing the required key \`${params.missingProperty}\``;
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const owner = stepLabel(root, path) ?? where;
      return `unknown key \`${key}\` in ${owner}${didYouMean(key, allowedKeys(error))}`;
    }
    case 'enum':
      return `${where} must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${where} must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern': {
      if (String(params.pattern) === '^[0-9]+(ms|s|m|h)$')
        return `${where} must be a duration such as 250ms, 10s, 5m or 1h`;
      if (String(params.pattern) === '^[a-z][a-z0-9_]*$') {
        return `${where} must be an id: lowercase letters, digits and underscores, starting with a letter`;
      }
      return `${where} ${error.message}`;
    }
    case 'propertyNames':
      return `invalid name \`${String(params.propertyName)}\` in ${where}`;
    case 'anyOf':
    case 'oneOf':
      return `${where} does not match any allowed form`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

function rangeFor(parsed: ParsedWorkflow, error: ErrorObject, path: string[]): SourceRange {
  const params = error.params as Record<string, unknown>;
  const located = locate(parsed, path);
  if (error.keyword === 'additionalProperties' || typeof params.propertyName === 'string') {
    const key = String(params.additionalProperty ?? params.propertyName);
    const inner = locate(parsed, [...path, key]);
    if (inner.complete && inner.pair?.key) return rangeOf(parsed, inner.pair.key as never);
  }
  if (error.keyword === 'required') {
    if (located.complete && located.pair?.key && path.length > 0) {
      const key = located.pair.key as never;
      // Seq items have no key of their own: show the item's first line.
      return /^\d+$/.test(path.at(-1) ?? '') ? headRange(parsed, located.node) : rangeOf(parsed, key);
    }
    return headRange(parsed, located.node);
  }
  if (!located.complete) return headRange(parsed, located.node);
  return rangeOf(parsed, located.node);
}

export function schemaDiagnostics(parsed: ParsedWorkflow, value: unknown): Diagnostic[] {
  const errors = validateAgainstSchema(value);
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    if (error.keyword === 'pattern' && error.propertyName !== undefined) continue;
    const inAlternative = alternatives.some(
      (a) => a !== error && error.schemaPath.startsWith(a.schemaPath.replace(/\/(anyOf|oneOf)$/, '/$1/')),
    );
    if (inAlternative) continue;
    const path = pathFromPointer(error.instancePath);
    const range = rangeFor(parsed, error, path);
    const message = describe(error, path, value);
    const key = `${range.start}:${range.end}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({ severity: 'error', code: 'schema', message, range });
    if (diagnostics.length >= MAX_SCHEMA_DIAGNOSTICS) break;
  }
  return diagnostics;
}
