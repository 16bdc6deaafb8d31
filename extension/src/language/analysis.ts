// An index of a workflow.yaml's names: where steps, models, agents, tools and inputs are declared
// and every place that refers to them (reference keys and CEL expressions). Built from the
// runtime's parser (the yaml AST with offsets); pure, no vscode.
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import {
  expressionReferences,
  findTemplateExpressions,
  parseWorkflowChunked,
  parseWorkflowFast,
  parseWorkflowText,
} from './runtime.js';
import type { PathSegment } from './schema-nav.js';

export type SymbolKind = 'step' | 'model' | 'agent' | 'tool' | 'input';

/**
 * The chunked parse with `process.env` swapped for a plain object, as the runtime's checker does
 * (runtime/src/language/parse.ts, withPlainEnv): yaml reads two debug switches from it once per
 * token, a getenv each. Measured on a cold 1,000-step parse: ~1.4 s -> ~0.85 s. The parse is
 * synchronous, so no other code sees the swap; the original is restored even when it throws.
 */
function parseChunked(text: string): ReturnType<typeof parseWorkflowChunked> {
  const proc = globalThis.process as { env: unknown } | undefined;
  const env = proc?.env;
  if (!proc || !env) return parseWorkflowChunked(text);
  try {
    proc.env = {};
  } catch {
    return parseWorkflowChunked(text);
  }
  try {
    return parseWorkflowChunked(text);
  } finally {
    proc.env = env;
  }
}

export interface Span {
  start: number;
  end: number;
}

export interface Definition {
  kind: SymbolKind;
  name: string;
  /** The name itself (a step's `id` value, or the key of a model/agent/tool/input). */
  span: Span;
  /** The whole declaration (the step's map, or the key with its value). */
  fullSpan: Span;
  /** A step's kind. */
  detail?: string;
  /** Id of the enclosing parallel/map step, for nested steps. */
  parent?: string;
  /** The declaration's map node (steps, and entries whose value is a map). */
  node?: YAMLMap;
}

export interface Reference {
  kind: SymbolKind;
  name: string;
  span: Span;
  /** Inside a CEL expression (then `path` is the whole member chain, e.g. steps.x.output.y). */
  expression?: { path: string[]; segment: number; segments: Span[] };
}

export interface ExpressionSite {
  /** The CEL text and where it sits in the document. */
  text: string;
  span: Span;
  /** A bare condition (`if`, `when`, `items`) rather than a `${{ }}` template. */
  condition: boolean;
}

export interface WorkflowIndex {
  text: string;
  definitions: Definition[];
  references: Reference[];
  expressions: ExpressionSite[];
  /**
   * The yaml document's root map, when the file has one. Its nodes may be shared with the chunk
   * cache (moved in place by later parses of other texts): read ranges through rootOf(index).
   */
  root?: YAMLMap;
  /** Whether `root` came from the chunked parse (shared nodes). */
  shared?: boolean;
}

/**
 * The root map with ranges that match `index.text`. A chunked parse shares its nodes with the
 * checker's chunk cache, which moves them to the offsets of whatever text was parsed last; parsing
 * this text again (every chunk a cache hit, a few ms on 1,000 steps) moves them back.
 */
export function rootOf(index: WorkflowIndex): YAMLMap | undefined {
  if (!index.shared) return index.root;
  const again = parseChunked(index.text) ?? parseWorkflowText(index.text);
  // (Only a chunked parse shares nodes, so only a text the fast path declines gets here.)
  const contents = again.document.contents;
  return isMap(contents) ? contents : undefined;
}

const CONDITION_KEYS = new Set(['if', 'when', 'items']);

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')
    ? String(node.value)
    : undefined;
}

/** The span of a scalar's characters, without quotes. */
export function scalarSpan(node: Scalar): Span | undefined {
  if (!node.range) return undefined;
  const [start, end] = node.range;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return { start: start + 1, end: end - 1 };
  return { start, end };
}

function nodeSpan(node: Node | null | undefined): Span | undefined {
  return node?.range ? { start: node.range[0], end: node.range[1] } : undefined;
}

function pairSpan(pair: Pair): Span | undefined {
  const key = nodeSpan(pair.key as Node);
  const value = nodeSpan(pair.value as Node);
  if (!key) return undefined;
  return { start: key.start, end: value ? value.end : key.end };
}

function get(map: YAMLMap, key: string): unknown {
  for (const pair of map.items) if (isScalar(pair.key) && pair.key.value === key) return pair.value;
  return undefined;
}

export function analyze(text: string): WorkflowIndex {
  // The checker's parses, in its order: the fast path (~20 ms for 1,000 steps, nodes of its own);
  // else the chunked parse (after an edit only the edited chunk is parsed again; its nodes are
  // shared with the cache: everything below copies offsets out of them right away, so they stay
  // right when the shared nodes move later); else yaml on the whole text.
  const fast = parseWorkflowFast(text);
  const chunked = fast ? undefined : parseChunked(text);
  const parsed = fast ?? chunked ?? parseWorkflowText(text);
  const index: WorkflowIndex = { text, definitions: [], references: [], expressions: [], shared: !!chunked };
  const contents = parsed.document.contents;
  if (!isMap(contents)) return index;
  index.root = contents;

  const addRef = (kind: SymbolKind, node: unknown) => {
    if (!isScalar(node)) return;
    const name = scalarText(node);
    const span = scalarSpan(node);
    if (name !== undefined && span) index.references.push({ kind, name, span });
  };
  const addRefs = (kind: SymbolKind, node: unknown) => {
    if (isSeq(node)) for (const item of node.items) addRef(kind, item);
    else addRef(kind, node);
  };
  const addKeyDefs = (kind: SymbolKind, node: unknown) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const name = scalarText(pair.key);
      const span = isScalar(pair.key) ? scalarSpan(pair.key) : undefined;
      const fullSpan = pairSpan(pair);
      if (name === undefined || !span || !fullSpan) continue;
      index.definitions.push({
        kind,
        name,
        span,
        fullSpan,
        node: isMap(pair.value) ? pair.value : undefined,
      });
    }
  };

  const walkStep = (node: unknown, parent?: string) => {
    if (!isMap(node)) return;
    const idNode = get(node, 'id');
    const id = scalarText(idNode);
    const span = isScalar(idNode) ? scalarSpan(idNode) : undefined;
    const fullSpan = nodeSpan(node);
    if (id !== undefined && span && fullSpan) {
      index.definitions.push({
        kind: 'step',
        name: id,
        span,
        fullSpan,
        detail: scalarText(get(node, 'kind')),
        parent,
        node,
      });
    }
    for (const pair of node.items) {
      const key = scalarText(pair.key);
      switch (key) {
        case 'needs':
        case 'otherwise':
          addRefs('step', pair.value);
          break;
        case 'model':
          addRef('model', pair.value);
          break;
        case 'agent':
          addRef('agent', pair.value);
          break;
        case 'tool':
          addRef('tool', pair.value);
          break;
        case 'branches':
          if (isSeq(pair.value)) {
            for (const branch of pair.value.items) if (isMap(branch)) addRefs('step', get(branch, 'then'));
          }
          break;
        case 'participants':
          if (isSeq(pair.value)) {
            for (const p of pair.value.items) if (isMap(p)) addRef('model', get(p, 'model'));
          }
          break;
        case 'judge':
          if (isMap(pair.value)) addRef('model', get(pair.value, 'model'));
          break;
        case 'steps':
          if (isSeq(pair.value)) for (const child of pair.value.items) walkStep(child, id);
          break;
        case 'step':
          walkStep(pair.value, id);
          break;
      }
    }
  };

  for (const pair of contents.items) {
    const key = scalarText(pair.key);
    if (key === 'inputs') addKeyDefs('input', pair.value);
    else if (key === 'models') addKeyDefs('model', pair.value);
    else if (key === 'tools') addKeyDefs('tool', pair.value);
    else if (key === 'agents') {
      addKeyDefs('agent', pair.value);
      if (isMap(pair.value)) {
        for (const agent of pair.value.items) {
          if (!isMap(agent.value)) continue;
          addRef('model', get(agent.value, 'model'));
          addRefs('tool', get(agent.value, 'tools'));
        }
      }
    } else if (key === 'steps' && isSeq(pair.value)) {
      for (const step of pair.value.items) walkStep(step);
    }
  }

  collectExpressions(text, contents, undefined, index.expressions);
  for (const site of index.expressions) {
    for (const ref of expressionReferences(site.text)) {
      const root = ref.path[0];
      const kind: SymbolKind | undefined =
        root === 'steps' ? 'step' : root === 'inputs' ? 'input' : undefined;
      if (!kind || ref.path.length < 2) continue;
      const segments = ref.segments.map((s) => ({
        start: site.span.start + s.start,
        end: site.span.start + s.end,
      }));
      const name = ref.path[1]!;
      const span = segments[1]!;
      // Only when the text at the span is the name itself (quoted YAML escapes can shift offsets).
      if (text.slice(span.start, span.end) !== name) continue;
      index.references.push({ kind, name, span, expression: { path: ref.path, segment: 1, segments } });
    }
  }
  return index;
}

function collectExpressions(
  text: string,
  node: unknown,
  key: string | undefined,
  out: ExpressionSite[],
): void {
  if (isMap(node)) {
    for (const pair of node.items) collectExpressions(text, pair.value, scalarText(pair.key), out);
  } else if (isSeq(node)) {
    for (const item of node.items) collectExpressions(text, item, undefined, out);
  } else if (isPair(node)) {
    collectExpressions(text, node.value, scalarText(node.key), out);
  } else if (isScalar(node) && typeof node.value === 'string' && node.range) {
    const span = scalarSpan(node)!;
    const raw = text.slice(span.start, span.end);
    if (key && CONDITION_KEYS.has(key) && !raw.includes('${{')) {
      const leading = raw.length - raw.trimStart().length;
      const trimmed = raw.trim();
      if (trimmed) {
        out.push({
          text: trimmed,
          span: { start: span.start + leading, end: span.start + leading + trimmed.length },
          condition: true,
        });
      }
      return;
    }
    for (const t of findTemplateExpressions(raw)) {
      out.push({
        text: t.expression,
        span: { start: span.start + t.start, end: span.start + t.end },
        condition: false,
      });
    }
  }
}

function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

export interface SymbolAt {
  kind: SymbolKind;
  name: string;
  span: Span;
  definition?: Definition;
  reference?: Reference;
}

/** The declared or referenced name under `offset`. */
export function symbolAt(index: WorkflowIndex, offset: number): SymbolAt | undefined {
  for (const d of index.definitions) {
    if (contains(d.span, offset)) return { kind: d.kind, name: d.name, span: d.span, definition: d };
  }
  for (const r of index.references) {
    if (contains(r.span, offset)) return { kind: r.kind, name: r.name, span: r.span, reference: r };
  }
  return undefined;
}

export function findDefinition(index: WorkflowIndex, kind: SymbolKind, name: string): Definition | undefined {
  return index.definitions.find((d) => d.kind === kind && d.name === name);
}

export function findReferences(
  index: WorkflowIndex,
  kind: SymbolKind,
  name: string,
  includeDeclaration: boolean,
): Span[] {
  const spans: Span[] = [];
  if (includeDeclaration) {
    for (const d of index.definitions) if (d.kind === kind && d.name === name) spans.push(d.span);
  }
  for (const r of index.references) if (r.kind === kind && r.name === name) spans.push(r.span);
  return spans.sort((a, b) => a.start - b.start);
}

const NAME_RULES: Record<SymbolKind, { pattern: RegExp; hint: string }> = {
  step: {
    pattern: /^[a-z][a-z0-9_]*$/,
    hint: 'step ids are lower case letters, digits and _ (^[a-z][a-z0-9_]*$)',
  },
  input: { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, hint: 'input names must be CEL identifiers' },
  model: { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/, hint: 'names are letters, digits, _ and -' },
  agent: { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/, hint: 'names are letters, digits, _ and -' },
  tool: { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/, hint: 'names are letters, digits, _ and -' },
};

export type RenameResult =
  | { ok: true; edits: Array<Span & { newText: string }> }
  | { ok: false; message: string };

export function prepareRename(index: WorkflowIndex, offset: number): SymbolAt | undefined {
  const symbol = symbolAt(index, offset);
  if (!symbol || !findDefinition(index, symbol.kind, symbol.name)) return undefined;
  return symbol;
}

/** Edits that rename the symbol under `offset` everywhere it is declared or referenced. */
export function rename(index: WorkflowIndex, offset: number, newName: string): RenameResult {
  const symbol = symbolAt(index, offset);
  if (!symbol)
    return { ok: false, message: 'Nothing to rename here: put the cursor on a step id or a name.' };
  if (!findDefinition(index, symbol.kind, symbol.name)) {
    return {
      ok: false,
      message: `\`${symbol.name}\` is not declared in this file, so it cannot be renamed.`,
    };
  }
  const rule = NAME_RULES[symbol.kind];
  if (!rule.pattern.test(newName))
    return { ok: false, message: `\`${newName}\` is not a valid name: ${rule.hint}.` };
  if (newName !== symbol.name && findDefinition(index, symbol.kind, newName)) {
    return { ok: false, message: `A ${symbol.kind} named \`${newName}\` already exists.` };
  }
  const edits = findReferences(index, symbol.kind, symbol.name, true).map((s) => ({
    ...s,
    newText: newName,
  }));
  return { ok: true, edits };
}

// ---- document symbols ----

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: 'step' | 'section' | 'model' | 'agent' | 'tool' | 'input' | 'output';
  span: Span;
  selectionSpan: Span;
  children: OutlineSymbol[];
}

export function outline(index: WorkflowIndex): OutlineSymbol[] {
  const root = rootOf(index);
  if (!root) return [];
  const symbols: OutlineSymbol[] = [];
  const byParent = new Map<string | undefined, Definition[]>();
  for (const d of index.definitions) {
    if (d.kind !== 'step') continue;
    const list = byParent.get(d.parent);
    if (list) list.push(d);
    else byParent.set(d.parent, [d]);
  }
  const stepSymbol = (d: Definition): OutlineSymbol => ({
    name: d.name,
    detail: d.detail ?? '',
    kind: 'step',
    span: d.fullSpan,
    selectionSpan: d.span,
    children: (byParent.get(d.name) ?? []).map(stepSymbol),
  });
  for (const pair of root.items) {
    const key = scalarText(pair.key);
    const keySpan = isScalar(pair.key) ? scalarSpan(pair.key) : undefined;
    const span = pairSpan(pair);
    if (!key || !keySpan || !span) continue;
    let children: OutlineSymbol[] = [];
    let kind: OutlineSymbol['kind'] = 'section';
    if (key === 'steps') {
      children = (byParent.get(undefined) ?? []).map(stepSymbol);
      kind = 'section';
    } else if (['inputs', 'models', 'agents', 'tools'].includes(key)) {
      const childKind = key.slice(0, -1) as 'input' | 'model' | 'agent' | 'tool';
      children = index.definitions
        .filter((d) => d.kind === childKind)
        .map((d) => ({
          name: d.name,
          detail: '',
          kind: childKind,
          span: d.fullSpan,
          selectionSpan: d.span,
          children: [],
        }));
    } else if (key === 'outputs' && isMap(pair.value)) {
      for (const out of pair.value.items) {
        const name = scalarText(out.key);
        const sel = isScalar(out.key) ? scalarSpan(out.key) : undefined;
        const full = pairSpan(out);
        if (name && sel && full)
          children.push({ name, detail: '', kind: 'output', span: full, selectionSpan: sel, children: [] });
      }
    } else {
      continue; // name, description, version, budget: not worth an outline entry each
    }
    symbols.push({
      name: key,
      detail: children.length ? String(children.length) : '',
      kind,
      span,
      selectionSpan: keySpan,
      children,
    });
  }
  return symbols;
}

// ---- AST path under an offset (for hovers) ----

export interface AstLocation {
  /** Keys and item indexes from the root to the node under the offset. */
  path: PathSegment[];
  /** The JS value of each map/seq on the way (depth 0 = root), for oneOf discrimination. */
  values: unknown[];
  /** Whether the offset is on a key (else on a value). */
  onKey: boolean;
  span: Span;
  /** The scalar value under the offset, when on a value. */
  scalar?: unknown;
}

export function locate(index: WorkflowIndex, offset: number): AstLocation | undefined {
  const root = rootOf(index);
  if (!root) return undefined;
  const path: PathSegment[] = [];
  const values: unknown[] = [root.toJSON()];
  let node: unknown = root;
  for (let guard = 0; guard < 64; guard++) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const s = pairSpan(p);
        return s && offset >= s.start && offset <= s.end;
      });
      if (!pair) return undefined;
      const key = scalarText(pair.key);
      if (key === undefined) return undefined;
      path.push({ key });
      const keySpan = isScalar(pair.key) ? nodeSpan(pair.key) : undefined;
      if (keySpan && contains(keySpan, offset)) return { path, values, onKey: true, span: keySpan };
      node = pair.value;
      values.push(isMap(node) || isSeq(node) ? node.toJSON() : undefined);
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => {
        const s = nodeSpan(item as Node);
        return s && offset >= s.start && offset <= s.end;
      });
      if (i < 0) return undefined;
      path.push({ item: true });
      node = node.items[i];
      values.push(isMap(node) || isSeq(node) ? (node as YAMLMap).toJSON() : undefined);
    } else if (isScalar(node)) {
      const span = nodeSpan(node)!;
      return { path, values, onKey: false, span, scalar: node.value };
    } else {
      return undefined;
    }
  }
  return undefined;
}
