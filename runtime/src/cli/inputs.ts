// `--input k=v` and `--inputs-file F.json` -> the run's inputs. Pure apart from reading the file.
import { readFile } from 'node:fs/promises';
import type { JsonValue, WorkflowDefinition } from '../language/index.js';
import { UsageError } from './files.js';

/** A value for a string input stays as typed; other inputs are read as JSON (`3`, `true`, `["a"]`). */
export function parseInputPairs(
  definition: WorkflowDefinition,
  pairs: readonly string[],
): Record<string, JsonValue> {
  const inputs: Record<string, JsonValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input ${pair}: expected NAME=VALUE`);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const spec = definition.inputs[name];
    if (!spec) {
      const known = Object.keys(definition.inputs);
      throw new UsageError(
        `--input ${name}: the workflow has no input named '${name}'${known.length ? ` (inputs: ${known.join(', ')})` : ''}`,
      );
    }
    if (spec.schema.type === 'string') {
      inputs[name] = raw;
      continue;
    }
    try {
      inputs[name] = JSON.parse(raw) as JsonValue;
    } catch {
      inputs[name] = raw;
    }
  }
  return inputs;
}

export async function readInputsFile(file: string): Promise<Record<string, JsonValue>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--inputs-file ${file}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--inputs-file ${file}: expected a JSON object of inputs`);
  }
  return parsed as Record<string, JsonValue>;
}
