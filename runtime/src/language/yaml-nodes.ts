// yaml nodes made cheaply (the same classes yaml's parseDocument makes) and the rules by which yaml ends them
// (range[2]: comments, line breaks, trailing blank lines), shared by the fast parse paths.
import { type Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * yaml's node classes mark each instance with a symbol through Object.defineProperty in their constructors, which
 * costs more than the whole js-yaml parse; these constructors make instances of the same classes (instanceof,
 * isScalar/isMap/... and every method work) with the mark on the prototype instead.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');

function withNodeType(base: { prototype: object }, type: string): object {
  return Object.create(base.prototype, { [NODE_TYPE]: { value: Symbol.for(type) } });
}

type Range3 = [number, number, number];

interface ScalarFields {
  value: unknown;
  type: Scalar.Type;
  start: number;
  valueEnd: number;
  nodeEnd: number;
}
/**
 * A plain constructor (V8 gives its instances one fixed shape) whose prototype makes them yaml Scalars. The range
 * is three numbers on the instance and an array only when read: most scalars' ranges are never read, and the
 * arrays were a third of the memory the tree keeps alive during a check.
 */
export const FastScalar = function (
  this: ScalarFields,
  value: unknown,
  type: Scalar.Type,
  start: number,
  valueEnd: number,
  nodeEnd: number,
) {
  this.value = value;
  this.type = type;
  this.start = start;
  this.valueEnd = valueEnd;
  this.nodeEnd = nodeEnd;
} as unknown as new (
  value: unknown,
  type: Scalar.Type,
  start: number,
  valueEnd: number,
  nodeEnd: number,
) => Scalar & ScalarFields;
FastScalar.prototype = withNodeType(Scalar, 'yaml.scalar') as Scalar & ScalarFields;
Object.defineProperty(FastScalar.prototype, 'range', {
  get(this: ScalarFields): Range3 {
    return [this.start, this.valueEnd, this.nodeEnd];
  },
  set(this: ScalarFields, range: Range3) {
    this.start = range[0];
    this.valueEnd = range[1];
    this.nodeEnd = range[2];
  },
});

export function makeScalar(
  value: unknown,
  type: Scalar.Type,
  start: number,
  valueEnd: number,
  nodeEnd: number,
): Scalar {
  return new FastScalar(value, type, start, valueEnd, nodeEnd);
}

/** Moves a node's end (range[2]): a field of a scalar, an array entry of a collection. */
export function setNodeEnd(node: Node, end: number): void {
  if (node instanceof FastScalar) node.nodeEnd = end;
  else node.range![2] = end;
}

/** A node's value end (range[1]) and node end (range[2]), without making a scalar's range array. */
export function valueEndOf(node: Node): number {
  return node instanceof FastScalar ? node.valueEnd : node.range![1];
}

export function nodeEndOf(node: Node): number {
  return node instanceof FastScalar ? node.nodeEnd : node.range![2];
}

const MAP_PROTOTYPE = withNodeType(YAMLMap, 'yaml.map');
const SEQ_PROTOTYPE = withNodeType(YAMLSeq, 'yaml.seq');
const PAIR_PROTOTYPE = withNodeType(Pair, 'yaml.pair');

/**
 * Constructors (one fixed shape each, sized by V8 to exactly their fields) whose prototypes make their instances
 * yaml's YAMLMap, YAMLSeq and Pair, as FastScalar does for Scalar.
 */
interface CollectionFields {
  items: unknown[];
  flow: boolean;
  range: Range3 | undefined;
}
/** A constructor of collections with `prototype` (YAMLMap's or YAMLSeq's, marked). */
function collectionConstructor<T>(prototype: object): new (items: unknown[], flow: boolean) => T {
  const FastCollection = function (this: CollectionFields, items: unknown[], flow: boolean) {
    this.items = items;
    this.flow = flow;
    this.range = undefined;
  };
  FastCollection.prototype = prototype;
  return FastCollection as unknown as new (
    items: unknown[],
    flow: boolean,
  ) => T;
}
const FastMap = collectionConstructor<YAMLMap>(MAP_PROTOTYPE);
const FastSeq = collectionConstructor<YAMLSeq>(SEQ_PROTOTYPE);
const FastPair = function (this: { key: Node; value: Node }, key: Node, value: Node) {
  this.key = key;
  this.value = value;
} as unknown as new (
  key: Node,
  value: Node,
) => Pair<Node, Node>;
FastPair.prototype = PAIR_PROTOTYPE as Pair<Node, Node>;

export function makeMap(items: Pair<Node, Node>[], flow: boolean): YAMLMap {
  return new FastMap(items, flow);
}

export function makeSeq(items: Node[], flow: boolean): YAMLSeq {
  return new FastSeq(items, flow);
}

export function makePair(key: Node, value: Node): Pair<Node, Node> {
  return new FastPair(key, value);
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The first offset at or after `at` that is not whitespace or a comment. */
export function skipSeparation(text: string, at: number): number {
  let i = at;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) i++;
    else if (c === 35) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length : eol + 1;
    } else break;
  }
  return i;
}

export function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && isSpace(text.charCodeAt(e - 1))) e--;
  return e;
}

export function lineEnd(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === 13) i++;
  if (text.charCodeAt(i) === 10) i++;
  return i;
}

/** The offset after the comment line starting at `at` (spaces, `#`), or -1 when that line is not a comment. */
export function commentLineEnd(text: string, at: number): { end: number; indent: number } | undefined {
  let j = at;
  while (text.charCodeAt(j) === 32) j++;
  if (text.charCodeAt(j) !== 35) return undefined;
  const eol = text.indexOf('\n', j);
  return { end: eol === -1 ? text.length : eol + 1, indent: j - at };
}

/**
 * Where yaml ends a block collection's node (range[2]): past the comment lines after its last item when the first
 * of them is indented at least as deep as the collection, then past any further comment lines (blank lines
 * between them included), whatever their indentation.
 */
export function trailingComments(text: string, at: number, column: number): number {
  const first = commentLineEnd(text, at);
  if (!first || first.indent < column) return at;
  let end = first.end;
  for (let i = end; i < text.length; ) {
    let j = i;
    while (text.charCodeAt(j) === 10 || (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10)) {
      j += text.charCodeAt(j) === 13 ? 2 : 1;
    }
    const next = commentLineEnd(text, j);
    if (!next) break;
    end = next.end;
    i = end;
  }
  return end;
}

/**
 * True when every line that `[start, end)` continues onto is blank or indented deeper than `column`: yaml
 * requires it of a multi-line scalar or flow collection inside a block collection, js-yaml lets it pass.
 */
export function continuationIndented(text: string, start: number, end: number, column: number): boolean {
  for (let nl = text.indexOf('\n', start); nl !== -1 && nl < end - 1; nl = text.indexOf('\n', nl + 1)) {
    let j = nl + 1;
    while (text.charCodeAt(j) === 32) j++;
    const c = text.charCodeAt(j);
    if (j - nl - 1 <= column && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** Past the comment lines after `at` indented deeper than `column` (blank lines between them included). */
export function deeperComments(text: string, at: number, column: number): number {
  let end = at;
  for (let i = at; i < text.length; ) {
    let j = i;
    while (text.charCodeAt(j) === 10 || (text.charCodeAt(j) === 13 && text.charCodeAt(j + 1) === 10)) {
      j += text.charCodeAt(j) === 13 ? 2 : 1;
    }
    const next = commentLineEnd(text, j);
    if (!next || next.indent <= column) break;
    end = next.end;
    i = end;
  }
  return end;
}

/** Where yaml ends a node: after its value, the spaces and comment that follow on its line, and that line's end. */
export function nodeEnd(text: string, valueEnd: number): number {
  let i = valueEnd;
  while (text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) === 35) {
    const eol = text.indexOf('\n', i);
    i = eol === -1 ? text.length : eol;
  }
  return lineEnd(text, i);
}

/**
 * Where yaml ends a block scalar that js-yaml stopped reading at `stop`: at the start of the line it stopped on;
 * unless kept (`|+`), without the trailing lines that are blank or hold no more spaces than its indentation.
 * -1 for an explicit indentation indicator (left to yaml).
 */
export function blockScalarEnd(text: string, start: number, stop: number): number {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd === -1) return text.length;
  const header = text.slice(start, headerEnd);
  if (/[0-9]/.test(header.replace(/#.*/, ''))) return -1;
  // js-yaml reads a text without a final line break as if it had one: then the last line is the scalar's.
  if (stop > text.length && header.includes('+')) return -1;
  let end = stop >= text.length && !text.endsWith('\n') ? text.length : text.lastIndexOf('\n', stop - 1) + 1;
  if (end <= headerEnd) return Math.min(stop, headerEnd + 1);
  if (header.includes('+')) return end;
  let indent = 0;
  for (let i = headerEnd + 1; i < end; ) {
    let j = i;
    while (text.charCodeAt(j) === 32) j++;
    const c = text.charCodeAt(j);
    if (c !== 10 && c !== 13) {
      indent = j - i;
      break;
    }
    i = text.indexOf('\n', j) + 1;
  }
  while (end > headerEnd + 1) {
    const lineStart = text.lastIndexOf('\n', end - 2) + 1;
    let j = lineStart;
    while (text.charCodeAt(j) === 32) j++;
    // a last line of spaces with no line break after it is blank too (yaml ends the scalar before it)
    const blank = j >= text.length || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13;
    if (!blank || j - lineStart > indent) break;
    end = lineStart;
  }
  return end;
}
