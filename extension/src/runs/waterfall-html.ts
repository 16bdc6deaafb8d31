// The trace waterfall as one HTML page (no scripts; theme colours; a strict CSP). Pure.
import type { RunRecord, TraceSpan } from '../runtime-client/client.js';
import { formatDuration, waterfall } from './trace-model.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `focusSpanId`: that span's row is marked (a CodeLens click opens a step's span). */
export function waterfallHtml(run: RunRecord, cspSource: string, focusSpanId?: string): string {
  const { rows, totalMs } = waterfall((run.trace ?? []) as TraceSpan[]);
  const statusClass = (status?: string) =>
    status === 'error' || status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : '';
  const body = rows.length
    ? rows
        .map(
          (r) =>
            `<div class="row${r.skipped ? ' skipped' : ''}${r.spanId === focusSpanId ? ' focused' : ''}"${r.spanId === focusSpanId ? ' aria-current="true"' : ''}><div class="label" style="padding-left:${r.depth * 14}px" title="${escapeHtml([r.label, r.detail].filter(Boolean).join(' · '))}">${escapeHtml(r.label)} <span class="kind">${escapeHtml(r.skipped ? 'skipped' : r.kind.replace('_', ' '))}</span></div><div class="track"><div class="bar kind-${escapeHtml(r.kind)} ${statusClass(r.status)}" style="left:${r.offset.toFixed(2)}%;width:${r.width.toFixed(2)}%"></div></div><div class="dur">${escapeHtml(r.skipped ? '—' : formatDuration(r.durationMs))}</div><div class="usage">${escapeHtml(r.usage ?? '')}</div></div>`,
        )
        .join('\n')
    : '<p class="empty">No spans recorded for this run yet.</p>';
  const usage = run.usage ? ` · ${run.usage.totalTokens} tokens · $${run.usage.costUsd.toFixed(4)}` : '';
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);background:var(--vscode-editor-background);padding:8px 12px}
h2{font-weight:600;font-size:1.1em;margin:4px 0 4px} .meta{color:var(--vscode-descriptionForeground);margin:0 0 10px}
.status-succeeded{color:var(--vscode-testing-iconPassed)} .status-failed{color:var(--vscode-testing-iconFailed)} .status-running{color:var(--vscode-charts-blue)}
.error{color:var(--vscode-errorForeground)}
.head,.row{display:grid;grid-template-columns:minmax(150px,24%) minmax(120px,1fr) 64px minmax(120px,22%);align-items:center;gap:8px;min-height:22px}
.head{color:var(--vscode-descriptionForeground);font-size:.85em;border-bottom:1px solid var(--vscode-panel-border,var(--vscode-widget-border,transparent));margin-bottom:2px}
.row:hover{background:var(--vscode-list-hoverBackground)} .row.focused{background:var(--vscode-list-activeSelectionBackground);color:var(--vscode-list-activeSelectionForeground);outline:1px solid var(--vscode-focusBorder)}
.label,.usage{white-space:nowrap;overflow:hidden;text-overflow:ellipsis} .kind{color:var(--vscode-descriptionForeground);font-size:.85em}
.track{position:relative;height:12px;background:var(--vscode-editorWidget-background);border-radius:2px}
.bar{position:absolute;top:0;height:12px;min-width:2px;border-radius:2px;background:var(--vscode-charts-blue)}
.bar.kind-model_call,.bar.kind-model,.bar.kind-llm{background:var(--vscode-charts-purple)} .bar.kind-tool,.bar.kind-tool_call{background:var(--vscode-charts-orange)}
.bar.kind-run{background:var(--vscode-charts-green)} .bar.failed{background:var(--vscode-charts-red)} .bar.cancelled{background:var(--vscode-disabledForeground)}
.row.skipped .label,.row.skipped .dur{color:var(--vscode-disabledForeground)} .row.skipped .bar{opacity:.35}
.dur{text-align:right;font-variant-numeric:tabular-nums} .usage{color:var(--vscode-descriptionForeground);font-variant-numeric:tabular-nums;font-size:.9em}
.empty{color:var(--vscode-descriptionForeground)}
</style></head><body>
<h2>${escapeHtml(run.workflow)} <span class="status-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span></h2>
<p class="meta">${escapeHtml(formatDuration(totalMs || undefined))}${escapeHtml(usage)} · run ${escapeHtml(run.runId)}</p>
${run.error ? `<p class="error">${escapeHtml(run.error.code)}: ${escapeHtml(run.error.message)}</p>` : ''}
${rows.length ? '<div class="head"><div>span</div><div>timeline</div><div style="text-align:right">latency</div><div>tokens · cost</div></div>' : ''}
${body}
</body></html>`;
}
