// Which environment values a tool's URL and header templates read: these are secrets and must be
// redacted from anything recorded (journal, traces, error messages).
import { expressionReferences, findTemplateExpressions } from '../language/expressions.js';
import type { ToolSpec } from '../language/types.js';

export function envNamesUsed(tool: ToolSpec): string[] {
  const names = new Set<string>();
  for (const template of [tool.url, ...Object.values(tool.headers)]) {
    for (const { expression } of findTemplateExpressions(template)) {
      for (const ref of expressionReferences(expression)) {
        if (ref.path[0] === 'env' && ref.path[1] !== undefined) names.add(ref.path[1]);
      }
    }
  }
  return [...names];
}

/** Secrets shorter than this are not redacted (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 4;

export function secretValues(names: Iterable<string>, env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** Redacts secrets from any JSON-serializable value (also their JSON-escaped forms). */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0 || value === undefined) return value;
  const json = JSON.stringify(value);
  let out = json;
  for (const secret of secrets) {
    out = out.split(JSON.stringify(secret).slice(1, -1)).join('[redacted]');
  }
  return out === json ? value : (JSON.parse(out) as T);
}
