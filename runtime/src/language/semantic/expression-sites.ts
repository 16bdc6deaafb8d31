// Where the expressions of a workflow are: conditions (bare CEL) and templates (`${{ }}`), with their scalars.
import type { Node, Scalar } from 'yaml';
import type { ParsedWorkflow } from '../parse.js';
import {
  findPair,
  isMapNode,
  isPairNode,
  isScalarNode,
  isSeqNode,
  keyOf,
  locate,
  scalarOffsetMapper,
} from '../positions.js';
import type { StepEntry } from '../step-index.js';
import type { SourceRange } from '../types.js';

export interface ExpressionSite {
  kind: 'condition' | 'template';
  /** The scalar's parsed string value. */
  value: string;
  node: Scalar;
  /** The step whose expression this is (undefined for outputs and tools). */
  step: StepEntry | undefined;
  /** Variables in scope. */
  scope: readonly string[];
  /** For tool templates: the tool's name. */
  tool?: string;
  /** Range of [start, end) offsets within `value`, computed on demand. */
  rangeAt(start: number, end: number): SourceRange;
}

const STEP_SCOPE = ['inputs', 'steps'] as const;
const MAP_SCOPE = ['inputs', 'steps', 'item', 'index'] as const;
const TOOL_SCOPE = ['args', 'inputs', 'env'] as const;

/** Step keys that hold no expression (or hold nested steps, visited on their own). */
const NOT_TEMPLATES = new Set([
  'id',
  'kind',
  'name',
  'needs',
  'otherwise',
  'model',
  'agent',
  'tool',
  'output_schema',
  'steps',
  'step',
  'retry',
  'timeout',
  'concurrency',
  'rounds',
  'k_factor',
  'workflow',
  'max_iterations',
  'decisions',
  'on_timeout',
]);
const CONDITIONS = new Set(['if', 'items']);
const MAX_TEMPLATE_DEPTH = 64;

/** An ExpressionSite whose offset mapper is built on the first range asked for. */
class Site implements ExpressionSite {
  readonly value: string;
  declare tool?: string;
  private mapper: ((offset: number) => number) | undefined;

  constructor(
    private readonly parsed: ParsedWorkflow,
    readonly kind: ExpressionSite['kind'],
    readonly node: Scalar,
    readonly step: StepEntry | undefined,
    readonly scope: readonly string[],
  ) {
    this.value = node.value as string;
  }

  rangeAt(start: number, end: number): SourceRange {
    this.mapper ??= scalarOffsetMapper(this.parsed.text, this.node, this.value);
    const s = this.mapper(start);
    const e = end > start ? this.mapper(end - 1) + 1 : s;
    return this.parsed.toRange(s, Math.max(s, e));
  }
}

function site(
  parsed: ParsedWorkflow,
  kind: ExpressionSite['kind'],
  node: Scalar,
  step: StepEntry | undefined,
  scope: readonly string[],
  tool?: string,
): ExpressionSite {
  const found = new Site(parsed, kind, node, step, scope);
  if (tool) found.tool = tool;
  return found;
}

function isStringScalar(node: unknown): node is Scalar {
  // A string `value` is checked first: most nodes here are scalars, and it rules out the rest cheaply.
  return typeof (node as { value?: unknown } | null)?.value === 'string' && isScalarNode(node);
}

function collectTemplates(
  parsed: ParsedWorkflow,
  node: unknown,
  out: ExpressionSite[],
  step: StepEntry | undefined,
  scope: readonly string[],
  depth: number,
  tool?: string,
): void {
  if (depth > MAX_TEMPLATE_DEPTH) return;
  if (isStringScalar(node)) {
    if ((node.value as string).includes('${{')) out.push(site(parsed, 'template', node, step, scope, tool));
  } else if (isMapNode(node) || isSeqNode(node)) {
    const items = node.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const value = isPairNode(item) ? item.value : item;
      collectTemplates(parsed, value, out, step, scope, depth + 1, tool);
    }
  }
}

/**
 * The expression sites of one pair (`key: value`) of a step's mapping. indexSteps calls it for each pair of each
 * step, in order, in the walk that finds the step's `id` (one walk over a step's keys instead of two).
 */
export function stepPairSites(
  parsed: ParsedWorkflow,
  entry: StepEntry,
  key: string,
  value: unknown,
  out: ExpressionSite[],
): void {
  if (NOT_TEMPLATES.has(key)) return;
  const scope = entry.inMap ? MAP_SCOPE : STEP_SCOPE;
  if (CONDITIONS.has(key)) {
    if (isStringScalar(value)) out.push(new Site(parsed, 'condition', value, entry, scope));
  } else if (key === 'branches' && isSeqNode(value)) {
    for (const branch of value.items) {
      const when = isMapNode(branch) ? findPair(branch, 'when')?.value : undefined;
      if (isStringScalar(when)) out.push(new Site(parsed, 'condition', when, entry, scope));
    }
  } else {
    collectTemplates(parsed, value, out, entry, scope, 0);
  }
}

/** The expression sites of the workflow: outputs, tools, then the steps' (`stepSites`, found by indexSteps). */
export function collectExpressionSites(
  parsed: ParsedWorkflow,
  stepSites: readonly ExpressionSite[],
): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  const outputs = locate(parsed, ['outputs']);
  if (outputs.complete && isMapNode(outputs.node)) {
    for (const pair of outputs.node.items) {
      const value = isMapNode(pair.value) ? findPair(pair.value, 'value')?.value : undefined;
      if (isStringScalar(value)) out.push(site(parsed, 'template', value, undefined, STEP_SCOPE));
    }
  }
  const tools = locate(parsed, ['tools']);
  if (tools.complete && isMapNode(tools.node)) {
    for (const pair of tools.node.items) {
      if (!isMapNode(pair.value)) continue;
      const name = String(keyOf(pair));
      for (const key of ['url', 'headers', 'body']) {
        collectTemplates(
          parsed,
          findPair(pair.value, key)?.value as Node,
          out,
          undefined,
          TOOL_SCOPE,
          0,
          name,
        );
      }
    }
  }
  if (out.length === 0) return stepSites as ExpressionSite[];
  for (let n = 0; n < stepSites.length; n++) out.push(stepSites[n]!);
  return out;
}
