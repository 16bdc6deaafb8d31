// Approval steps: the decision on timeout is one of the allowed decisions.
import type { Node } from 'yaml';
import { locateFrom, rangeOf } from '../positions.js';
import { didYouMean } from '../suggest.js';
import { type CheckContext, report } from './context.js';

export function checkApprovals(context: CheckContext): void {
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const entry = all[n]!;
    if (entry.kind !== 'approval') continue;
    const spec = context.specs[entry.order];
    if (spec?.kind !== 'approval') continue;
    const onTimeout = entry.value.on_timeout;
    if (typeof onTimeout !== 'string') continue;
    const located = locateFrom(context.parsed, entry.located, 'on_timeout');
    const range = rangeOf(context.parsed, located.node as Node);
    if (!spec.decisions.includes(onTimeout)) {
      report(
        context,
        'unknown-decision',
        `on_timeout \`${onTimeout}\` is not one of this step's decisions (${spec.decisions.join(', ')})${didYouMean(onTimeout, spec.decisions)}`,
        range,
      );
    } else if (spec.timeoutMs === undefined) {
      report(
        context,
        'unused-on-timeout',
        'on_timeout has no effect without `timeout`: add `timeout` (such as 24h) or remove on_timeout',
        range,
        'warning',
      );
    }
  }
}
