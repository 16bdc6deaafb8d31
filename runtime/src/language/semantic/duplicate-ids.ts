import { type CheckContext, report } from './context.js';

export function checkDuplicateIds(context: CheckContext): void {
  for (const entry of context.index.all) {
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
