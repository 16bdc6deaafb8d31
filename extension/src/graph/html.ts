// The graph webview's page: a strict CSP (one nonce'd script, the layout worker from a blob: URL,
// no network), theme colours, a toolbar with labelled buttons. Pure.

export function graphHtml(options: {
  scriptUri: string;
  cspSource: string;
  nonce: string;
  title: string;
}): string {
  const { scriptUri, cspSource, nonce, title } = options;
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}'; worker-src blob:; img-src ${cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
html,body{height:100%;margin:0;padding:0;overflow:hidden}
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);background:var(--vscode-editor-background);display:flex;flex-direction:column}
#toolbar{display:flex;gap:4px;align-items:center;padding:4px 8px;border-bottom:1px solid var(--vscode-panel-border,transparent)}
#toolbar button{background:var(--vscode-button-secondaryBackground);color:var(--vscode-button-secondaryForeground);border:none;padding:2px 8px;border-radius:2px;cursor:pointer;font:inherit;white-space:nowrap}
#toolbar button:hover{background:var(--vscode-button-secondaryHoverBackground)}
#toolbar button:focus-visible{outline:1px solid var(--vscode-focusBorder);outline-offset:1px}
#status{margin-left:8px;color:var(--vscode-descriptionForeground);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#stage{position:relative;flex:1;min-height:0}
#graph{width:100%;height:100%;display:block;cursor:grab;user-select:none}
#minimap{position:absolute;right:10px;bottom:10px;width:150px;height:190px;background:var(--vscode-editorWidget-background);border:1px solid var(--vscode-editorWidget-border,transparent);opacity:.92;cursor:pointer}
#minimap .mini{fill:var(--vscode-descriptionForeground);opacity:.6} #minimap .mini.problems,#minimap .mini.status-failed{fill:var(--vscode-editorError-foreground);opacity:1}
#minimap .mini.status-succeeded{fill:var(--vscode-testing-iconPassed)} #minimap .mini.status-running{fill:var(--vscode-charts-blue);opacity:1}
#minimap .window{fill:var(--vscode-focusBorder);fill-opacity:.15;stroke:var(--vscode-focusBorder);stroke-width:2%;vector-effect:non-scaling-stroke}
.help{position:absolute;left:-9999px}
</style></head><body>
<div id="toolbar" role="toolbar" aria-label="Workflow graph">
<button data-command="fit" title="Fit to view (0)" aria-label="Fit to view">Fit</button>
<button data-command="zoomIn" title="Zoom in (+)" aria-label="Zoom in">+</button>
<button data-command="zoomOut" title="Zoom out (-)" aria-label="Zoom out">−</button>
<button data-command="export" title="Export the graph as an SVG file" aria-label="Export to SVG">Export SVG</button>
<span id="status" role="status" aria-live="polite">Checking the workflow…</span>
</div>
<div id="stage">
<svg id="graph" role="group" aria-label="${esc(title)}" aria-describedby="help"><g id="viewport"></g></svg>
<svg id="minimap" style="display:none" aria-hidden="true" preserveAspectRatio="xMidYMid meet"></svg>
<p id="help" class="help">Tab to a step, arrow keys to move between steps, Enter to show it in the YAML; plus and minus zoom, 0 fits. Drag to pan, Ctrl+wheel to zoom.</p>
</div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body></html>`;
}
