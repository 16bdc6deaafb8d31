// What expressions see at a point of the run (breakpoint conditions, hover, the Debug Console): the same
// names the interpreter gives a step there: inputs, steps.<id>.output, item and index in a map. Pure.
import { levelsOf } from './keys.js';
import {
  effectiveInputs,
  type InstanceState,
  type JsonValue,
  type RunState,
  type WorkflowDefinition,
} from './runtime.js';

const settled = (i: InstanceState | undefined) =>
  i !== undefined && (i.status === 'completed' || i.status === 'skipped');

export function expressionScope(
  definition: WorkflowDefinition,
  inputs: Record<string, JsonValue>,
  state: RunState,
  key: string | undefined,
): Record<string, unknown> {
  const steps: Record<string, { output: JsonValue }> = {};
  for (const [k, instance] of state.instances) {
    if (!/[.[]/.test(k) && settled(instance)) steps[k] = { output: instance.output };
  }
  const scope: Record<string, unknown> = { inputs: effectiveInputs(definition, inputs), steps };
  const levels = key ? levelsOf(definition, key) : [];
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.spec.kind === 'parallel') {
      for (const child of level.spec.steps) {
        const instance = state.instances.get(`${level.key}.${child.id}`);
        if (settled(instance)) steps[child.id] = { output: instance!.output };
      }
    }
    if (level.index !== undefined) {
      const mapKey = levels[i - 1]?.key;
      const items = mapKey ? state.instances.get(mapKey)?.items : undefined;
      scope.item = items?.[level.index] ?? null;
      scope.index = level.index;
      const instance = state.instances.get(level.key);
      if (settled(instance)) steps[level.spec.id] = { output: instance!.output };
    }
  }
  return scope;
}
