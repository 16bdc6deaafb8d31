import { type CheckContext, report } from './context.js';

export function checkDuplicateIds(context: CheckContext): void {
  const duplicates = context.index.duplicates;
  for (let n = 0; n < duplicates.length; n++) {
    const entry = duplicates[n]!;
    const first = context.index.byId.get(entry.id);
    if (first) {
      report(
        context,
        'duplicate-id',
        `step id \`${entry.id}\` is already used on line ${first.idRange.line}`,
        entry.idRange,
      );
    }
  }
}
