// Expression checks: syntax, variables in scope, step references and field types (type flow).
import {
  analyzeExpression,
  type ExpressionReference,
  findTemplateExpressions,
  templateParts,
} from '../expressions.js';
import type { StepEntry } from '../step-index.js';
import { didYouMean } from '../suggest.js';
import { checkFieldPath, sharedOutputSchemaOfStep } from '../type-flow.js';
import type { JsonSchema, SourceRange } from '../types.js';
import { type CheckContext, report } from './context.js';
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
  unterminated: number | undefined;
}

/**
 * The pieces of a condition or template string (a pure function of the string). Conditions are cached per
 * value; templates are not: one indexOf scan costs less than hashing the (new, after each parse) string.
 */
const conditionScans = new Map<string, Scan>();

function scan(kind: ExpressionSite['kind'], value: string): Scan {
  if (kind === 'template') return scanTemplate(value);
  let found = conditionScans.get(value);
  if (!found) {
    found = scanCondition(value);
    if (conditionScans.size > 20_000) conditionScans.clear();
    conditionScans.set(value, found);
  }
  return found;
}

function scanCondition(value: string): Scan {
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
  if (inner) {
    const found = findTemplateExpressions(value)[0];
    if (found)
      return { pieces: [{ expression: found.expression, offset: found.start }], unterminated: undefined };
  }
  const leading = value.length - value.trimStart().length;
  return { pieces: [{ expression: value.trim(), offset: leading }], unterminated: undefined };
}

function scanTemplate(value: string): Scan {
  const { found, unterminated } = templateParts(value);
  return { pieces: found.map((t) => ({ expression: t.expression, offset: t.start })), unterminated };
}

function pieces(context: CheckContext, site: ExpressionSite): readonly Piece[] {
  const { pieces, unterminated } = scan(site.kind, site.value);
  if (unterminated !== undefined) {
    report(
      context,
      'expression-syntax',
      '`${{` is not closed by `}}`',
      site.rangeAt(unterminated, unterminated + 3),
    );
  }
  return pieces;
}

class TypeFlow {
  private readonly schemas = new Map<string, JsonSchema>();
  constructor(private readonly context: CheckContext) {}

  outputOf(id: string): JsonSchema | undefined {
    let schema = this.schemas.get(id);
    if (!schema) {
      const spec = this.context.specs.get(id);
      if (!spec) return undefined;
      schema = sharedOutputSchemaOfStep(spec);
      if (spec.kind === 'tool') {
        const response = this.context.definition.tools[spec.tool]?.responseSchema;
        if (response)
          schema = { ...schema, properties: { ...(schema.properties as object), body: response } };
      }
      this.schemas.set(id, schema);
    }
    return schema;
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
function segmentRange(site: ExpressionSite, piece: Piece, ref: ExpressionReference, i: number): SourceRange {
  const segment = ref.segments[i]!;
  return site.rangeAt(piece.offset + segment.start, piece.offset + segment.end);
}

/** A reference to `steps.<id>`; its range (the id's) is computed only when a diagnostic needs it. */
class SiteStepReference implements StepReference {
  constructor(
    readonly from: StepEntry,
    readonly to: StepEntry,
    private readonly site: ExpressionSite,
    private readonly piece: Piece,
    private readonly ref: ExpressionReference,
  ) {}

  range(): SourceRange {
    return segmentRange(this.site, this.piece, this.ref, 1);
  }
}

export function checkExpressions(context: CheckContext, sites: readonly ExpressionSite[]): StepReference[] {
  const references: StepReference[] = [];
  const flow = new TypeFlow(context);
  const inputsSchema = flow.inputs();
  for (const site of sites) {
    for (const piece of pieces(context, site)) {
      const parsed = analyzeExpression(piece.expression);
      if (!parsed.ok) {
        const length = piece.expression.length;
        const start = Math.min(parsed.start, Math.max(0, length - 1));
        const end = Math.max(start + 1, Math.min(parsed.end, length));
        const range =
          piece.expression.length === 0
            ? site.rangeAt(0, site.value.length)
            : site.rangeAt(piece.offset + start, piece.offset + end);
        report(context, 'expression-syntax', `expression does not parse: ${parsed.message}`, range);
        continue;
      }
      for (const ref of parsed.references) {
        const root = ref.path[0];
        const second = ref.path[1];
        if (!site.scope.includes(root!)) {
          if (CEL_IDENTIFIERS.has(root!)) continue;
          const message = `unknown variable \`${root}\`; in scope: ${site.scope.join(', ')}${didYouMean(root!, site.scope)}`;
          report(context, 'unknown-variable', message, segmentRange(site, piece, ref, 0));
          continue;
        }
        if (root === 'steps') {
          if (second === undefined) continue;
          const target = context.index.byId.get(second);
          if (!target) {
            const message = `unknown step \`${second}\`${didYouMean(second, context.index.byId.keys())}`;
            report(context, 'unknown-step', message, segmentRange(site, piece, ref, 1));
            continue;
          }
          if (site.step) references.push(new SiteStepReference(site.step, target, site, piece, ref));
          if (ref.path.length < 3) continue;
          if (ref.path[2] !== 'output') {
            report(
              context,
              'unknown-field',
              `a step exposes only \`output\`, not \`${ref.path[2]}\``,
              segmentRange(site, piece, ref, 2),
            );
            continue;
          }
          const check = checkFieldPath(flow.outputOf(second), ref.path, 3);
          if (!check.ok) {
            const field = ref.path[3 + check.index]!;
            const message = `\`${ref.path.slice(0, 4 + check.index).join('.')}\` does not exist: the output of \`${second}\` has ${check.known.map((k) => `\`${k}\``).join(', ') || 'no fields'}${didYouMean(field, check.known)}`;
            report(context, 'unknown-field', message, segmentRange(site, piece, ref, 3 + check.index));
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
              segmentRange(site, piece, ref, 1 + check.index),
            );
          }
        }
      }
    }
  }
  return references;
}
