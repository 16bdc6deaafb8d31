// The fastest parse path: one pass over the lines of a workflow written the common way (block mappings and
// sequences; one-line plain, quoted and flow values; literal and folded block scalars; LF or CRLF) that builds the
// yaml nodes, with the ranges yaml's parseDocument gives, and the JS value at once. Anything else (multi-line plain
// or quoted scalars and flow collections, empty values, keys that are not strings, escapes other than the common
// ones, a lone CR, ...) returns undefined and the js-yaml path (fast-parse.ts) takes the text. Tests compare both
// with yaml.
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { plainValue } from './core-scalars.js';
import {
  blockScalarEnd,
  deeperComments,
  FastScalar,
  makeMap,
  makePair,
  makeScalar,
  makeSeq,
  nodeEnd,
  nodeEndOf,
  setNodeEnd,
  trailingComments,
  valueEndOf,
} from './yaml-nodes.js';

/** Thrown (one instance, no stack captured) when the text uses something this path leaves to the next one. */
const UNSUPPORTED = { unsupported: true };

const SPACE = 32;
const NEWLINE = 10;
/** Only ever before a NEWLINE (a lone CR is left to the other paths). */
const CR = 13;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;

/** yaml limits an implicit key to 1024 characters. */
const MAX_KEY_LENGTH = 1024;
/** Block nesting deeper than this is left to the other paths (and their nesting guard). */
const MAX_DEPTH = 100;

/** Characters js-yaml and yaml refuse in a document (js-yaml's pattern). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for.
const NON_PRINTABLE_OR_SURROGATE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/;
const NON_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for.
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** `&` anchor, `*` alias, `!` tag, `?` explicit key, `%`, `@`, backquote: a value starting with one goes elsewhere. */
function reservedStart(c: number): boolean {
  return c === 38 || c === 42 || c === 33 || c === 63 || c === 37 || c === 64 || c === 96;
}

/** Indicators a plain scalar cannot start with (`-` is checked apart: `-x` is a plain scalar, `- x` an item). */
function indicatorStart(c: number): boolean {
  return (
    reservedStart(c) ||
    flowIndicator(c) ||
    c === COLON ||
    c === HASH ||
    c === 124 ||
    c === 62 ||
    c === DOUBLE_QUOTE ||
    c === SINGLE_QUOTE
  );
}

/** `,` `[` `]` `{` `}` */
function flowIndicator(c: number): boolean {
  return c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

function endOfLine(c: number): boolean {
  return c === NEWLINE || c === CR || Number.isNaN(c);
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

/**
 * Plain scalars seen lately (keys and words repeat), each with its value: the same string instance for the same
 * text, which V8 then finds in its string table at once when it is a property name. Slots are overwritten.
 */
const INTERN_SLOTS = 1024;
/** V8 copies a slice shorter than 13 characters; a longer one would keep the whole text it came from alive. */
const INTERN_MAX_LENGTH = 12;
const internedTexts: (string | undefined)[] = new Array(INTERN_SLOTS);
const internedValues: unknown[] = new Array(INTERN_SLOTS);

/** True when `text` holds `known` at `at` (String.prototype.startsWith with a position is slow in V8). */
function sameText(text: string, at: number, known: string): boolean {
  for (let i = 0; i < known.length; i++) {
    if (text.charCodeAt(at + i) !== known.charCodeAt(i)) return false;
  }
  return true;
}

/** The value of the plain scalar text[at, end). */
function plainAt(text: string, at: number, end: number): unknown {
  const length = end - at;
  if (length > INTERN_MAX_LENGTH) return plainValue(text.slice(at, end));
  const slot =
    (length * 31 +
      text.charCodeAt(at) * 7 +
      text.charCodeAt(end - 1) * 3 +
      text.charCodeAt(at + (length >> 1))) &
    (INTERN_SLOTS - 1);
  const known = internedTexts[slot];
  if (known !== undefined && known.length === length && sameText(text, at, known))
    return internedValues[slot];
  const data = text.slice(at, end);
  const value = plainValue(data);
  internedTexts[slot] = data;
  internedValues[slot] = value;
  return value;
}

function isBlock(node: Node): boolean {
  const type = (node as Scalar).type;
  return type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED';
}

function isInline(node: Node): boolean {
  return node instanceof FastScalar ? !isBlock(node) : Boolean((node as YAMLMap).flow);
}

class BlockScanner {
  /** The JS value of the node last built. */
  private value: unknown;
  /** After a block node: the start of the line after the last line it took. */
  private pos = 0;
  /** After a one-line node: where its value ends. */
  private end = 0;
  /** The indentation of the line nextLine found. */
  private indent = 0;
  private depth = 0;
  private readonly length: number;
  /**
   * The items (and a sequence's values) of the open collections, innermost last: a collection's arrays are cut
   * from here at their final size (an array grown by push has room for 17 items, most collections have 1-6).
   */
  private readonly items: unknown[] = [];
  private readonly values: unknown[] = [];
  private top = 0;

  /** Pushes an item of the innermost open collection (and its value, for a sequence). */
  private push(item: unknown, value?: unknown): void {
    this.items[this.top] = item;
    this.values[this.top] = value;
    this.top++;
  }

  /** The items pushed since `base`, at their size; they are popped. */
  private itemsFrom<T>(base: number): T[] {
    const items = this.items.slice(base, this.top) as T[];
    this.top = base;
    return items;
  }

  /** Whether the open mapping whose pairs start at `base` already has the key `name` (its value is `object`). */
  private hasKey(base: number, object: object, name: string): boolean {
    if (this.top - base > 8) return Object.hasOwn(object, name);
    for (let i = base; i < this.top; i++) {
      if (((this.items[i] as Pair<Scalar, Node>).key.value as string) === name) return true;
    }
    return false;
  }

  private valuesFrom(base: number): unknown[] {
    return this.values.slice(base, this.top);
  }

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  document(): { root: Node; value: unknown } {
    const line = this.nextLine(0);
    if (line >= this.length) throw UNSUPPORTED;
    const column = this.indent;
    const root = this.blockNode(line + column, column, -1);
    if (!('items' in root)) throw UNSUPPORTED;
    if (this.nextLine(this.pos) < this.length) throw UNSUPPORTED;
    return { root, value: this.value };
  }

  /**
   * The start of the first line at or after `at` (a line start) with content (not blank, not a comment). Comment
   * lines must be indented like that line (column 0 at the end): yaml gives other comments to the ends of nodes
   * by rules of its own. A document marker (`---`, `...`) is left to the other paths.
   */
  private nextLine(at: number): number {
    const text = this.text;
    let commentIndent = -1;
    let i = at;
    while (i < this.length) {
      let j = i;
      while (text.charCodeAt(j) === SPACE) j++;
      const c = text.charCodeAt(j);
      if (c === NEWLINE) i = j + 1;
      else if (c === CR) i = j + 2;
      else if (c === HASH) {
        if (commentIndent < 0) commentIndent = j - i;
        else if (commentIndent !== j - i) throw UNSUPPORTED;
        const eol = text.indexOf('\n', j);
        i = eol === -1 ? this.length : eol + 1;
      } else if (j >= this.length) break;
      else {
        this.indent = j - i;
        if (commentIndent >= 0 && commentIndent !== this.indent) throw UNSUPPORTED;
        if (this.indent === 0 && (text.startsWith('---', i) || text.startsWith('...', i))) throw UNSUPPORTED;
        return i;
      }
    }
    if (commentIndent > 0) throw UNSUPPORTED;
    return this.length;
  }

  /** The start of the line after the one `at` is on. */
  private nextLineStart(at: number): number {
    const eol = this.text.indexOf('\n', at);
    return eol === -1 ? this.length : eol + 1;
  }

  private isDash(at: number): boolean {
    const text = this.text;
    if (text.charCodeAt(at) !== DASH) return false;
    const next = text.charCodeAt(at + 1);
    return next === SPACE || endOfLine(next);
  }

  /** A node that starts at `at` (column `column`, deeper than its parent's `parent`) and may span lines. */
  private blockNode(at: number, column: number, parent: number): Node {
    if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
    let node: Node;
    if (this.isDash(at)) node = this.blockSeq(at, column);
    else {
      const colon = this.keyColon(at);
      node = colon >= 0 ? this.blockMap(at, column, colon) : this.inlineValue(at, parent);
    }
    this.depth--;
    return node;
  }

  /** Where the `:` of the key starting at `at` is, or -1 when the line does not start with a key. */
  private keyColon(at: number): number {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 91 || c === 123) return -1;
    let colon: number;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      colon = this.quotedEnd(at);
      if (colon < 0 || text.charCodeAt(colon) !== COLON) return -1;
    } else {
      colon = -1;
      for (let j = at; j < this.length; j++) {
        const d = text.charCodeAt(j);
        if (d === NEWLINE || d === CR) break;
        if (d === COLON) {
          const next = text.charCodeAt(j + 1);
          if (next === SPACE || endOfLine(next)) {
            colon = j;
            break;
          }
        } else if (d === HASH && text.charCodeAt(j - 1) === SPACE) break;
      }
      if (colon < 0) return -1;
    }
    const next = text.charCodeAt(colon + 1);
    return next === SPACE || endOfLine(next) ? colon : -1;
  }

  /** The offset after the closing quote of the one-line quoted scalar at `at`, or -1. */
  private quotedEnd(at: number): number {
    const text = this.text;
    const quote = text.charCodeAt(at);
    for (let j = at + 1; j < this.length; j++) {
      const d = text.charCodeAt(j);
      if (d === NEWLINE || d === CR) return -1;
      if (quote === DOUBLE_QUOTE && d === BACKSLASH) {
        if (endOfLine(text.charCodeAt(j + 1))) return -1;
        j++;
      } else if (d === quote) {
        if (quote === SINGLE_QUOTE && text.charCodeAt(j + 1) === SINGLE_QUOTE) j++;
        else return j + 1;
      }
    }
    return -1;
  }

  /** The value of the one-line quoted scalar in [at, end). */
  private quotedValue(at: number, end: number): string {
    const text = this.text;
    const inner = text.slice(at + 1, end - 1);
    if (text.charCodeAt(at) === SINGLE_QUOTE)
      return inner.includes("'") ? inner.replaceAll("''", "'") : inner;
    if (!inner.includes('\\')) return inner;
    return inner.replace(/\\(.)/g, (_, c: string) => {
      const escaped = ESCAPES[c];
      if (escaped === undefined) throw UNSUPPORTED;
      return escaped;
    });
  }

  /** A key scalar in [at, colon); its value (a string) in this.value. */
  private keyScalar(at: number, colon: number): Scalar {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const value = this.quotedValue(at, colon);
      if (value === '__proto__') throw UNSUPPORTED;
      this.value = value;
      return makeScalar(value, c === DOUBLE_QUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', at, colon, colon);
    }
    if (colon - at > MAX_KEY_LENGTH || text.charCodeAt(colon - 1) === SPACE) throw UNSUPPORTED;
    if (indicatorStart(c) || c === DASH) throw UNSUPPORTED;
    for (let j = at; j < colon; j++) {
      const d = text.charCodeAt(j);
      if (flowIndicator(d) || d === COLON) throw UNSUPPORTED;
    }
    const data = plainAt(text, at, colon);
    if (typeof data !== 'string' || data === '<<' || data === '__proto__') throw UNSUPPORTED;
    this.value = data;
    return makeScalar(data, 'PLAIN', at, colon, colon);
  }

  private blockMap(at: number, column: number, firstColon: number): YAMLMap {
    const text = this.text;
    const base = this.top;
    const object: Record<string, unknown> = {};
    let keyAt = at;
    let colon = firstColon;
    for (;;) {
      const key = this.keyScalar(keyAt, colon);
      const name = this.value as string;
      if (this.hasKey(base, object, name)) throw UNSUPPORTED;
      const p = this.skipSpaces(colon + 1);
      const c = text.charCodeAt(p);
      const value =
        endOfLine(c) || c === HASH ? this.nodeBelow(p, column, true) : this.inlineValue(p, column);
      object[name] = this.value;
      this.push(makePair(key, value));
      const next = this.nextLine(this.pos);
      if (next >= this.length || this.indent < column) break;
      if (this.indent > column) throw UNSUPPORTED;
      keyAt = next + column;
      colon = this.keyColon(keyAt);
      if (colon < 0) throw UNSUPPORTED;
    }
    const items = this.itemsFrom<Pair<Node, Node>>(base);
    const map = makeMap(items, false);
    for (const pair of items) this.pastDeeperComments(pair.value as Node, column);
    // A list at its key's column (`key:\n- item`) leaves the comments at that column to the mapping.
    for (const pair of items) {
      const value = pair.value as Node;
      if (!(value instanceof FastScalar) && !(value as YAMLSeq).flow) {
        const range = value.range!;
        if (range[0] - (text.lastIndexOf('\n', range[0] - 1) + 1) === column) {
          range[2] = trailingComments(text, range[1], column + 1);
        }
      }
    }
    map.range = this.blockRange(at, items[items.length - 1]!.value as Node, column);
    this.value = object;
    return map;
  }

  /**
   * The node on the lines after the one `at` is on: deeper than `column`, or, for a mapping's value
   * (`listAtColumn`), a list at `column` (`key:\n- item`). An empty node is left to the other paths.
   */
  private nodeBelow(at: number, column: number, listAtColumn: boolean): Node {
    const next = this.nextLine(this.nextLineStart(at));
    if (next >= this.length || this.indent < column) throw UNSUPPORTED;
    if (this.indent > column) return this.blockNode(next + this.indent, this.indent, column);
    if (listAtColumn && this.isDash(next + column)) return this.blockNode(next + column, column, column);
    throw UNSUPPORTED;
  }

  /** yaml ends an inline item of a block collection past the comment lines below it indented deeper than it. */
  private pastDeeperComments(node: Node, column: number): void {
    if (!isInline(node)) return;
    const end = nodeEndOf(node);
    if (end > valueEndOf(node)) setNodeEnd(node, deeperComments(this.text, end, column));
  }

  /** A block collection's range: to its last item's node end, then past the comments that follow at its column. */
  private blockRange(at: number, last: Node, column: number): [number, number, number] {
    const end = nodeEndOf(last);
    return [at, end, trailingComments(this.text, end, column)];
  }

  private blockSeq(at: number, column: number): YAMLSeq {
    const text = this.text;
    const base = this.top;
    let dash = at;
    for (;;) {
      const p = this.skipSpaces(dash + 1);
      const c = text.charCodeAt(p);
      let item: Node;
      if (endOfLine(c) || c === HASH) item = this.nodeBelow(p, column, false);
      else if (this.isDash(p)) throw UNSUPPORTED;
      else {
        const colon = this.keyColon(p);
        if (colon >= 0) {
          if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
          item = this.blockMap(p, p - (dash - column), colon);
          this.depth--;
        } else item = this.inlineValue(p, column);
      }
      this.push(item, this.value);
      const next = this.nextLine(this.pos);
      if (next >= this.length || this.indent < column) break;
      if (this.indent > column) throw UNSUPPORTED;
      dash = next + column;
      if (!this.isDash(dash)) break;
    }
    const array = this.valuesFrom(base);
    const items = this.itemsFrom<Node>(base);
    const seq = makeSeq(items, false);
    for (const item of items) this.pastDeeperComments(item, column);
    seq.range = this.blockRange(at, items[items.length - 1]!, column);
    this.value = array;
    return seq;
  }

  /**
   * A value that starts at `at` on a line (after `key: `, `- `, or alone) inside a block collection whose column is
   * `parent`: a one-line scalar or flow collection (with an optional comment after it), or a block scalar.
   */
  private inlineValue(at: number, parent: number): Node {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 124 || c === 62) return this.blockScalar(at, parent);
    let node: Node;
    let valueEnd: number;
    if (c === 91 || c === 123) {
      node = this.flowCollection(at);
      valueEnd = this.end;
    } else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      valueEnd = this.quotedEnd(at);
      if (valueEnd < 0) throw UNSUPPORTED;
      const value = this.quotedValue(at, valueEnd);
      this.value = value;
      node = makeScalar(value, c === DOUBLE_QUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', at, valueEnd, valueEnd);
    } else {
      if (indicatorStart(c) || (c === DASH && this.isDash(at))) throw UNSUPPORTED;
      valueEnd = at;
      let j = at;
      for (; j < this.length; j++) {
        const d = text.charCodeAt(j);
        if (d === NEWLINE || d === CR) break;
        if (d === SPACE) continue;
        if (d === HASH && text.charCodeAt(j - 1) === SPACE) break;
        if (d === COLON) {
          const next = text.charCodeAt(j + 1);
          if (next === SPACE || next === HASH || endOfLine(next)) throw UNSUPPORTED;
        }
        valueEnd = j + 1;
      }
      const value = plainAt(text, at, valueEnd);
      this.value = value;
      node = makeScalar(value, 'PLAIN', at, valueEnd, valueEnd);
    }
    // Only spaces and a comment may follow on the line.
    let j = valueEnd;
    while (text.charCodeAt(j) === SPACE) j++;
    const d = text.charCodeAt(j);
    if (d === HASH) {
      if (j === valueEnd) throw UNSUPPORTED;
    } else if (!endOfLine(d)) throw UNSUPPORTED;
    setNodeEnd(node, nodeEnd(text, valueEnd));
    this.pos = this.nextLineStart(j);
    return node;
  }

  /** A one-line flow sequence or mapping at `at`; this.end is after its closing bracket. */
  private flowCollection(at: number): YAMLMap | YAMLSeq {
    if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
    const text = this.text;
    const isMap = text.charCodeAt(at) === 123;
    const close = isMap ? 125 : 93;
    const base = this.top;
    const object: Record<string, unknown> | undefined = isMap ? {} : undefined;
    let i = this.skipSpaces(at + 1);
    if (text.charCodeAt(i) === close) i++;
    else {
      for (;;) {
        if (isMap) {
          const key = this.flowScalar(i, true);
          const name = this.value;
          if (
            typeof name !== 'string' ||
            name === '__proto__' ||
            name === '<<' ||
            this.hasKey(base, object!, name)
          ) {
            throw UNSUPPORTED;
          }
          const keyEnd = this.end;
          if (text.charCodeAt(keyEnd) !== COLON || text.charCodeAt(keyEnd + 1) !== SPACE) throw UNSUPPORTED;
          const valueAt = this.skipSpaces(keyEnd + 2);
          const value = this.flowNode(valueAt);
          object![name] = this.value;
          setNodeEnd(value, this.skipSpaces(this.end));
          this.push(makePair(key, value));
        } else {
          const item = this.flowNode(i);
          setNodeEnd(item, this.skipSpaces(this.end));
          this.push(item, this.value);
        }
        const j = this.skipSpaces(this.end);
        const c = text.charCodeAt(j);
        if (c === close) {
          i = j + 1;
          break;
        }
        if (c !== 44) throw UNSUPPORTED;
        i = this.skipSpaces(j + 1);
        if (text.charCodeAt(i) === close) throw UNSUPPORTED;
      }
    }
    const array = isMap ? undefined : this.valuesFrom(base);
    const node = isMap
      ? makeMap(this.itemsFrom<Pair<Node, Node>>(base), true)
      : makeSeq(this.itemsFrom<Node>(base), true);
    node.range = [at, i, this.skipSpaces(i)];
    this.value = isMap ? object : array;
    this.end = i;
    this.depth--;
    return node;
  }

  private flowNode(at: number): Node {
    const c = this.text.charCodeAt(at);
    return c === 91 || c === 123 ? this.flowCollection(at) : this.flowScalar(at, false);
  }

  /** A scalar inside a flow collection; this.end is where its value ends. */
  private flowScalar(at: number, key: boolean): Scalar {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const end = this.quotedEnd(at);
      if (end < 0) throw UNSUPPORTED;
      const value = this.quotedValue(at, end);
      this.value = value;
      this.end = end;
      return makeScalar(value, c === DOUBLE_QUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', at, end, end);
    }
    if (indicatorStart(c) || c === DASH) throw UNSUPPORTED;
    let end = at;
    let j = at;
    for (; j < this.length; j++) {
      const d = text.charCodeAt(j);
      if (d === NEWLINE || d === CR || flowIndicator(d)) break;
      if (d === SPACE) continue;
      if (d === HASH && text.charCodeAt(j - 1) === SPACE) throw UNSUPPORTED;
      if (d === COLON) {
        if (key && text.charCodeAt(j + 1) === SPACE && end === j) break;
        throw UNSUPPORTED;
      }
      end = j + 1;
    }
    if (end === at) throw UNSUPPORTED;
    const value = plainAt(text, at, end);
    this.value = value;
    this.end = end;
    return makeScalar(value, 'PLAIN', at, end, end);
  }

  private skipSpaces(at: number): number {
    let i = at;
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `at`, inside a collection at column `parent`.
   * Explicit indentation, lines with only more spaces than the indentation, and (folded) more-indented lines are
   * left to the other paths.
   */
  private blockScalar(at: number, parent: number): Scalar {
    const text = this.text;
    const literal = text.charCodeAt(at) === 124;
    let i = at + 1;
    const chomp = text.charCodeAt(i);
    const keep = chomp === 43;
    const strip = chomp === DASH;
    if (keep || strip) i++;
    let j = i;
    while (text.charCodeAt(j) === SPACE) j++;
    if (text.charCodeAt(j) === HASH ? j === i : !endOfLine(text.charCodeAt(j))) throw UNSUPPORTED;
    const headerEnd = text.indexOf('\n', j);
    if (headerEnd === -1) throw UNSUPPORTED;
    // Lines: blank ones (no more spaces than the indentation) and content ones, up to the first line less indented.
    let indent = -1;
    let leadingSpaces = 0;
    let value = '';
    let blanks = 0;
    let contentLines = 0;
    let line = headerEnd + 1;
    for (;;) {
      if (line >= this.length) {
        if (!text.endsWith('\n')) throw UNSUPPORTED;
        break;
      }
      let k = line;
      while (text.charCodeAt(k) === SPACE) k++;
      const spaces = k - line;
      const c = text.charCodeAt(k);
      if (c === NEWLINE || c === CR || k >= this.length) {
        if (indent < 0) leadingSpaces = Math.max(leadingSpaces, spaces);
        else if (spaces > indent) throw UNSUPPORTED;
        blanks++;
        line = k + (c === CR ? 2 : 1);
        continue;
      }
      if (indent < 0) {
        if (spaces <= parent || spaces < leadingSpaces) throw UNSUPPORTED;
        indent = spaces;
      } else if (spaces < indent) break;
      if (!literal && spaces > indent) throw UNSUPPORTED;
      const eol = text.indexOf('\n', k);
      const lineEnd = eol === -1 ? this.length : eol;
      const content = text.slice(line + indent, text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd);
      if (contentLines === 0) value = '\n'.repeat(blanks) + content;
      else if (literal) value += '\n'.repeat(blanks + 1) + content;
      else value += (blanks === 0 ? ' ' : '\n'.repeat(blanks)) + content;
      contentLines++;
      blanks = 0;
      line = lineEnd + 1;
    }
    if (contentLines === 0) throw UNSUPPORTED;
    const stop = Math.min(line, this.length);
    if (!strip) value += keep ? '\n'.repeat(blanks + 1) : '\n';
    const end = blockScalarEnd(text, at, stop);
    if (end < 0) throw UNSUPPORTED;
    this.value = value;
    this.pos = stop;
    return makeScalar(value, literal ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED', at, end, end);
  }
}

/**
 * The root node and JS value of a workflow written in the block style this path reads, or undefined (the caller
 * then tries the next path). Files too large or binary are the caller's to refuse.
 */
export function scanBlock(text: string): { root: Node; value: unknown } | undefined {
  if (text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
  if (text.includes('\r') && /\r(?!\n)/.test(text)) return undefined;
  // The quick test first: its only false alarms are surrogate pairs (emoji), which the exact one lets through.
  if (NON_PRINTABLE_OR_SURROGATE.test(text) && NON_PRINTABLE.test(text)) return undefined;
  try {
    return new BlockScanner(text).document();
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}
