// The fast paths of the parser. First the line scanner (block-scan.ts) for the common block layouts; then js-yaml
// (~20x faster than yaml's composer on a 179 KB workflow), whose open/close listener events are turned here into
// the same yaml nodes (Scalar, YAMLMap, YAMLSeq, Pair) with the same ranges that yaml's parseDocument gives, so
// every pass of the checker works on either. Anything this reconstruction is not sure about (anchors, aliases,
// tags, directives, several documents, explicit or complex keys, tabs, odd flow pairs, any js-yaml error) returns
// undefined and the caller parses with yaml instead, which also reports the syntax errors and duplicate keys. Tests
// compare each path with yaml on generated and mutated documents.
import jsyaml from 'js-yaml';
import { Document, LineCounter, type Node, Pair, Scalar, type YAMLMap, YAMLSeq } from 'yaml';
import { scanBlock } from './block-scan.js';
import {
  coreBool,
  coreFloat,
  coreInt,
  isCoreBool,
  isCoreFloat,
  isCoreInt,
  isCoreNull,
} from './core-scalars.js';
import { fileTooLarge, type ParsedWorkflow, parsedWorkflow } from './parse.js';
import {
  blockScalarEnd,
  commentLineEnd,
  continuationIndented,
  deeperComments,
  makeMap,
  makePair,
  makeScalar,
  makeSeq,
  nodeEnd,
  setNodeEnd,
  skipSeparation,
  trailingComments,
  trimEnd,
} from './yaml-nodes.js';

/** YAML 1.2 core schema scalars, resolved exactly as yaml's core schema does (js-yaml's differ at the edges). */
const CORE_SCALARS = [
  new jsyaml.Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: isCoreNull, construct: () => null }),
  new jsyaml.Type('tag:yaml.org,2002:bool', { kind: 'scalar', resolve: isCoreBool, construct: coreBool }),
  new jsyaml.Type('tag:yaml.org,2002:int', { kind: 'scalar', resolve: isCoreInt, construct: coreInt }),
  new jsyaml.Type('tag:yaml.org,2002:float', { kind: 'scalar', resolve: isCoreFloat, construct: coreFloat }),
];
const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: CORE_SCALARS });

/**
 * Text this path leaves to yaml: tabs, a carriage return alone (content to yaml, a line break to js-yaml),
 * directives, document markers, a `#` right after a token (a comment to js-yaml, an error to yaml). Anchors,
 * aliases and tags: see close.
 */
const UNSUPPORTED_TEXT = /\t|\r(?!\n)|^(?:%|---|\.\.\.)|["'[\]{},:]#/m;

/**
 * True when a comment line is not indented like the next line with content (the end of the text counts as
 * column 0). yaml attributes such comments to the ends of nodes by rules of its own; the fast path leaves them to
 * it. Comments above the line they describe, at its indentation, are the common layout and stay on the fast path.
 */
export function hasHangingComments(text: string): boolean {
  let nextIndent = 0;
  let end = text.length;
  while (end > 0) {
    const lineStart = text.lastIndexOf('\n', end - 1) + 1;
    let j = lineStart;
    while (text.charCodeAt(j) === 32) j++;
    const c = j < end ? text.charCodeAt(j) : 10;
    if (c === 35) {
      if (j - lineStart !== nextIndent) return true;
    } else if (c !== 10 && c !== 13) nextIndent = j - lineStart;
    end = lineStart - 1;
  }
  return false;
}

/** `&` anchor, `*` alias, `!` tag, `?` explicit key: a node starting with one is left to yaml. */
function unsupportedStart(c: number): boolean {
  return c === 38 || c === 42 || c === 33 || c === 63;
}

class Unsupported extends Error {}

/** Deeper documents make js-yaml throw (then yaml, behind parse.ts's nesting guard, reports them). */
const MAX_JS_YAML_DEPTH = 100;
/** The builder's stacks: room for what js-yaml lets through. */
const MAX_DEPTH = MAX_JS_YAML_DEPTH + 1;

/** A child of an open node: a node, or the offset where an empty node (no content) was opened. */
type Child = Node | number;

interface ListenerState {
  position: number;
  kind: string | null;
  result: unknown;
}

function scalarType(c: number): Scalar.Type {
  if (c === 34) return Scalar.QUOTE_DOUBLE;
  if (c === 39) return Scalar.QUOTE_SINGLE;
  if (c === 124) return Scalar.BLOCK_LITERAL;
  if (c === 62) return Scalar.BLOCK_FOLDED;
  return Scalar.PLAIN;
}

/** yaml's null for an empty node, of no width. With a comment after it (same or next line): left to yaml. */
function emptyScalar(text: string, at: number): Scalar {
  const eol = text.indexOf('\n', at);
  if (text.charCodeAt(at) === 35 || (eol !== -1 && commentLineEnd(text, eol + 1))) throw new Unsupported();
  return makeScalar(null, Scalar.PLAIN, at, at, at);
}

function countKeys(object: object): number {
  let count = 0;
  for (const _ in object) count++;
  return count;
}

/** Builds yaml nodes from js-yaml's composeNode open/close events (a stack of frames, children in order). */
class NodeBuilder {
  /** Per open node (a stack): where it opened, and where its children start on the child stack. */
  private readonly opens = new Int32Array(MAX_DEPTH);
  private readonly bases = new Int32Array(MAX_DEPTH);
  private depth = 0;
  /** The children of every open node, in order, with their JS values (a block mapping that turns out to be one
   * node hands its child on). */
  private readonly children: Child[] = [];
  private readonly values: unknown[] = [];
  private top = 0;
  root: Child | undefined;

  constructor(private readonly text: string) {}

  listen = (event: 'open' | 'close', state: ListenerState): void => {
    if (event === 'open') {
      if (this.depth === MAX_DEPTH) throw new Unsupported();
      this.opens[this.depth] = state.position;
      this.bases[this.depth] = this.top;
      this.depth++;
      return;
    }
    this.depth--;
    const base = this.bases[this.depth]!;
    const child = this.close(this.opens[this.depth]!, base, state);
    this.top = base;
    if (this.depth > 0) {
      this.children[this.top] = child;
      this.values[this.top] = state.result;
      this.top++;
    } else this.root = child;
  };

  private close(open: number, base: number, state: ListenerState): Child {
    const { kind, result } = state;
    const children = this.children;
    const count = this.top - base;
    if (kind === null) {
      if (count > 0) throw new Unsupported();
      return open;
    }
    // A block mapping that turned out to be a single node (a sequence item `- x`, `- { a: 1 }`) keeps it as is.
    if (count === 1 && typeof children[base] === 'object' && Object.is(this.values[base], result)) {
      return children[base]!;
    }
    const text = this.text;
    const start = skipSeparation(text, open);
    const c = text.charCodeAt(start);
    if (unsupportedStart(c)) throw new Unsupported();
    if (kind === 'scalar') {
      if (count > 0) throw new Unsupported();
      const type = scalarType(c);
      if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
        const end = blockScalarEnd(text, start, state.position);
        if (end < 0) throw new Unsupported();
        return makeScalar(result, type, start, end, end);
      }
      const end = type === Scalar.PLAIN ? trimEnd(text, start, state.position) : state.position;
      return makeScalar(result, type, start, end, nodeEnd(text, end));
    }
    const flow = c === 91 || c === 123;
    if (kind === 'sequence') {
      if (!Array.isArray(result) || result.length !== count) throw new Unsupported();
      const items: Node[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const child = children[base + i]!;
        items[i] = typeof child === 'number' ? emptyScalar(text, child) : child;
      }
      return this.collection(makeSeq(items, flow), start, state.position);
    }
    if (kind === 'mapping') {
      let entries = count;
      if (entries % 2 === 1 && typeof children[base + entries - 1] === 'number') entries--;
      if (entries % 2 === 1 || result === null || typeof result !== 'object') throw new Unsupported();
      if (countKeys(result) !== entries / 2) throw new Unsupported();
      const items: Pair<Node, Node>[] = new Array(entries / 2);
      for (let i = 0; i < entries; i += 2) {
        const key = children[base + i]!;
        if (!(key instanceof Scalar)) throw new Unsupported();
        setNodeEnd(key, key.range![1]);
        const value = children[base + i + 1]!;
        items[i / 2] = makePair(
          key,
          typeof value === 'number' ? emptyScalar(text, this.emptyValueAt(value)) : value,
        );
      }
      return this.collection(makeMap(items, flow), start, state.position);
    }
    throw new Unsupported();
  }

  /** yaml puts an empty mapping value right after the `:` and the spaces that follow it on that line. */
  private emptyValueAt(open: number): number {
    let i = open;
    while (this.text.charCodeAt(i) === 32) i++;
    return i;
  }

  private columnOf(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private collection<T extends YAMLMap | YAMLSeq>(node: T, start: number, closed: number): T {
    if (node.flow) {
      // yaml runs the node of a flow sequence's item on to the next token (`,`, `]`), over line breaks too.
      if (node instanceof YAMLSeq) {
        for (const item of node.items as Node[]) setNodeEnd(item, skipSeparation(this.text, item.range![1]));
      }
      node.range = [start, closed, nodeEnd(this.text, closed)];
    } else {
      const column = this.columnOf(start);
      // yaml ends a plain or quoted scalar or a flow collection item after the comment lines below it indented
      // deeper than the collection.
      for (const item of node.items) {
        const value = item instanceof Pair ? item.value : item;
        const inline =
          value instanceof Scalar
            ? value.type !== Scalar.BLOCK_LITERAL && value.type !== Scalar.BLOCK_FOLDED
            : (value as YAMLMap | YAMLSeq).flow;
        if (item instanceof Pair) {
          const key = item.key as Scalar;
          if (!continuationIndented(this.text, key.range![0], key.range![1], column)) throw new Unsupported();
        }
        if (inline) {
          const range = (value as Node).range!;
          if (!continuationIndented(this.text, range[0], range[1], column)) throw new Unsupported();
          if (range[2] > range[1]) setNodeEnd(value as Node, deeperComments(this.text, range[2], column));
        }
      }
      // A list at its key's column (`key:\n- item`) leaves the comments at that column to the mapping.
      for (const item of node.items) {
        const value = item instanceof Pair ? item.value : undefined;
        if (value instanceof YAMLSeq && !value.flow && this.columnOf(value.range![0]) === column) {
          value.range![2] = trailingComments(this.text, value.range![1], column + 1);
        }
      }
      const last = node.items[node.items.length - 1];
      const lastNode = (last instanceof Pair ? last.value : last) as Node | undefined;
      // A block collection's value ends where its last item's node ends (line break and comments included).
      const end = lastNode?.range?.[2] ?? start;
      node.range = [start, end, trailingComments(this.text, end, column)];
    }
    return node;
  }
}

/**
 * The text parsed on the fast path (the line scanner, else js-yaml; `paths` lets tests take js-yaml alone), with
 * its JS value; undefined when the text uses something this path leaves to
 * yaml or js-yaml reports an error (the caller then parses with yaml, which gives the exact diagnostics).
 */
export function parseFast(
  text: string,
  paths: 'scan-then-js-yaml' | 'js-yaml' = 'scan-then-js-yaml',
): ParsedWorkflow | undefined {
  // Too large or binary: refused before any parse (parse.ts). Nesting is bounded by js-yaml's maxDepth (100).
  if (fileTooLarge(text) || text.includes('\u0000')) return undefined;
  // The line scanner first (block-scan.ts: the common layouts, ~3x faster), then js-yaml for the rest.
  const scanned = paths === 'js-yaml' ? undefined : scanBlock(text);
  if (scanned) return parsedFrom(text, scanned.root, scanned.value);
  if (UNSUPPORTED_TEXT.test(text) || hasHangingComments(text)) return undefined;
  const builder = new NodeBuilder(text);
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema: SCHEMA,
      listener: builder.listen,
      maxDepth: MAX_JS_YAML_DEPTH,
    } as jsyaml.LoadOptions);
  } catch {
    return undefined;
  }
  return parsedFrom(text, typeof builder.root === 'object' ? builder.root : null, value);
}

function parsedFrom(text: string, root: Node | null, value: unknown): ParsedWorkflow {
  const lineCounter = new LineCounter();
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  // At its final size (pushing 5,000 line starts one by one leaves their growing copies behind).
  const starts: number[] = new Array(lines);
  starts[0] = 0;
  for (let i = text.indexOf('\n'), line = 1; i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  lineCounter.lineStarts = starts;
  const document = new Document() as unknown as Document.Parsed;
  document.contents = root as never;
  if (document.contents) document.range = [0, text.length, text.length];
  const parsed = parsedWorkflow(text, document, lineCounter, []);
  parsed.read = { value: value ?? null };
  return parsed;
}
