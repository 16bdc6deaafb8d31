// Where the cursor is in a (possibly half-typed, unparsable) block-style YAML file, read from
// indentation alone: the key path above the cursor, the sibling keys of the map being edited,
// and whether the cursor is on a key, on a value, or inside a CEL expression. Pure.
import type { PathSegment } from './schema-nav.js';

interface LineElements {
  indent: number;
  /** Columns of `- ` sequence markers, left to right. */
  dashes: number[];
  key?: { name: string; col: number; value: string };
}

const KEY = /^("[^"]*"|'[^']*'|[^\s#'"{}[\],&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+|$)(.*)$/;

function unquote(key: string): string {
  return /^(["']).*\1$/.test(key) ? key.slice(1, -1) : key;
}

function elements(line: string): LineElements | undefined {
  const lead = /^(\s*)/.exec(line)![1]!.length;
  if (lead === line.length || line[lead] === '#') return undefined;
  const dashes: number[] = [];
  let col = lead;
  while (line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ' || line[col + 1] === '\t')) {
    dashes.push(col);
    col++;
    while (line[col] === ' ' || line[col] === '\t') col++;
  }
  const rest = line.slice(col);
  const m = KEY.exec(rest);
  const key = m
    ? { name: unquote(m[1]!.trim()), col, value: m[2]!.replace(/\s+#.*$/, '').trim() }
    : undefined;
  return { indent: lead, dashes, key };
}

/** The key path of the block (map or sequence) whose entries start at `col`, from the lines above `lineNo`. */
export function pathAbove(lines: string[], lineNo: number, col: number): PathSegment[] {
  const path: PathSegment[] = [];
  let target = col;
  let fromDash = false;
  for (let l = lineNo - 1; l >= 0; l--) {
    const e = elements(lines[l]!);
    if (!e || e.indent > target) continue;
    const parts: Array<{ col: number; key?: string; value?: string }> = [
      ...e.dashes.map((c) => ({ col: c })),
      ...(e.key ? [{ col: e.key.col, key: e.key.name, value: e.key.value }] : []),
    ];
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i]!;
      if (part.key !== undefined) {
        // a parent key: left of the target, or (for `key:\n- item`) at the column of a sequence under it
        if (part.col < target || (fromDash && part.col === target && part.value === '')) {
          path.unshift({ key: part.key });
          target = part.col;
          fromDash = false;
        }
      } else if (part.col < target) {
        path.unshift({ item: true });
        target = part.col;
        fromDash = true;
      }
    }
    if (target === 0 && !fromDash) break;
  }
  return path;
}

/** Keys (with their inline values) of the block map whose keys start at `col` and that contains `lineNo`. */
export function siblingKeys(lines: string[], lineNo: number, col: number): Map<string, string> {
  const keys = new Map<string, string>();
  const take = (e: LineElements) => {
    if (e.key && e.key.col === col) keys.set(e.key.name, e.key.value);
  };
  for (let l = lineNo; l >= 0; l--) {
    const e = elements(lines[l]!);
    if (!e) continue;
    if (l !== lineNo || e.key?.col === col) take(e);
    if (e.indent < col) break; // the line that opens this block (e.g. `- id: x`, or a parent key)
  }
  for (let l = lineNo + 1; l < lines.length; l++) {
    const e = elements(lines[l]!);
    if (!e) continue;
    if (e.indent < col) break;
    take(e);
  }
  return keys;
}

export type CursorContext =
  | { type: 'key'; path: PathSegment[]; col: number; partial: Span; siblings: Map<string, string> }
  | { type: 'item'; path: PathSegment[]; partial: Span; siblings: Map<string, string> }
  | {
      type: 'value';
      path: PathSegment[];
      key: string;
      partial: Span;
      siblings: Map<string, string>;
      inFlowSeq: boolean;
    }
  | { type: 'expression'; path: PathSegment[]; chain: string[]; partial: Span; condition: boolean }
  | { type: 'none' };

interface Span {
  start: number;
  end: number;
}

const CONDITION_KEYS = new Set(['if', 'when', 'items']);

/** What the cursor at `offset` is on. */
export function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lines = text.split('\n');
  const lineNo = text.slice(0, lineStart).split('\n').length - 1;
  const prefix = text.slice(lineStart, offset);
  const word = /[A-Za-z0-9_-]*$/.exec(prefix)![0];
  const partial = { start: offset - word.length, end: offset };
  const e = elements(`${prefix}x`); // the x stands for the word being typed, so `- ` still parses as a dash
  const indent = /^\s*/.exec(prefix)![0].length;
  const basePath = () => pathAbove(lines, lineNo, indent);

  // 1. Inside ${{ ... (unclosed on this line before the cursor), or on a condition's value.
  const open = prefix.lastIndexOf('${{');
  let expression: string | undefined;
  let condition = false;
  if (open >= 0 && !prefix.slice(open).includes('}}')) expression = prefix.slice(open + 3);
  else if (e?.key && CONDITION_KEYS.has(e.key.name) && prefix.length > e.key.col + e.key.name.length + 1) {
    expression = prefix.slice(prefix.indexOf(':', e.key.col) + 1).replace(/^\s*["']?/, '');
    condition = true;
  }
  if (expression !== undefined) {
    const m = /(?:^|[^\w.])((?:[A-Za-z_]\w*\s*\.\s*)*)([A-Za-z_]\w*)?$/.exec(expression);
    if (!m) return { type: 'none' };
    const chain = m[1]
      ? m[1]
          .split('.')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    const typed = m[2] ?? '';
    const path = [...basePath(), ...(e?.dashes ?? []).map(() => ({ item: true as const }))];
    if (e?.key) path.push({ key: e.key.name });
    return {
      type: 'expression',
      path,
      chain,
      partial: { start: offset - typed.length, end: offset },
      condition,
    };
  }

  if (!e) return { type: 'none' };
  const items: PathSegment[] = e.dashes.map(() => ({ item: true as const }));

  // 2. After `key:` on this line: a value.
  if (e.key && prefix.length > e.key.col + e.key.name.length) {
    const afterColon = prefix.slice(prefix.indexOf(':', e.key.col) + 1);
    const inFlowSeq = /\[[^\]]*$/.test(afterColon);
    if (!inFlowSeq && /[{}]/.test(afterColon)) return { type: 'none' };
    const path = [...basePath(), ...items, { key: e.key.name }];
    if (inFlowSeq) path.push({ item: true });
    return {
      type: 'value',
      path,
      key: e.key.name,
      partial,
      siblings: siblingKeys(lines, lineNo, e.key.col),
      inFlowSeq,
    };
  }

  // 3. Typing at the start of an entry: a key, or a scalar item of a sequence.
  const typedCol = offset - lineStart - word.length;
  if (!/^\s*(?:-\s+)*[A-Za-z0-9_-]*$/.test(prefix)) return { type: 'none' };
  const path = [...basePath(), ...items];
  const siblings = siblingKeys(lines, lineNo, typedCol);
  if (e.dashes.length) return { type: 'item', path, partial, siblings };
  return { type: 'key', path, col: typedCol, partial, siblings };
}
