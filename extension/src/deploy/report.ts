// What a deploy says in VS Code: the checklist's progress line, the diff document, the failure message
// with the command that fixes it. Pure.
import type { CheckResult, CloudRunResult } from './runtime.js';

export interface ChecklistItem {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** The number of preflight items for a profile: credentials, each API, the repository, each secret. */
export function checklistSize(apis: number, secrets: number): number {
  return 1 + apis + 1 + secrets;
}

export function progressLine(item: ChecklistItem, done: number, total: number): string {
  return `preflight ${done}/${total}: ${item.ok ? '✓' : '✗'} ${item.name}`;
}

export function checklistText(items: ChecklistItem[]): string[] {
  return items.map((i) => `${i.ok ? '✓' : '✗'} ${i.name}: ${i.detail}${i.fix ? `\n    fix: ${i.fix}` : ''}`);
}

export interface DiffHeader {
  service: string;
  project: string;
  region: string;
  image: string;
  previewTag?: string;
  creating: boolean;
}

/** The read-only document shown before applying: what changes, what is kept. */
export function diffDocument(header: DiffHeader, diff: string[]): string {
  const where = `${header.service} in ${header.project}/${header.region}`;
  return [
    header.creating ? `# Weft: create ${where}` : `# Weft: update ${where}`,
    `# image ${header.image}${header.previewTag ? ` (preview revision, tag ${header.previewTag}, no traffic)` : ''}`,
    '#   + added   ~ changed   = kept (already on the service, not in weft.deploy.yaml: never removed)',
    '',
    ...diff,
    '',
  ].join('\n');
}

export interface Failure {
  message: string;
  /** shell commands that fix it, one a line, for "Copy command" */
  fix?: string;
}

/** The message for a failed deploy: the first failed item and its fix, with a count of the others. */
export function failureMessage(service: string, result: CloudRunResult): Failure {
  const failed: CheckResult[] = result.failedChecks ?? [];
  if (failed.length > 0) {
    const [first] = failed as [CheckResult];
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more: see Weft Deploy)` : '';
    const fixes = failed.map((c) => c.fix).filter((f): f is string => Boolean(f));
    return {
      message: `Weft: preflight for ${service} failed: ${first.name}: ${first.detail}${more}.${first.fix ? ` Fix: ${first.fix}` : ''}`,
      fix: fixes.length > 0 ? [...new Set(fixes)].join('\n') : undefined,
    };
  }
  const text = result.failures[0] ?? 'unknown failure';
  const fix = /\((?:fix|logs): ([^)]*)\)\s*$/.exec(text)?.[1];
  return { message: `Weft: deploying ${service} failed: ${text}`, fix };
}
