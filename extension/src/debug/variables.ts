// DAP variables over plain values: each object or list gets a handle and is expanded only when asked.
// A container may say where its children live in a step's output, so setVariable can change them.
import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { JsonValue } from './runtime.js';

/** Children are `output[...path, name]` of step `key`; `key: '*'`: children are steps by key. */
export interface EditTarget {
  key: string;
  path: Array<string | number>;
}

interface Container {
  value: unknown;
  /** Computed on first expansion (a scope). */
  lazy?: () => unknown;
  edit?: EditTarget;
  /** Only this child is editable, as the whole output of `edit.key` (the Step scope's `output`). */
  onlyChild?: string;
}

export function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 4).join(', ');
    return `{${shown}${keys.length > 4 ? ', …' : ''}}`;
  }
  return String(value);
}

const expandable = (value: unknown) =>
  value !== null && typeof value === 'object' && Object.keys(value as object).length > 0;

export class VariableStore {
  private handles = new Handles<Container>();

  reset(): void {
    this.handles.reset();
  }

  scope(name: string, lazy: () => unknown, edit?: EditTarget, onlyChild?: string): DebugProtocol.Scope {
    const reference = this.handles.create({
      value: undefined,
      lazy,
      ...(edit ? { edit } : {}),
      ...(onlyChild ? { onlyChild } : {}),
    });
    return { name, variablesReference: reference, expensive: false, presentationHint: 'locals' };
  }

  /** A handle for a value (0 when it has no children). */
  reference(value: unknown, edit?: EditTarget): number {
    return expandable(value) ? this.handles.create({ value, ...(edit ? { edit } : {}) }) : 0;
  }

  variable(name: string, value: unknown, evaluateName?: string, edit?: EditTarget): DebugProtocol.Variable {
    return {
      name,
      value: preview(value),
      type: Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value,
      variablesReference: this.reference(value, edit),
      ...(evaluateName ? { evaluateName } : {}),
    };
  }

  children(reference: number): DebugProtocol.Variable[] {
    const container = this.handles.get(reference);
    if (!container) return [];
    if (container.lazy) {
      container.value = container.lazy();
      container.lazy = undefined;
    }
    const value = container.value;
    if (value === null || typeof value !== 'object') return [];
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    return entries.map(([name, child]) => {
      const edit = this.childEdit(container, name);
      return this.variable(Array.isArray(value) ? `[${name}]` : String(name), child, undefined, edit);
    });
  }

  /** Where a child of this container lives in a step output, when it can be changed. */
  editTarget(reference: number, name: string): EditTarget | undefined {
    const container = this.handles.get(reference);
    if (!container) return undefined;
    const index = /^\[(\d+)\]$/.exec(name);
    return this.childEdit(container, index ? Number(index[1]) : name);
  }

  private childEdit(container: Container, name: string | number): EditTarget | undefined {
    const edit = container.edit;
    if (!edit) return undefined;
    if (container.onlyChild !== undefined)
      return name === container.onlyChild ? { key: edit.key, path: [] } : undefined;
    if (edit.key === '*') return { key: String(name), path: [] };
    return { key: edit.key, path: [...edit.path, name] };
  }
}

/** `value` with `path` set to `next` (copies along the path). */
export function setAtPath(value: JsonValue, path: Array<string | number>, next: JsonValue): JsonValue {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[Number(head)] = setAtPath(copy[Number(head)] ?? null, rest, next);
    return copy;
  }
  const object = value !== null && typeof value === 'object' ? { ...value } : {};
  object[String(head)] = setAtPath(object[String(head)] ?? null, rest, next);
  return object;
}

/** What the user typed in the Variables view: JSON when it parses, else the text as a string. */
export function parseTyped(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
