import { type CheckContext, report } from './context.js';

export function checkDuplicateIds(context: CheckContext): void {
  const all = context.index.all;
  for (let n = 0; n < all.length; n++) {
    const entry = all[n]!;
    const first = context.index.byId.get(entry.id);
    if (first && first !== entry) {
      report(
        context,
        'duplicate-id',
        `step id \`${entry.id}\` is already used on line ${first.idRange.line}`,
        entry.idRange,
      );
    }
  }
}
