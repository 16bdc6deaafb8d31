// Duplicate mapping keys: YAML forbids them; the last value wins, so we warn rather than refuse the file.
import { isMap, isPair, isScalar, isSeq, type Pair } from 'yaml';
import { isStableNode } from './incremental.js';
import type { ParsedWorkflow } from './parse.js';
import { rangeOf } from './positions.js';
import type { Diagnostic } from './types.js';

/** The pairs of a stable chunk node (see isStableNode) whose key repeats an earlier one, in scan order. */
const memo = new WeakMap<object, Pair[]>();

/** Pairs whose key repeats an earlier key of the same map, depth first (children of the last value first). */
function duplicatePairs(root: unknown, out: Pair[], useMemo: boolean): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (useMemo && node !== root && isStableNode(node)) {
      let pairs = memo.get(node as object);
      if (!pairs) {
        pairs = [];
        duplicatePairs(node, pairs, false);
        memo.set(node as object, pairs);
      }
      for (const pair of pairs) out.push(pair);
      continue;
    }
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (key !== undefined && seen.has(key)) out.push(pair);
        seen.add(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
}

export function duplicateKeyDiagnostics(parsed: ParsedWorkflow): Diagnostic[] {
  const pairs: Pair[] = [];
  duplicatePairs(parsed.document.contents, pairs, true);
  return pairs.map((pair) => {
    const key = (pair.key as { value: unknown }).value;
    return {
      severity: 'warning',
      code: 'yaml-syntax',
      message: `duplicate key \`${String(key)}\`; the last value wins`,
      range: rangeOf(parsed, pair.key as never),
    };
  });
}
