// Duplicate mapping keys: YAML forbids them; the last value wins, so we warn rather than refuse the file.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { ParsedWorkflow } from './parse.js';
import { rangeOf } from './positions.js';
import type { Diagnostic } from './types.js';

export function duplicateKeyDiagnostics(parsed: ParsedWorkflow): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: unknown[] = [parsed.document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (key !== undefined && seen.has(key)) {
          out.push({
            severity: 'warning',
            code: 'yaml-syntax',
            message: `duplicate key \`${String(key)}\`; the last value wins`,
            range: rangeOf(parsed, pair.key as never),
          });
        }
        seen.add(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return out;
}
