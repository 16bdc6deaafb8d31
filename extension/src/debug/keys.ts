// Step instance keys (`id`, `parallel.child`, `map[2]`, nested) and the specs they name. Pure.
import type { StepSpec, WorkflowDefinition } from './runtime.js';

export interface KeyLevel {
  /** The instance key of this level: `m`, `m[2]`, `m[2].x`. */
  key: string;
  spec: StepSpec;
  /** The map item index, for the instance of a map's step. */
  index?: number;
}

/** The levels of a key from the top: `p.b` -> p, p.b; `m[2]` -> m, m[2] (m's step). */
export function levelsOf(definition: WorkflowDefinition, key: string): KeyLevel[] {
  const levels: KeyLevel[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]/g;
  let siblings: StepSpec[] = definition.steps;
  let current: StepSpec | undefined;
  let built = '';
  for (let match = pattern.exec(key); match; match = pattern.exec(key)) {
    if (match[2] !== undefined) {
      if (current?.kind !== 'map') return levels;
      built += `[${match[2]}]`;
      current = current.step;
      levels.push({ key: built, spec: current, index: Number(match[2]) });
    } else {
      current = siblings.find((s) => s.id === match[1]);
      if (!current) return levels;
      built += built === '' ? match[1] : `.${match[1]}`;
      levels.push({ key: built, spec: current });
    }
    siblings = current.kind === 'parallel' ? current.steps : [];
  }
  return levels;
}

/** The step id an instance key runs (`m[2]` -> the id of m's step). */
export function stepIdOfKey(definition: WorkflowDefinition, key: string): string {
  const levels = levelsOf(definition, key);
  return levels[levels.length - 1]?.spec.id ?? key;
}

/** Every step of the definition, nested ones too. */
export function allSpecs(definition: WorkflowDefinition): StepSpec[] {
  const out: StepSpec[] = [];
  const walk = (specs: StepSpec[]) => {
    for (const spec of specs) {
      out.push(spec);
      if (spec.kind === 'parallel') walk(spec.steps);
      if (spec.kind === 'map') walk([spec.step]);
    }
  };
  walk(definition.steps);
  return out;
}
