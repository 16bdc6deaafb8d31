// Run events -> progress lines for stderr. Pure: the caller writes the lines.

import type { Usage } from '../../engine/journal.js';
import type { RunEvent } from '../../engines/embedded/index.js';

export function formatUsage(usage: Usage): string {
  const cost = usage.costUsd > 0 ? ` · $${usage.costUsd.toFixed(usage.costUsd < 0.01 ? 5 : 3)}` : '';
  return `${usage.totalTokens} tokens${cost}`;
}

export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

const SKIP_REASONS: Record<string, string> = {
  if_false: 'its `if` is false',
  branch_not_taken: 'its branch was not taken',
  dependencies_skipped: 'all its dependencies were skipped',
};

/** Turns each event into zero or one line; keeps the start times it needs to show step durations. */
export class ProgressFormatter {
  private readonly startedAt = new Map<string, number>();
  private width = 16;

  constructor(private readonly color: boolean) {}

  private paint(code: number, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private name(key: string): string {
    this.width = Math.max(this.width, key.length);
    return key.padEnd(this.width);
  }

  line(event: RunEvent): string | undefined {
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'run_started':
        return `${this.paint(1, `▶ ${event.workflow}`)} run ${event.runId}`;
      case 'run_resumed':
        return `${this.paint(33, '↻ resuming')} from the journal: finished steps are not run again`;
      case 'step_started':
        this.startedAt.set(event.key, at);
        return `  ${this.paint(36, '…')} ${this.name(event.key)} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
      case 'step_completed': {
        const began = this.startedAt.get(event.key);
        const took = began === undefined ? '' : formatSeconds(at - began).padStart(7);
        const usage = event.usage.totalTokens > 0 ? `  ${formatUsage(event.usage)}` : '';
        return `  ${this.paint(32, '✓')} ${this.name(event.key)} ${took}${usage}`;
      }
      case 'step_failed':
        return `  ${this.paint(31, '✗')} ${this.name(event.key)} attempt ${event.attempt} failed: ${event.error.code}: ${event.error.message}`;
      case 'step_skipped':
        return `  ${this.paint(90, '–')} ${this.name(event.key)} skipped: ${SKIP_REASONS[event.reason] ?? event.reason}`;
      case 'decision_made':
        return `  ${this.paint(35, '◆')} ${this.name(event.key)} chose ${event.branch === 'otherwise' ? 'otherwise' : `branch ${event.branch}`}`;
      case 'warning':
        return `  ${this.paint(33, '!')} ${event.message}`;
      case 'approval_requested':
        this.startedAt.set(event.key, at);
        return `  ${this.paint(33, '⏸')} ${this.name(event.key)} waits for a decision (${event.decisions.join(' | ')}): ${event.prompt}`;
      case 'approval_decided':
        return `  ${this.paint(32, '✓')} ${this.name(event.key)} ${event.decision} by ${event.by}${event.timedOut ? ' (timeout)' : ''}${event.comment ? `: ${event.comment}` : ''}`;
      case 'cancel_requested':
        return `  ${this.paint(33, '■')} cancelling${event.reason ? `: ${event.reason}` : ''}`;
      default:
        return undefined;
    }
  }
}
