// The Trace view: the spans of one run as a tree (run > steps > model and tool calls).
import * as vscode from 'vscode';
import type { RunRecord } from '../runtime-client/client.js';
import { iconFor } from './status-icons.js';
import { formatDuration, type SpanNode, spanLabel, spanTree, spanUsage } from './trace-model.js';

export class TraceItem extends vscode.TreeItem {
  constructor(readonly node: SpanNode) {
    const span = node.span;
    super(
      spanLabel(span),
      node.children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    this.id = span.spanId;
    const skipped = span.attributes?.['weft.step.skipped'];
    this.description = skipped
      ? `${span.kind} · skipped (${String(skipped)})`
      : [formatDuration(node.durationMs), spanUsage(span, true)].filter(Boolean).join(' · ');
    this.iconPath = iconFor(skipped ? 'skipped' : span.endedAt ? (span.status ?? 'succeeded') : 'running');
    this.tooltip = new vscode.MarkdownString(
      [
        `**${span.name}** (${span.kind})`,
        '',
        ...Object.entries(span.attributes ?? {}).map(([k, v]) => `- \`${k}\`: ${JSON.stringify(v)}`),
      ].join('\n'),
    );
    this.contextValue = `span.${span.kind}`;
  }
}

export class TraceProvider implements vscode.TreeDataProvider<TraceItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  run: RunRecord | undefined;

  set(run: RunRecord | undefined): void {
    this.run = run;
    this.changed.fire();
  }
  getTreeItem(item: TraceItem): vscode.TreeItem {
    return item;
  }
  getChildren(parent?: TraceItem): TraceItem[] {
    if (parent) return parent.node.children.map((n) => new TraceItem(n));
    return spanTree(this.run?.trace ?? []).map((n) => new TraceItem(n));
  }
}
