// The Runs view: the runs of the configured runtime, newest first, optionally filtered.
import * as vscode from 'vscode';
import { pendingApprovals, type RunRecord } from '../runtime-client/client.js';
import { iconFor } from './status-icons.js';
import { formatDuration } from './trace-model.js';

export interface RunFilter {
  workflow?: string;
  status?: string;
}

export function describeFilter(filter: RunFilter): string | undefined {
  const parts = [filter.workflow, filter.status].filter(Boolean);
  return parts.length ? `filter: ${parts.join(', ')}` : undefined;
}

export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunRecord) {
    super(`${run.workflow}`, vscode.TreeItemCollapsibleState.None);
    const started = run.startedAt ? new Date(run.startedAt) : undefined;
    const duration =
      run.startedAt && run.endedAt
        ? formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt))
        : undefined;
    this.id = run.runId;
    const tokens = run.usage?.totalTokens ? `${run.usage.totalTokens} tokens` : undefined;
    // the status first (the icon's colour is not the only cue); the start time is in the tooltip
    const waiting = pendingApprovals(run);
    const status = waiting.length > 0 ? `waiting for ${waiting.map((a) => a.step).join(', ')}` : run.status;
    this.description = [status, duration, tokens].filter(Boolean).join(' · ');
    this.iconPath = waiting.length > 0 ? new vscode.ThemeIcon('bell-dot') : iconFor(run.status);
    this.contextValue = waiting.length > 0 ? `run.${run.status}.waiting` : `run.${run.status}`;
    const usage = run.usage ? `\n${run.usage.totalTokens} tokens, $${run.usage.costUsd.toFixed(4)}` : '';
    const error = run.error ? `\n${run.error.code}: ${run.error.message}` : '';
    this.tooltip = `${run.runId}\n${run.status}${started ? ` · started ${started.toLocaleString()}` : ''}${usage}${error}`;
    this.command = { command: 'weft.showTrace', title: 'Show Trace', arguments: [this] };
  }
}

export class RunsProvider implements vscode.TreeDataProvider<RunItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  runs: RunRecord[] = [];
  message: string | undefined;

  set(runs: RunRecord[]): void {
    // lists carry summaries: a run's approvals (from its full record) stay until the run is read again
    const before = new Map(this.runs.map((r) => [r.runId, r]));
    this.runs = runs.map((run) => {
      const approvals = before.get(run.runId)?.approvals;
      return approvals && !run.approvals && run.status === 'running' ? { ...run, approvals } : run;
    });
    this.changed.fire();
  }
  upsert(run: RunRecord, filter: RunFilter = {}): void {
    const i = this.runs.findIndex((r) => r.runId === run.runId);
    if (i >= 0) this.runs[i] = { ...this.runs[i], ...run };
    else if (
      (!filter.workflow || filter.workflow === run.workflow) &&
      (!filter.status || filter.status === run.status)
    )
      this.runs.unshift(run);
    this.changed.fire();
  }
  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }
  getChildren(): RunItem[] {
    return this.runs.map((r) => new RunItem(r));
  }
}
