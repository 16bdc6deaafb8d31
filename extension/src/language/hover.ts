// Hover content (markdown) for workflow.yaml: schema documentation for keys and values, and the
// resolved types behind references (`steps.x.output.y`, `inputs.z`, model/agent/tool names). Pure.
import { analyze, findDefinition, locate, type Span, symbolAt, type WorkflowIndex } from './analysis.js';
import {
  budgetBound,
  describeBound,
  expressionReferences,
  type JsonSchema,
  type StepSpec,
  type WorkflowDefinition,
  type WorkflowStep,
  workflowSchema,
} from './runtime.js';
import { firstString, formatSchema, schemasAt, typeName } from './schema-nav.js';
import { subWorkflowAt } from './sub-workflow-link.js';
import { type DefinitionSource, outputSchemaOf } from './types-flow.js';

export interface HoverResult {
  markdown: string;
  span: Span;
}

const code = (s: string) => `\`\`\`ts\n${s}\n\`\`\``;

function describe(schema: JsonSchema | undefined): string | undefined {
  return typeof schema?.description === 'string' ? schema.description : undefined;
}

export function hover(
  text: string,
  offset: number,
  options: { definition?: DefinitionSource; index?: WorkflowIndex } = {},
): HoverResult | undefined {
  let index: WorkflowIndex;
  try {
    index = options.index ?? analyze(text);
  } catch {
    return undefined;
  }
  return (
    subWorkflowHover(text, offset, options.definition) ??
    expressionHover(index, offset, options.definition) ??
    symbolHover(index, offset, options.definition) ??
    schemaHover(index, offset, options.definition)
  );
}

function findWorkflowStep(steps: readonly StepSpec[], ref: string): WorkflowStep | undefined {
  for (const step of steps) {
    if (step.kind === 'workflow' && step.workflow === ref) return step;
    const inner =
      step.kind === 'parallel'
        ? findWorkflowStep(step.steps, ref)
        : step.kind === 'map'
          ? findWorkflowStep([step.step], ref)
          : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** On a `workflow:` path: the child workflow's name, inputs and outputs (when the check resolved it). */
function subWorkflowHover(
  text: string,
  offset: number,
  definition?: DefinitionSource,
): HoverResult | undefined {
  const at = subWorkflowAt(text, offset);
  if (!at) return undefined;
  const def = resolved(definition);
  const child = def ? findWorkflowStep(def.steps, at.ref)?.definition : undefined;
  if (!child) return undefined;
  const field = (name: string, schema: JsonSchema, optional: boolean) =>
    `  ${name}${optional ? '?' : ''}: ${typeName(schema, [schema]) ?? 'unknown'};`;
  const inputs = Object.entries(child.inputs).map(([n, s]) => field(n, s.schema, !s.required));
  const outputs = Object.entries(child.outputs).map(([n, s]) => field(n, s.schema, false));
  const markdown = [
    `**${child.name}** (sub-workflow)${child.description ? `: ${child.description}` : ''}`,
    code(`inputs: {\n${inputs.join('\n')}\n}\noutput: {\n${outputs.join('\n')}\n}`),
  ].join('\n\n');
  return { markdown, span: { start: at.start, end: at.end } };
}

function resolved(definition?: DefinitionSource): WorkflowDefinition | undefined {
  try {
    return typeof definition === 'function' ? definition() : definition;
  } catch {
    return undefined;
  }
}

/** The runtime checker's worst case for one top-level step, or the whole workflow. */
function worstCase(definition: DefinitionSource, stepId?: string): string | undefined {
  const def = resolved(definition);
  if (!def) return undefined;
  const bound = budgetBound(def);
  if (stepId === undefined) return describeBound(bound, def);
  const step = bound.steps.find((s) => s.id === stepId);
  if (!step) return undefined;
  const items =
    step.fanOut === 'unknown' ? ' per item' : step.fanOut !== undefined ? ` (${step.fanOut} items)` : '';
  const cost = step.costUsd > 0 ? `, $${step.costUsd.toPrecision(2)}` : '';
  return `worst case: ${step.calls} model call${step.calls === 1 ? '' : 's'}, ${step.tokens.toLocaleString('en-US')} tokens${cost}${items}`;
}

function stepSummary(index: WorkflowIndex, id: string, definition?: DefinitionSource): string {
  const step = findDefinition(index, 'step', id);
  if (!step) return `Unknown step \`${id}\``;
  const schema = outputSchemaOf(index, id, definition);
  const lines = [`**step \`${id}\`** (${step.detail ?? 'step'})`];
  if (schema) lines.push(`output:\n${code(formatSchema(schema, schema))}`);
  const worst = worstCase(definition, id);
  if (worst) lines.push(worst);
  return lines.join('\n\n');
}

function expressionHover(
  index: WorkflowIndex,
  offset: number,
  definition?: DefinitionSource,
): HoverResult | undefined {
  const site = index.expressions.find((e) => offset >= e.span.start && offset <= e.span.end);
  if (!site) return undefined;
  for (const ref of expressionReferences(site.text)) {
    const i = ref.segments.findIndex(
      (s) => offset >= site.span.start + s.start && offset <= site.span.start + s.end,
    );
    if (i < 0) continue;
    const seg = ref.segments[i]!;
    const span = { start: site.span.start + seg.start, end: site.span.start + seg.end };
    const [head, name] = ref.path;
    if (head === 'steps') {
      if (i === 0 || name === undefined)
        return { markdown: "`steps`: the outputs of the workflow's steps, `steps.<id>.output`", span };
      if (i <= 2) return { markdown: stepSummary(index, name, definition), span };
      const root = outputSchemaOf(index, name, definition);
      if (!root) return { markdown: stepSummary(index, name, definition), span };
      const fieldPath = ref.path.slice(3, i + 1);
      const schemas = schemasAt(
        root,
        fieldPath.map((key) => ({ key })),
      );
      const shown = `steps.${name}.output.${fieldPath.join('.')}`;
      if (!schemas.length)
        return {
          markdown: `\`${shown}\`: step \`${name}\`'s output schema has no field \`${fieldPath.at(-1)}\``,
          span,
        };
      const parts = [
        code(`${shown}: ${formatSchema(root, schemas[0])}`),
        firstString(schemas, 'description'),
      ];
      return { markdown: parts.filter(Boolean).join('\n\n'), span };
    }
    if (head === 'inputs') {
      if (i === 0 || name === undefined) return { markdown: "`inputs`: the workflow's inputs", span };
      const input = findDefinition(index, 'input', name);
      const schema = input?.node?.toJSON() as JsonSchema | undefined;
      if (!schema) return { markdown: `Unknown input \`${name}\``, span };
      const fieldPath = ref.path.slice(2, i + 1);
      const target = fieldPath.length
        ? schemasAt(
            schema,
            fieldPath.map((key) => ({ key })),
          )[0]
        : schema;
      const parts = [
        code(`${ref.path.slice(0, i + 1).join('.')}: ${formatSchema(schema, target)}`),
        describe(target),
      ];
      return { markdown: parts.filter(Boolean).join('\n\n'), span };
    }
    const known: Record<string, string> = {
      item: 'the current item of a `map` step',
      index: 'the index of the current item of a `map` step',
      args: 'the arguments the tool was called with',
      env: 'environment variables (tool url and headers only)',
    };
    if (head && known[head] && i === 0) return { markdown: `\`${head}\`: ${known[head]}`, span };
  }
  return undefined;
}

function symbolHover(
  index: WorkflowIndex,
  offset: number,
  definition?: DefinitionSource,
): HoverResult | undefined {
  const symbol = symbolAt(index, offset);
  if (!symbol || symbol.reference?.expression) return undefined;
  const decl = findDefinition(index, symbol.kind, symbol.name);
  if (symbol.kind === 'step')
    return { markdown: stepSummary(index, symbol.name, definition), span: symbol.span };
  if (symbol.definition) return undefined; // a key in models/agents/tools/inputs: schema hover says more
  if (!decl) return { markdown: `Unknown ${symbol.kind} \`${symbol.name}\``, span: symbol.span };
  const value = (decl.node?.toJSON() ?? {}) as Record<string, unknown>;
  let body = '';
  if (symbol.kind === 'model') body = `${value.provider ?? '?'} / ${value.model ?? '?'}`;
  if (symbol.kind === 'agent')
    body = `model \`${value.model ?? '?'}\`${value.instructions ? `: ${value.instructions}` : ''}`;
  if (symbol.kind === 'tool') body = `${value.method ?? ''} ${value.url ?? ''}`.trim();
  if (symbol.kind === 'input') body = formatSchema(value, value);
  return { markdown: `**${symbol.kind} \`${symbol.name}\`**${body ? `\n\n${body}` : ''}`, span: symbol.span };
}

function schemaHover(
  index: WorkflowIndex,
  offset: number,
  definition?: DefinitionSource,
): HoverResult | undefined {
  const at = locate(index, offset);
  if (!at || at.path.length === 0) return undefined;
  const root = workflowSchema;
  const schemas = schemasAt(root, at.path, (d) => at.values[d]);
  if (!schemas.length) return undefined;
  const last = at.path[at.path.length - 1]!;
  const title = 'key' in last ? last.key : 'item';
  const description = firstString(schemas, 'markdownDescription') ?? firstString(schemas, 'description');
  const type = typeName(root, schemas);
  const examples = schemas.flatMap((s) => (Array.isArray(s.examples) ? s.examples : [])).slice(0, 2);
  const parts = [
    `**${title}**${type ? ` \`${type}\`` : ''}`,
    description,
    examples.length ? `Examples: ${examples.map((e) => `\`${JSON.stringify(e)}\``).join(', ')}` : undefined,
    title === 'budget' && at.path.length === 1 ? worstCase(definition) : undefined,
  ];
  return { markdown: parts.filter(Boolean).join('\n\n'), span: at.span };
}
