// Expression checks: syntax, variables in scope, step references and field types (type flow).
import { analyzeExpression, type ExpressionReference, findTemplateExpressions } from '../expressions.js';
import { BoundedMemo } from '../memo.js';
import type { StepEntry } from '../step-index.js';
import { didYouMean } from '../suggest.js';
import { checkFieldPath, sharedOutputSchemaOfStep } from '../type-flow.js';
import type { JsonSchema, SourceRange } from '../types.js';
import { type CheckContext, report, specOf } from './context.js';
import type { ExpressionSite } from './expression-sites.js';

export interface StepReference {
  from: StepEntry;
  to: StepEntry;
  range(): SourceRange;
}

/** CEL type names usable as values, e.g. `type(x) == string`. */
const CEL_IDENTIFIERS = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
]);

interface Piece {
  expression: string;
  /** Offset of the expression within the site's value. */
  offset: number;
}

interface Scan {
  pieces: readonly Piece[];
}

/**
 * The pieces of a condition (a pure function of the string), cached per value. Templates are scanned in place
 * (checkTemplate): a scan with indexOf costs less than hashing the string, which is new after every parse.
 */
const conditionScans = new BoundedMemo<Scan>(20_000);

function scanCondition(value: string): Scan {
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
  if (inner) {
    const found = findTemplateExpressions(value)[0];
    if (found) return { pieces: [{ expression: found.expression, offset: found.start }] };
  }
  const leading = value.length - value.trimStart().length;
  return { pieces: [{ expression: value.trim(), offset: leading }] };
}

function scanCached(value: string): Scan {
  return conditionScans.get(value, scanCondition);
}

class TypeFlow {
  /**
   * Output schemas by the `order` of the step `index.byId` gives for their id (a function of the id); null
   * where the step has no spec.
   */
  private readonly schemas: Array<JsonSchema | null | undefined>;
  constructor(private readonly context: CheckContext) {
    this.schemas = new Array(context.index.all.length);
  }

  /** The output schema of step `id`, whose first declaration is `target`. */
  outputOf(id: string, target: StepEntry): JsonSchema | undefined {
    let schema = this.schemas[target.order];
    if (schema === undefined) {
      const spec = specOf(this.context, id, target);
      if (!spec) {
        this.schemas[target.order] = null;
        return undefined;
      }
      schema = sharedOutputSchemaOfStep(spec);
      if (spec.kind === 'tool') {
        const response = this.context.definition.tools[spec.tool]?.responseSchema;
        if (response)
          schema = { ...schema, properties: { ...(schema.properties as object), body: response } };
      }
      this.schemas[target.order] = schema;
    }
    return schema ?? undefined;
  }

  inputs(): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, input] of Object.entries(this.context.definition.inputs))
      properties[name] = input.schema;
    return { type: 'object', properties };
  }

  args(tool: string | undefined): JsonSchema | undefined {
    return tool ? this.context.definition.tools[tool]?.argsSchema : undefined;
  }
}

/** The source range of path segment `i` of a reference (functions here, not closures per reference). */
function segmentRange(
  site: ExpressionSite,
  offset: number,
  ref: ExpressionReference,
  i: number,
): SourceRange {
  const segment = ref.segments[i]!;
  return site.rangeAt(offset + segment.start, offset + segment.end);
}

/** A reference to `steps.<id>`; its range (the id's) is computed only when a diagnostic needs it. */
class SiteStepReference implements StepReference {
  constructor(
    readonly from: StepEntry,
    readonly to: StepEntry,
    private readonly site: ExpressionSite,
    private readonly offset: number,
    private readonly ref: ExpressionReference,
  ) {}

  range(): SourceRange {
    return segmentRange(this.site, this.offset, this.ref, 1);
  }
}

/** What checkPiece needs besides the piece: the check's state, built once per check. */
interface Checking {
  context: CheckContext;
  flow: TypeFlow;
  inputsSchema: JsonSchema;
  references: StepReference[];
}

/** Checks one expression of a site, at `offset` in the site's value. */
function checkPiece(checking: Checking, site: ExpressionSite, expression: string, offset: number): void {
  const { context, flow, inputsSchema, references } = checking;
  const parsed = analyzeExpression(expression);
  if (!parsed.ok) {
    const length = expression.length;
    const start = Math.min(parsed.start, Math.max(0, length - 1));
    const end = Math.max(start + 1, Math.min(parsed.end, length));
    const range =
      expression.length === 0
        ? site.rangeAt(0, site.value.length)
        : site.rangeAt(offset + start, offset + end);
    report(context, 'expression-syntax', `expression does not parse: ${parsed.message}`, range);
    return;
  }
  const refs = parsed.references;
  for (let r = 0; r < refs.length; r++) {
    const ref = refs[r]!;
    const root = ref.path[0];
    const second = ref.path[1];
    if (!site.scope.includes(root!)) {
      if (CEL_IDENTIFIERS.has(root!)) continue;
      const message = `unknown variable \`${root}\`; in scope: ${site.scope.join(', ')}${didYouMean(root!, site.scope)}`;
      report(context, 'unknown-variable', message, segmentRange(site, offset, ref, 0));
      continue;
    }
    if (root === 'steps') {
      if (second === undefined) continue;
      const target = context.index.byId.get(second);
      if (!target) {
        const message = `unknown step \`${second}\`${didYouMean(second, context.index.byId.keys())}`;
        report(context, 'unknown-step', message, segmentRange(site, offset, ref, 1));
        continue;
      }
      if (site.step) references.push(new SiteStepReference(site.step, target, site, offset, ref));
      if (ref.path.length < 3) continue;
      if (ref.path[2] !== 'output') {
        report(
          context,
          'unknown-field',
          `a step exposes only \`output\`, not \`${ref.path[2]}\``,
          segmentRange(site, offset, ref, 2),
        );
        continue;
      }
      const check = checkFieldPath(flow.outputOf(second, target), ref.path, 3);
      if (!check.ok) {
        const field = ref.path[3 + check.index]!;
        const message = `\`${ref.path.slice(0, 4 + check.index).join('.')}\` does not exist: the output of \`${second}\` has ${check.known.map((k) => `\`${k}\``).join(', ') || 'no fields'}${didYouMean(field, check.known)}`;
        report(context, 'unknown-field', message, segmentRange(site, offset, ref, 3 + check.index));
      }
    } else if (root === 'inputs' || root === 'args') {
      const schema = root === 'inputs' ? inputsSchema : flow.args(site.tool);
      const check = checkFieldPath(schema, ref.path, 1);
      if (!check.ok) {
        const field = ref.path[1 + check.index]!;
        const what =
          check.index === 0
            ? `no ${root === 'inputs' ? 'input' : 'argument'} \`${field}\` is declared`
            : `\`${ref.path.slice(0, 2 + check.index).join('.')}\` does not exist`;
        report(
          context,
          'unknown-field',
          `${what}${didYouMean(field, check.known)}`,
          segmentRange(site, offset, ref, 1 + check.index),
        );
      }
    }
  }
}

/** The offset of the first `${{` left open after the complete `${{ }}` of a template (what TEMPLATE leaves). */
function unterminatedAt(value: string): number | undefined {
  let from = 0;
  for (;;) {
    const open = value.indexOf('${{', from);
    if (open === -1) return undefined;
    const close = value.indexOf('}}', open + 3);
    if (close === -1) return open;
    from = close + 2;
  }
}

/**
 * The `${{ }}` pieces of a template, as findTemplateExpressions finds them (leftmost first, each closed by the
 * first `}}` after it, trimmed), checked in place: one string per piece, no arrays (this runs for every
 * template of every check). An unclosed `${{` is reported first, as before the pieces.
 */
function checkTemplate(checking: Checking, site: ExpressionSite): void {
  const value = site.value;
  const unterminated = unterminatedAt(value);
  if (unterminated !== undefined) {
    report(
      checking.context,
      'expression-syntax',
      '`${{` is not closed by `}}`',
      site.rangeAt(unterminated, unterminated + 3),
    );
  }
  let from = 0;
  for (;;) {
    const open = value.indexOf('${{', from);
    if (open === -1) return;
    const close = value.indexOf('}}', open + 3);
    if (close === -1) return;
    let start = open + 3;
    let end = close;
    while (start < end && isTrimmed(value.charCodeAt(start))) start++;
    while (end > start && isTrimmed(value.charCodeAt(end - 1))) end--;
    // (An empty piece starts at the closing braces, where trimStart leaves it.)
    checkPiece(checking, site, value.slice(start, end), start);
    from = close + 2;
  }
}

export function checkExpressions(context: CheckContext, sites: readonly ExpressionSite[]): StepReference[] {
  const flow = new TypeFlow(context);
  const checking: Checking = { context, flow, inputsSchema: flow.inputs(), references: [] };
  for (let n = 0; n < sites.length; n++) {
    const site = sites[n]!;
    if (site.kind === 'template') checkTemplate(checking, site);
    else
      for (const piece of scanCached(site.value).pieces)
        checkPiece(checking, site, piece.expression, piece.offset);
  }
  return checking.references;
}

/**
 * What String.prototype.trim removes: ECMAScript WhiteSpace (tab, vertical tab, form feed, space, no-break
 * space, BOM and the Zs category) and LineTerminator (LF, CR, LS, PS).
 */
function isTrimmed(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
