// Completion for workflow.yaml: schema keys and values, names where references go, and member
// chains inside CEL (`steps.<id>.output.<field>`, `inputs.<name>`). Pure.
import { analyze, type Definition, type WorkflowIndex } from './analysis.js';
import { type JsonSchema, workflowSchema } from './runtime.js';
import {
  allowedValues,
  candidates,
  declaredProperties,
  firstString,
  formatSchema,
  type PathSegment,
  propertySchemas,
  schemasAt,
  typeName,
} from './schema-nav.js';
import { cursorContext } from './text-context.js';
import { type DefinitionSource, outputSchemaOf } from './types-flow.js';

export type CompletionKind =
  | 'property'
  | 'value'
  | 'step'
  | 'model'
  | 'agent'
  | 'tool'
  | 'input'
  | 'field'
  | 'variable';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  /** The text the entry replaces (the partly typed word). */
  replace: { start: number; end: number };
  sortText?: string;
}

type RefKind = 'step' | 'model' | 'agent' | 'tool';

function keyOf(segment: PathSegment | undefined): string | undefined {
  return segment && 'key' in segment ? segment.key : undefined;
}

/** Which kind of name a value at `path` names (the path ends with the key, or key + item). */
export function referenceKind(path: PathSegment[]): RefKind | undefined {
  const last = path[path.length - 1];
  const key = keyOf(last) ?? keyOf(path[path.length - 2]);
  const isItem = last !== undefined && 'item' in last;
  const top = keyOf(path[0]);
  if (top === 'steps') {
    if (key === 'needs' || key === 'then' || key === 'otherwise') return 'step';
    if (key === 'model' && !isItem) return 'model';
    if (key === 'agent' && !isItem) return 'agent';
    if (key === 'tool' && !isItem) return 'tool';
  }
  if (top === 'agents') {
    if (key === 'model' && !isItem && path.length === 3) return 'model';
    if (key === 'tools') return 'tool';
  }
  return undefined;
}

/** The id of the step whose map contains the cursor (innermost), from the index. */
function enclosingStep(index: WorkflowIndex, offset: number): Definition | undefined {
  let best: Definition | undefined;
  for (const d of index.definitions) {
    if (d.kind !== 'step' || offset < d.fullSpan.start || offset > d.fullSpan.end) continue;
    if (!best || d.fullSpan.start >= best.fullSpan.start) best = d;
  }
  return best;
}

function nameEntries(
  index: WorkflowIndex,
  kind: RefKind,
  replace: CompletionEntry['replace'],
  exclude: Set<string>,
): CompletionEntry[] {
  return index.definitions
    .filter((d) => d.kind === kind && !exclude.has(d.name))
    .map((d, i) => ({
      label: d.name,
      kind,
      detail: kind === 'step' ? `${d.detail ?? 'step'} step` : kind,
      replace,
      sortText: String(i).padStart(4, '0'),
    }));
}

function schemaDoc(schemas: JsonSchema[]): string | undefined {
  const description = firstString(schemas, 'markdownDescription') ?? firstString(schemas, 'description');
  const examples = schemas.flatMap((s) => (Array.isArray(s.examples) ? s.examples : [])).slice(0, 1);
  const parts = [description, ...examples.map((e) => `Example: \`${JSON.stringify(e)}\``)].filter(Boolean);
  return parts.length ? parts.join('\n\n') : undefined;
}

export interface CompletionOptions {
  /** The checked definition, for output schemas (when the file checks well enough); a function
   * is called only when an output type is needed (checking a large file is the slow part). */
  definition?: DefinitionSource;
  index?: WorkflowIndex;
}

export function complete(text: string, offset: number, options: CompletionOptions = {}): CompletionEntry[] {
  const ctx = cursorContext(text, offset);
  if (ctx.type === 'none') return [];
  let index: WorkflowIndex;
  try {
    index = options.index ?? analyze(text);
  } catch {
    index = { text, definitions: [], references: [], expressions: [] };
  }
  const root = workflowSchema;

  if (ctx.type === 'expression')
    return expressionCompletions(index, offset, ctx.path, ctx.chain, ctx.partial, options);

  if (ctx.type === 'value') {
    const refKind = referenceKind(ctx.path);
    if (refKind) {
      const self = enclosingStep(index, offset)?.name;
      const exclude = new Set(refKind === 'step' && self ? [self] : []);
      return nameEntries(index, refKind, ctx.partial, exclude);
    }
    const siblings = Object.fromEntries(ctx.siblings);
    const parentPath = ctx.path.slice(0, ctx.inFlowSeq ? -2 : -1);
    const parentSchemas = schemasAt(root, parentPath, (d) =>
      d === parentPath.length ? siblings : undefined,
    );
    let schemas = propertySchemas(root, parentSchemas, ctx.key).flatMap((s) => candidates(root, s));
    if (ctx.inFlowSeq)
      schemas = schemas.flatMap((s) =>
        s.items && typeof s.items === 'object' ? [s.items as JsonSchema] : [],
      );
    return allowedValues(root, schemas).map((v) => ({
      label: String(v),
      kind: 'value' as const,
      detail: typeName(root, schemas),
      documentation: schemaDoc(schemas),
      replace: ctx.partial,
    }));
  }

  // key or item
  const refKind = ctx.type === 'item' ? referenceKind(ctx.path) : undefined;
  if (refKind) {
    const self = enclosingStep(index, offset)?.name;
    return nameEntries(index, refKind, ctx.partial, new Set(refKind === 'step' && self ? [self] : []));
  }
  const siblings = Object.fromEntries(ctx.siblings);
  const schemas = schemasAt(root, ctx.path, (d) => (d === ctx.path.length ? siblings : undefined));
  const properties = declaredProperties(
    root,
    schemas.flatMap((s) => candidates(root, s, siblings)),
  );
  return properties
    .filter((p) => !ctx.siblings.has(p.name) || text.slice(ctx.partial.start, ctx.partial.end) === p.name)
    .map((p) => ({
      label: p.name,
      kind: 'property' as const,
      detail:
        [typeName(root, p.schemas), p.required ? 'required' : undefined].filter(Boolean).join(', ') ||
        undefined,
      documentation: schemaDoc(p.schemas),
      insertText: `${p.name}: `,
      replace: ctx.partial,
      sortText: `${p.required ? '0' : '1'}${p.name}`,
    }));
}

function expressionCompletions(
  index: WorkflowIndex,
  offset: number,
  path: PathSegment[],
  chain: string[],
  replace: CompletionEntry['replace'],
  options: CompletionOptions,
): CompletionEntry[] {
  const self = enclosingStep(index, offset);
  if (chain.length === 0) {
    const roots: Array<[string, string]> = [
      ['inputs', 'the workflow inputs'],
      ['steps', 'outputs of other steps: steps.<id>.output'],
    ];
    if (path.some((s) => keyOf(s) === 'step') || keyOf(path[path.length - 1]) === 'items') {
      roots.push(
        ['item', 'the current item (inside a map step)'],
        ['index', 'the current index (inside a map step)'],
      );
    }
    if (keyOf(path[0]) === 'tools')
      roots.push(['args', 'the tool call arguments'], ['env', 'environment variables']);
    return roots.map(([label, detail]) => ({ label, kind: 'variable' as const, detail, replace }));
  }
  const [head, name, third, ...rest] = chain;
  if (head === 'steps') {
    if (name === undefined) return nameEntries(index, 'step', replace, new Set(self ? [self.name] : []));
    if (third === undefined) {
      return [{ label: 'output', kind: 'field', detail: `output of step ${name}`, replace }];
    }
    if (third !== 'output') return [];
    const schema = outputSchemaOf(index, name, options.definition);
    return fieldEntries(schema, rest, replace);
  }
  if (head === 'inputs') {
    const inputs = index.definitions.filter((d) => d.kind === 'input');
    if (name === undefined) {
      return inputs.map((d) => {
        const schema = d.node?.toJSON() as JsonSchema | undefined;
        return {
          label: d.name,
          kind: 'input' as const,
          detail: schema ? formatSchema(schema, schema) : undefined,
          documentation: typeof schema?.description === 'string' ? schema.description : undefined,
          replace,
        };
      });
    }
    const input = inputs.find((d) => d.name === name);
    return fieldEntries(
      input?.node?.toJSON() as JsonSchema | undefined,
      [third, ...rest].filter((x) => x !== undefined) as string[],
      replace,
    );
  }
  return [];
}

/** Fields of the object at `path` inside `schema`. */
function fieldEntries(
  schema: JsonSchema | undefined,
  path: string[],
  replace: CompletionEntry['replace'],
): CompletionEntry[] {
  if (!schema) return [];
  const schemas = schemasAt(
    schema,
    path.map((key) => ({ key })),
    () => undefined,
  );
  return declaredProperties(schema, schemas).map((p) => ({
    label: p.name,
    kind: 'field' as const,
    detail:
      formatSchema(schema, p.schemas[0]).split('\n').length > 1
        ? 'object'
        : formatSchema(schema, p.schemas[0]),
    documentation: firstString(p.schemas, 'description'),
    replace,
  }));
}
