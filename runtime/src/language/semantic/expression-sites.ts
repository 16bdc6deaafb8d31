// Where the expressions of a workflow are: conditions (bare CEL) and templates (`${{ }}`), with their scalars.
import { isMap, isPair, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { ParsedWorkflow } from '../parse.js';
import { findPair, keyOf, locate, scalarOffsetMapper } from '../positions.js';
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
  'max_iterations',
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
  return isScalar(node) && typeof node.value === 'string';
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
  } else if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      const value = isPair(item) ? item.value : item;
      collectTemplates(parsed, value, out, step, scope, depth + 1, tool);
    }
  }
}

function scanStep(node: YAMLMap): Array<[ExpressionSite['kind'], Scalar]> {
  const found: Array<[ExpressionSite['kind'], Scalar]> = [];
  for (const pair of node.items) {
    const key = keyOf(pair);
    if (typeof key !== 'string' || NOT_TEMPLATES.has(key)) continue;
    if (CONDITIONS.has(key)) {
      if (isStringScalar(pair.value)) found.push(['condition', pair.value]);
    } else if (key === 'branches' && isSeq(pair.value)) {
      for (const branch of pair.value.items) {
        const when = isMap(branch) ? findPair(branch, 'when')?.value : undefined;
        if (isStringScalar(when)) found.push(['condition', when]);
      }
    } else {
      collectTemplateScalars(pair.value, found, 0);
    }
  }
  return found;
}

/** collectTemplates' scalars, without building sites. */
function collectTemplateScalars(
  node: unknown,
  out: Array<[ExpressionSite['kind'], Scalar]>,
  depth: number,
): void {
  if (depth > MAX_TEMPLATE_DEPTH) return;
  if (isStringScalar(node)) {
    if ((node.value as string).includes('${{')) out.push(['template', node]);
  } else if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      const value = isPair(item) ? item.value : item;
      collectTemplateScalars(value, out, depth + 1);
    }
  }
}

function stepSites(parsed: ParsedWorkflow, entry: StepEntry, out: ExpressionSite[]): void {
  if (!entry.node) return;
  const scope = entry.inMap ? MAP_SCOPE : STEP_SCOPE;
  // Scanned on every check: nodes are new after each parse, so a cache keyed by node would only cost.
  for (const [kind, node] of scanStep(entry.node)) out.push(site(parsed, kind, node, entry, scope));
}

export function collectExpressionSites(
  parsed: ParsedWorkflow,
  steps: readonly StepEntry[],
): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  const outputs = locate(parsed, ['outputs']);
  if (outputs.complete && isMap(outputs.node)) {
    for (const pair of outputs.node.items) {
      const value = isMap(pair.value) ? findPair(pair.value, 'value')?.value : undefined;
      if (isStringScalar(value)) out.push(site(parsed, 'template', value, undefined, STEP_SCOPE));
    }
  }
  const tools = locate(parsed, ['tools']);
  if (tools.complete && isMap(tools.node)) {
    for (const pair of tools.node.items) {
      if (!isMap(pair.value)) continue;
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
  for (const entry of steps) stepSites(parsed, entry, out);
  return out;
}
