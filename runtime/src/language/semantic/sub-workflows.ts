// `kind: workflow` steps: the child file is found through the caller's resolver (the language does no I/O),
// checked (its errors, a cycle of files), and the step's inputs are checked against the child's declared inputs.
// The child's definition is put on the step's spec, so the type flow sees its outputs and engines never read files.
import type { Node } from 'yaml';
import { isMapNode, keyOf, type Located, locateFrom, rangeOf } from '../positions.js';
import type { StepEntry } from '../step-index.js';
import { didYouMean } from '../suggest.js';
import { stepOutputSchema } from '../type-flow.js';
import type {
  CheckResult,
  JsonSchema,
  JsonValue,
  SourceRange,
  WorkflowDefinition,
  WorkflowStep,
} from '../types.js';
import { type CheckContext, report } from './context.js';

/** A workflow file's canonical name (the resolver's choice: an absolute path, a URI) and its text. */
export interface WorkflowSource {
  file: string;
  text: string;
}

/** Finds the workflow `ref` (as written in a `workflow:` step) from the file `fromFile`; undefined: no such file. */
export type WorkflowResolver = (fromFile: string, ref: string) => WorkflowSource | undefined;

export interface CheckOptions {
  /** The checked file's name, as the resolver understands it. */
  file?: string;
  /** Without one, `kind: workflow` steps are not checked across files and carry no child definition. */
  resolve?: WorkflowResolver;
  /** The files whose check led here (cycle detection); callers leave it out. */
  ancestors?: readonly string[];
}

export type CheckFn = (text: string, options: CheckOptions) => CheckResult;

export function shortName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** Child results by chain + file + text, with what their check resolved (re-resolved to validate a hit). */
interface Cached {
  result: CheckResult;
  deps: Array<{ from: string; ref: string; text: string | undefined }>;
}
const cache = new Map<string, Cached>();
const CACHE_LIMIT = 128;

function checkChild(
  check: CheckFn,
  source: WorkflowSource,
  resolve: WorkflowResolver,
  ancestors: readonly string[],
): CheckResult {
  const key = `${ancestors.join('\0')}\0\0${source.file}\0\0${source.text}`;
  const hit = cache.get(key);
  if (hit?.deps.every((d) => resolve(d.from, d.ref)?.text === d.text)) return hit.result;
  const deps: Cached['deps'] = [];
  const recording: WorkflowResolver = (from, ref) => {
    const found = resolve(from, ref);
    deps.push({ from, ref, text: found?.text });
    return found;
  };
  const result = check(source.text, { file: source.file, resolve: recording, ancestors });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, { result, deps });
  return result;
}

function located(context: CheckContext, from: Located, key: string): Located {
  return from.complete ? locateFrom(context.parsed, from, key) : from;
}

function rangeAt(context: CheckContext, at: Located): SourceRange {
  return rangeOf(context.parsed, at.node as Node);
}

const SINGLE_REFERENCE = /^\s*\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}\s*$/;

function schemaAt(schema: JsonSchema | undefined, path: readonly string[]): JsonSchema | undefined {
  let current = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const properties = current.properties as Record<string, JsonSchema> | undefined;
    if (properties && Object.hasOwn(properties, segment)) current = properties[segment];
    else if (/^\d+$/.test(segment) && current.items) current = current.items as JsonSchema;
    else return undefined;
  }
  return current;
}

/** The JSON Schema type names a value may have once rendered; undefined when not known at edit time. */
function typesOf(context: CheckContext, value: unknown): string[] | undefined {
  if (typeof value === 'string') {
    const single = SINGLE_REFERENCE.exec(value);
    if (!single) return ['string'];
    const path = single[1]!.split('.');
    let schema: JsonSchema | undefined;
    if (path[0] === 'inputs' && path[1] !== undefined) {
      schema = schemaAt(context.definition.inputs[path[1]]?.schema, path.slice(2));
    } else if (path[0] === 'steps' && path[1] !== undefined && path[2] === 'output') {
      schema = schemaAt(stepOutputSchema(context.definition, path[1]), path.slice(3));
    }
    const type = schema?.type;
    if (typeof type === 'string') return [type];
    if (Array.isArray(type) && type.every((t) => typeof t === 'string')) return type as string[];
    return undefined;
  }
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

function accepts(expected: unknown, actual: readonly string[]): boolean {
  const wanted = typeof expected === 'string' ? [expected] : Array.isArray(expected) ? expected : undefined;
  if (!wanted) return true;
  return actual.some((t) => wanted.includes(t) || (t === 'integer' && wanted.includes('number')));
}

function checkInputs(
  context: CheckContext,
  entry: StepEntry,
  spec: WorkflowStep,
  child: WorkflowDefinition,
  workflowRange: SourceRange,
): void {
  const name = shortName(spec.file ?? spec.workflow);
  const declared = Object.keys(child.inputs);
  const inputsAt = located(context, entry.located, 'inputs');
  const node = inputsAt.complete && isMapNode(inputsAt.node) ? inputsAt.node : undefined;
  for (const [input, value] of Object.entries(spec.inputs)) {
    const pair = node?.items.find((p) => keyOf(p) === input);
    const keyRange = pair ? rangeOf(context.parsed, pair.key as Node) : workflowRange;
    const declaredInput = child.inputs[input];
    if (!declaredInput || !Object.hasOwn(child.inputs, input)) {
      const known = declared.length > 0 ? declared.map((d) => `\`${d}\``).join(', ') : 'none';
      const message = `\`${input}\` is not an input of ${name} (its inputs: ${known})${didYouMean(input, declared)}`;
      report(context, 'unknown-input', message, keyRange);
      continue;
    }
    const actual = typesOf(context, value as JsonValue);
    const expected = declaredInput.schema.type;
    if (actual && !accepts(expected, actual)) {
      const valueRange = pair ? rangeOf(context.parsed, pair.value as Node) : keyRange;
      const message = `input \`${input}\` of ${name} is ${JSON.stringify(expected)}, but this value is ${actual[0]}`;
      report(context, 'input-type', message, valueRange);
    }
  }
  const missing = Object.entries(child.inputs)
    .filter(([input, s]) => s.required && !Object.hasOwn(spec.inputs, input))
    .map(([input]) => `\`${input}\``);
  if (missing.length > 0) {
    const message = `${name} needs input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; give ${missing.length > 1 ? 'them' : 'it'} under \`inputs\``;
    report(context, 'missing-input', message, workflowRange);
  }
}

/** Resolves and checks the child of every `kind: workflow` step; sets `definition` and `file` on their specs. */
export function checkSubWorkflows(context: CheckContext, options: CheckOptions, check: CheckFn): void {
  const { resolve } = options;
  if (!resolve) return;
  const from = options.file ?? '';
  const chain = [...(options.ancestors ?? []), from];
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const entry = all[n]!;
    if (entry.kind !== 'workflow') continue;
    const spec = context.specs[n] as WorkflowStep | undefined;
    if (!spec || spec.workflow === '') continue;
    const workflowRange = rangeAt(context, located(context, entry.located, 'workflow'));
    const source = resolve(from, spec.workflow);
    if (!source) {
      const where = from ? ` (relative to ${shortName(from)})` : '';
      report(
        context,
        'workflow-not-found',
        `workflow file \`${spec.workflow}\` not found${where}; check the path`,
        workflowRange,
      );
      continue;
    }
    const loop = chain.indexOf(source.file);
    if (loop >= 0) {
      const names = [...chain.slice(loop), source.file].map(shortName).join(' -> ');
      report(context, 'workflow-cycle', `workflows call each other in a cycle: ${names}`, workflowRange);
      continue;
    }
    const result = checkChild(check, source, resolve, chain);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const cycle = errors.find((d) => d.code === 'workflow-cycle');
      const first = cycle ?? errors[0]!;
      const count = `${errors.length} error${errors.length > 1 ? 's' : ''}`;
      const message = `${shortName(source.file)}:${first.range.line}:${first.range.column} has ${count}: ${first.message}`;
      report(context, cycle ? 'workflow-cycle' : 'workflow-invalid', message, workflowRange);
      continue;
    }
    if (!result.definition) continue;
    spec.definition = result.definition;
    spec.file = source.file;
    checkInputs(context, entry, spec, result.definition, workflowRange);
  }
}
