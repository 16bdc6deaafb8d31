// The graph webview: draws the model the host sends (layout in a web worker), zoom and pan, fit,
// a minimap for large graphs, keyboard access, export to SVG; reports what it drew back to the host.
import type { GraphModel } from '../model.js';
import type { FromWebview, GraphReport, NodeFigures, ToWebview } from '../protocol.js';
import { GRAPH_CSS, graphMarkup, layoutKey, sizeOf, standaloneSvg } from './draw.js';
import type { LayoutRequest, LayoutResult } from './layout.js';

declare const acquireVsCodeApi: () => { postMessage(message: FromWebview): void };
/** The layout worker's bundle, inlined by the build (a worker must come from a blob: URL here). */
declare const WEFT_LAYOUT_WORKER: string;

const host = acquireVsCodeApi();
const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const svg = $<SVGSVGElement>('#graph');
const viewport = $<SVGGElement>('#viewport');
const minimap = $<SVGSVGElement>('#minimap');
const status = $<HTMLElement>('#status');
document.head.insertAdjacentHTML('beforeend', `<style>${GRAPH_CSS}</style>`);

const MINIMAP_FROM = 30;

let model: GraphModel | undefined;
let laid: LayoutResult | undefined;
let figures: NodeFigures | undefined;
let runLabel: string | undefined;
let highlight: string | undefined;
const view = { scale: 1, x: 0, y: 0 };
let placed = false;
/** Set once the user zoomed or panned: resizing then keeps their view instead of fitting again. */
let moved = false;
/** The host clock value of the model shown (reports carry it: the host times model -> drawn). */
let modelSentAt = 0;
let pending: { key: string; sentAt: number; t0: number } | undefined;

const worker = new Worker(URL.createObjectURL(new Blob([WEFT_LAYOUT_WORKER], { type: 'text/javascript' })));
worker.onmessage = (event: MessageEvent<LayoutResult & { error?: string }>) => {
  const result = event.data;
  if (!pending || result.key !== pending.key) return; // superseded by a newer model
  if (result.error) {
    host.postMessage({ type: 'error', message: `layout failed: ${result.error}` });
    status.textContent = 'Layout failed (see the Weft output).';
    return;
  }
  laid = result;
  const { sentAt, t0 } = pending;
  pending = undefined;
  draw(sentAt, false, result.ms, t0);
};

function requestLayout(sentAt: number): void {
  if (!model) return;
  const key = layoutKey(model);
  if (laid && laid.key === key) {
    draw(sentAt, true, 0, performance.now());
    return;
  }
  const request: LayoutRequest = {
    key,
    nodes: groupedNodes(model),
    edges: model.edges.map((e) => ({ id: e.id, from: e.from, to: e.to, label: e.label })),
  };
  pending = { key, sentAt, t0: performance.now() };
  status.textContent = `Laying out ${model.nodes.length} nodes…`;
  worker.postMessage(request);
}

/** Each node with its size and its top-level step's index (nested steps and joins follow their step). */
function groupedNodes(graph: GraphModel): LayoutRequest['nodes'] {
  let group = -1;
  return graph.nodes.map((n) => {
    if (!n.parent && n.kind !== 'join') group++;
    return { id: n.id, ...sizeOf(n), group };
  });
}

function draw(sentAt: number, reused: boolean, layoutMs: number, t0: number): void {
  if (!model || !laid) return;
  const r0 = performance.now();
  viewport.innerHTML = graphMarkup(model, laid, figures, highlight);
  if (!placed) {
    placed = true;
    fitView(true);
  } else applyView();
  drawMinimap();
  const steps = model.nodes.filter((n) => n.kind !== 'join').length;
  const problems = model.nodes.filter((n) => n.problems).length;
  status.textContent = [
    `${model.workflow}: ${steps} step${steps === 1 ? '' : 's'}`,
    problems ? `${problems} with problems` : '',
    runLabel ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  const renderMs = performance.now() - r0;
  requestAnimationFrame(() =>
    report(sentAt, reused, layoutMs || performance.now() - t0 - renderMs, renderMs),
  );
}

function report(_sentAt: number, layoutReused: boolean, layoutMs: number, renderMs: number): void {
  if (!model || !laid) return;
  const positions = laid.nodes;
  const out: GraphReport = {
    workflow: model.workflow,
    nodes: model.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.label,
      x: Math.round(positions[n.id]?.x ?? 0),
      y: Math.round(positions[n.id]?.y ?? 0),
      highlighted: n.id === highlight,
      ...(figures?.[n.id] ? { status: figures[n.id]!.status, figures: figures[n.id]!.text } : {}),
      ...(n.problems ? { problems: true } : {}),
    })),
    edges: model.edges.map((e) => ({
      from: e.from,
      to: e.to,
      kind: e.kind,
      ...(e.label ? { label: e.label } : {}),
    })),
    highlighted: highlight,
    runLabel,
    layoutReused,
    layoutMs,
    renderMs,
    sentAt: modelSentAt,
    minimap: minimapShown,
    scale: view.scale,
  };
  host.postMessage({ type: 'rendered', report: out });
}

// ---- zoom, pan, fit ----

function applyView(): void {
  viewport.setAttribute(
    'transform',
    `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.scale.toFixed(4)})`,
  );
  updateMinimapWindow();
}

/** Fits the whole graph; a graph too tall to read that way starts at the top at a readable scale. */
function fitView(initial = false): void {
  if (!laid) return;
  const { width, height } = svg.getBoundingClientRect();
  const scale = Math.min(
    1.5,
    (width - 16) / Math.max(1, laid.width),
    (height - 16) / Math.max(1, laid.height),
  );
  if (initial && scale < 0.45) {
    view.scale = Math.min(1, (width - 16) / Math.max(1, laid.width));
    view.scale = Math.max(view.scale, 0.6);
    view.x = (width - laid.width * view.scale) / 2;
    view.y = 8;
  } else {
    view.scale = scale;
    view.x = (width - laid.width * scale) / 2;
    view.y = (height - laid.height * scale) / 2;
  }
  applyView();
}

function zoom(factor: number, cx?: number, cy?: number): void {
  moved = true;
  const rect = svg.getBoundingClientRect();
  const px = cx ?? rect.width / 2;
  const py = cy ?? rect.height / 2;
  const scale = Math.min(4, Math.max(0.02, view.scale * factor));
  view.x = px - ((px - view.x) * scale) / view.scale;
  view.y = py - ((py - view.y) * scale) / view.scale;
  view.scale = scale;
  applyView();
}

/** Pans so that a node is in view (only when it is not). */
function reveal(id: string): void {
  const at = laid?.nodes[id];
  if (!at) return;
  const { width, height } = svg.getBoundingClientRect();
  const sx = at.x * view.scale + view.x;
  const sy = at.y * view.scale + view.y;
  if (sx > 40 && sx < width - 40 && sy > 30 && sy < height - 30) return;
  view.x = width / 2 - at.x * view.scale;
  view.y = height / 2 - at.y * view.scale;
  applyView();
}

svg.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const rect = svg.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) zoom(Math.exp(-e.deltaY / 300), e.clientX - rect.left, e.clientY - rect.top);
    else {
      moved = true;
      view.x -= e.deltaX;
      view.y -= e.deltaY;
      applyView();
    }
  },
  { passive: false },
);

let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | undefined;
svg.addEventListener('pointerdown', (e) => {
  drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
});
svg.addEventListener('pointermove', (e) => {
  if (!drag || !(e.buttons & 1)) return;
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
  if (!drag.moved) svg.setPointerCapture(e.pointerId);
  drag.moved = true;
  moved = true;
  view.x = drag.vx + dx;
  view.y = drag.vy + dy;
  applyView();
});
svg.addEventListener('pointerup', () => {
  setTimeout(() => (drag = undefined));
});

// ---- selecting nodes: click, keyboard ----

function nodeOf(target: EventTarget | null): SVGGElement | undefined {
  return ((target as Element | null)?.closest?.('.node') as SVGGElement | null) ?? undefined;
}

function select(id: string): void {
  const node = model?.nodes.find((n) => n.id === id);
  if (!node) return;
  setHighlight(node.id);
  host.postMessage({ type: 'select', id: node.step });
}

svg.addEventListener('click', (e) => {
  if (drag?.moved) return;
  const node = nodeOf(e.target);
  if (node?.dataset.id) select(node.dataset.id);
});

/** The nearest node from `id` in a direction (arrow keys move between nodes). */
function neighbour(id: string, dx: number, dy: number): string | undefined {
  const from = laid?.nodes[id];
  if (!from || !laid) return undefined;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const [other, at] of Object.entries(laid.nodes)) {
    if (other === id) continue;
    const vx = at.x - from.x;
    const vy = at.y - from.y;
    const along = vx * dx + vy * dy;
    if (along <= 0) continue;
    const across = Math.abs(vx * dy - vy * dx);
    const score = along + across * 2;
    if (score < bestScore) {
      bestScore = score;
      best = other;
    }
  }
  return best;
}

function focusNode(id: string): void {
  reveal(id);
  (viewport.querySelector(`.node[data-id="${CSS.escape(id)}"]`) as SVGGElement | null)?.focus();
}

document.addEventListener('keydown', (e) => {
  const node = nodeOf(document.activeElement);
  const id = node?.dataset.id;
  const arrows: Record<string, [number, number]> = {
    ArrowDown: [0, 1],
    ArrowUp: [0, -1],
    ArrowLeft: [-1, 0],
    ArrowRight: [1, 0],
  };
  if (id && arrows[e.key]) {
    const next = neighbour(id, ...arrows[e.key]!);
    if (next) focusNode(next);
    e.preventDefault();
  } else if (id && (e.key === 'Enter' || e.key === ' ')) {
    select(id);
    e.preventDefault();
  } else if (e.key === '+' || e.key === '=') zoom(1.25);
  else if (e.key === '-') zoom(0.8);
  else if (e.key === '0') fitView();
  else if (!id && e.key === 'ArrowDown' && model?.nodes[0]) focusNode(model.nodes[0].id);
});

function setHighlight(id: string | undefined): void {
  if (highlight === id) return;
  viewport.querySelector('.node.highlighted')?.classList.remove('highlighted');
  highlight = id;
  if (id) {
    viewport.querySelector(`.node[data-id="${CSS.escape(id)}"]`)?.classList.add('highlighted');
    reveal(id);
  }
}

// ---- minimap ----

let minimapShown = false;
function showMinimap(on: boolean): void {
  minimapShown = on;
  minimap.style.display = on ? 'block' : 'none';
}

function drawMinimap(): void {
  if (!model || !laid || model.nodes.length < MINIMAP_FROM) {
    showMinimap(false);
    return;
  }
  showMinimap(true);
  minimap.setAttribute('viewBox', `0 0 ${laid.width.toFixed(0)} ${laid.height.toFixed(0)}`);
  const rects = model.nodes
    .map((n) => {
      const at = laid!.nodes[n.id];
      if (!at) return '';
      const { width, height } = sizeOf(n);
      return `<rect class="mini kind-${n.kind}${n.problems ? ' problems' : ''}${figures?.[n.id] ? ` status-${figures[n.id]!.status}` : ''}" x="${(at.x - width / 2).toFixed(0)}" y="${(at.y - height / 2).toFixed(0)}" width="${width}" height="${height}"/>`;
    })
    .join('');
  minimap.innerHTML = `${rects}<rect id="window" class="window"/>`;
  updateMinimapWindow();
}

function updateMinimapWindow(): void {
  const win = minimap.querySelector('#window');
  if (!win || !minimapShown) return;
  const { width, height } = svg.getBoundingClientRect();
  win.setAttribute('x', (-view.x / view.scale).toFixed(0));
  win.setAttribute('y', (-view.y / view.scale).toFixed(0));
  win.setAttribute('width', (width / view.scale).toFixed(0));
  win.setAttribute('height', (height / view.scale).toFixed(0));
}

minimap.addEventListener('pointerdown', (e) => {
  if (!laid) return;
  const go = (ev: PointerEvent) => {
    const rect = minimap.getBoundingClientRect();
    // the minimap keeps the graph's aspect ratio (xMidYMid meet): map back through the same fit
    const k = Math.min(rect.width / laid!.width, rect.height / laid!.height);
    const gx = (ev.clientX - rect.left - (rect.width - laid!.width * k) / 2) / k;
    const gy = (ev.clientY - rect.top - (rect.height - laid!.height * k) / 2) / k;
    const box = svg.getBoundingClientRect();
    view.x = box.width / 2 - gx * view.scale;
    view.y = box.height / 2 - gy * view.scale;
    applyView();
  };
  go(e);
  minimap.setPointerCapture(e.pointerId);
  minimap.onpointermove = (ev) => ev.buttons & 1 && go(ev);
});

// ---- export ----

function exportSvg(): void {
  if (!model || !laid) return;
  const style = getComputedStyle(document.documentElement);
  const inner = graphMarkup(model, laid, figures, undefined);
  host.postMessage({
    type: 'export',
    svg: standaloneSvg(inner, laid.width, laid.height, (name) => style.getPropertyValue(name)),
  });
}

const commands: Record<string, () => void> = {
  fit: () => fitView(),
  zoomIn: () => zoom(1.25),
  zoomOut: () => zoom(0.8),
  export: exportSvg,
};
document.querySelectorAll<HTMLButtonElement>('button[data-command]').forEach((button) => {
  button.addEventListener('click', () => commands[button.dataset.command!]?.());
});

window.addEventListener('resize', () => (moved ? updateMinimapWindow() : fitView(true)));

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'model':
      model = message.model;
      modelSentAt = message.sentAt;
      if (message.figures) figures = message.figures;
      if (message.runLabel) runLabel = message.runLabel;
      if ('highlight' in message) highlight = message.highlight;
      requestLayout(message.sentAt);
      break;
    case 'highlight':
      setHighlight(message.id);
      if (model && laid && !pending) report(0, true, 0, 0);
      break;
    case 'figures':
      figures = message.figures;
      runLabel = message.runLabel;
      if (laid && !pending) draw(0, true, 0, performance.now());
      break;
    case 'click':
      viewport
        .querySelector(`.node[data-id="${CSS.escape(message.id)}"]`)
        ?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      break;
    case 'command':
      commands[message.command]?.();
      break;
  }
});

host.postMessage({ type: 'ready' });
