// The graph as SVG markup, from the model and its layout. Pure string building (fast for 1,000s of
// nodes); colours are theme variables, so the same markup serves the page and the SVG export.
import type { GraphEdge, GraphModel, GraphNode } from '../model.js';
import type { NodeFigures } from '../protocol.js';
import type { LayoutResult } from './layout.js';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 56;
export const JOIN_WIDTH = 72;
export const JOIN_HEIGHT = 22;

export const sizeOf = (n: GraphNode) =>
  n.kind === 'join' ? { width: JOIN_WIDTH, height: JOIN_HEIGHT } : { width: NODE_WIDTH, height: NODE_HEIGHT };

const ICON: Record<string, string> = {
  llm: '✦',
  agent: '◉',
  tool: '⚙',
  decision: '◆',
  parallel: '⇉',
  map: '⟳',
  debate: '⚖',
  approval: '✋',
  workflow: '⧉',
  join: '',
};

/** The graph's stylesheet: theme variables only (resolved to values for an exported file). */
export const GRAPH_CSS = `
.node rect.box{fill:var(--vscode-editorWidget-background);stroke:var(--vscode-editorWidget-border,#8888);stroke-width:1}
.node .bar{stroke:none}
.node.kind-llm .bar{fill:var(--vscode-charts-purple)} .node.kind-agent .bar{fill:var(--vscode-charts-blue)}
.node.kind-tool .bar{fill:var(--vscode-charts-orange)} .node.kind-decision .bar{fill:var(--vscode-charts-yellow)}
.node.kind-parallel .bar,.node.kind-map .bar{fill:var(--vscode-charts-green)} .node.kind-debate .bar{fill:var(--vscode-charts-red)} .node.kind-approval .bar{fill:var(--vscode-charts-yellow)}
.node.kind-workflow .bar{fill:var(--vscode-textLink-foreground)} .node.kind-workflow text.icon{fill:var(--vscode-textLink-foreground)}
.node text{fill:var(--vscode-foreground);font-family:var(--vscode-font-family);font-size:12px}
.node text.icon{font-size:13px} .node.kind-llm text.icon{fill:var(--vscode-charts-purple)} .node.kind-agent text.icon{fill:var(--vscode-charts-blue)}
.node.kind-tool text.icon{fill:var(--vscode-charts-orange)} .node.kind-decision text.icon{fill:var(--vscode-charts-yellow)}
.node.kind-parallel text.icon,.node.kind-map text.icon{fill:var(--vscode-charts-green)} .node.kind-debate text.icon{fill:var(--vscode-charts-red)}
.node text.label{font-weight:600} .node text.detail,.node text.figures{fill:var(--vscode-descriptionForeground);font-size:11px}
.node.kind-join rect.box{fill:var(--vscode-editor-background)} .node.kind-join text{fill:var(--vscode-descriptionForeground);font-size:10px}
.node.problems rect.box{stroke:var(--vscode-editorError-foreground);stroke-width:2}
.node.problems text.badge{fill:var(--vscode-editorError-foreground);font-weight:700}
.node.status-succeeded text.figures{fill:var(--vscode-testing-iconPassed)} .node.status-failed text.figures{fill:var(--vscode-testing-iconFailed)}
.node.status-failed rect.box{stroke:var(--vscode-testing-iconFailed);stroke-width:2}
.node.status-running rect.box{stroke:var(--vscode-charts-blue);stroke-width:3}
.node.status-skipped{opacity:.55}
.node.highlighted rect.box{stroke:var(--vscode-focusBorder);stroke-width:3}
.node:focus{outline:none} .node:focus rect.box{stroke:var(--vscode-focusBorder);stroke-width:2;stroke-dasharray:4 2}
.edge{fill:none;stroke:var(--vscode-descriptionForeground);stroke-width:1.2;opacity:.8}
.edge.kind-branch{stroke:var(--vscode-charts-yellow)} .edge.kind-otherwise{stroke:var(--vscode-charts-yellow);stroke-dasharray:5 3}
.edge.kind-fanout,.edge.kind-join,.edge.kind-each{stroke:var(--vscode-charts-green)}
.arrow{fill:var(--vscode-descriptionForeground)}
.edge-label{fill:var(--vscode-descriptionForeground);font-family:var(--vscode-font-family);font-size:10px}
.edge-label.kind-otherwise{font-style:italic}
`;

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function nodeMarkup(
  n: GraphNode,
  at: { x: number; y: number },
  figures: NodeFigures[string] | undefined,
  highlighted: boolean,
): string {
  const { width, height } = sizeOf(n);
  const x = at.x - width / 2;
  const y = at.y - height / 2;
  const classes = [
    'node',
    `kind-${n.kind}`,
    n.problems ? 'problems' : '',
    figures ? `status-${figures.status}` : '',
    highlighted ? 'highlighted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const problems = n.problems
    ? `${n.problems.errors} error${n.problems.errors === 1 ? '' : 's'}, ${n.problems.warnings} warning${n.problems.warnings === 1 ? '' : 's'}: ${n.problems.first}`
    : '';
  const aria = [
    `${n.kind === 'join' ? 'join of' : `${n.kind} step`} ${n.kind === 'join' ? n.step : n.label}`,
    n.kind === 'join' ? '' : n.detail,
    figures?.text ?? '',
    problems,
  ]
    .filter(Boolean)
    .join('; ');
  if (n.kind === 'join')
    return `<g class="${classes}" data-id="${esc(n.id)}" transform="translate(${x.toFixed(1)},${y.toFixed(1)})" tabindex="0" role="button" aria-label="${esc(aria)}"><rect class="box" rx="11" width="${width}" height="${height}"/><text x="${width / 2}" y="15" text-anchor="middle">${esc(n.label)}</text><title>${esc(aria)}</title></g>`;
  const detail =
    figures?.items !== undefined && n.kind === 'map' ? `${figures.items} items · ${n.detail}` : n.detail;
  return `<g class="${classes}" data-id="${esc(n.id)}" transform="translate(${x.toFixed(1)},${y.toFixed(1)})" tabindex="0" role="button" aria-label="${esc(aria)}"><rect class="box" rx="5" width="${width}" height="${height}"/><rect class="bar" width="4" height="${height}" rx="2"/><text class="icon" x="12" y="19">${ICON[n.kind] ?? ''}</text><text class="label" x="30" y="19">${esc(clip(n.label, 22))}</text>${n.problems ? `<text class="badge" x="${width - 16}" y="19">!</text>` : ''}<text class="detail" x="12" y="35">${esc(clip(detail, 32))}</text>${figures ? `<text class="figures" x="12" y="50">${esc(clip(figures.text, 34))}</text>` : n.condition ? `<text class="detail" x="12" y="50">if ${esc(clip(n.condition, 28))}</text>` : ''}<title>${esc(aria)}</title></g>`;
}

function edgeMarkup(e: GraphEdge, route: LayoutResult['edges'][string] | undefined): string {
  if (!route || route.points.length < 2) return '';
  const d = `M${route.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('L')}`;
  const label =
    e.label && route.label
      ? `<text class="edge-label kind-${e.kind}" x="${route.label.x.toFixed(1)}" y="${(route.label.y + 4).toFixed(1)}" text-anchor="middle">${esc(clip(e.label, 36))}</text>`
      : '';
  return `<path class="edge kind-${e.kind}" d="${d}" marker-end="url(#arrow)"><title>${esc(`${e.from} → ${e.to}${e.label ? `: ${e.label}` : ''}`)}</title></path>${label}`;
}

/** The inner markup of the graph's <svg>: arrow marker, edges, then nodes. */
export function graphMarkup(
  model: GraphModel,
  laid: LayoutResult,
  figures: NodeFigures | undefined,
  highlight: string | undefined,
  /** Filled with each node's markup, by id. */
  nodeMarkups?: Map<string, string>,
): string {
  const parts = [
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0L10,5L0,10z"/></marker></defs>',
    '<g class="edges">',
  ];
  for (const e of model.edges) parts.push(edgeMarkup(e, laid.edges[e.id]));
  parts.push('</g><g class="nodes">');
  for (const n of model.nodes) {
    const at = laid.nodes[n.id];
    if (!at) continue;
    const markup = nodeMarkup(n, at, figures?.[n.id], highlight === n.id);
    nodeMarkups?.set(n.id, markup);
    parts.push(markup);
  }
  parts.push('</g>');
  return parts.join('');
}

/** What decides the layout: node ids and kinds, edges and their labels. Same key, same layout. */
export function layoutKey(model: GraphModel): string {
  return `${model.nodes.map((n) => `${n.id}:${n.kind}`).join(',')}|${model.edges.map((e) => `${e.id}:${e.label ?? ''}`).join(',')}`;
}

/** A standalone SVG file: the markup with the theme's colours resolved. */
export function standaloneSvg(
  inner: string,
  width: number,
  height: number,
  resolve: (name: string) => string,
): string {
  const css = GRAPH_CSS.replace(/var\((--[\w-]+)(?:,([^)]*))?\)/g, (_, name: string, fallback?: string) => {
    const value = resolve(name).trim();
    return value || (fallback ?? '').trim() || '#888';
  });
  const background = resolve('--vscode-editor-background').trim() || '#1e1e1e';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}"><style>${css}</style><rect width="100%" height="100%" fill="${background}"/>${inner}</svg>\n`;
}
