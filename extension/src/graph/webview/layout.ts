// Layered layout of the graph with dagre (run in a web worker by the webview). Pure.
import dagre from '@dagrejs/dagre';

export interface LayoutRequest {
  key: string;
  /** `group`: the band a node belongs to (consecutive top-level steps); large graphs are laid out band by band. */
  nodes: Array<{ id: string; width: number; height: number; group?: number }>;
  edges: Array<{ id: string; from: string; to: string; label?: string }>;
}

export interface LayoutResult {
  key: string;
  width: number;
  height: number;
  /** Node centres. */
  nodes: Record<string, { x: number; y: number }>;
  edges: Record<string, { points: Array<{ x: number; y: number }>; label?: { x: number; y: number } }>;
  ms: number;
}

/** Above this many nodes edge labels are placed on their edge instead of reserving room (much faster). */
export const LABEL_ROOM_LIMIT = 300;
/** Nodes per band: larger graphs are laid out as bands of consecutive steps, stacked top to bottom. */
export const BAND_NODES = 160;
const BAND_GAP = 48;

/**
 * Lays out the graph top to bottom. Up to BAND_NODES nodes: one dagre layout. Larger: the nodes are
 * cut into bands of consecutive groups (top-level steps with what they contain), each band is laid
 * out by dagre and the bands are stacked; an edge between bands is a straight line. dagre's cost
 * grows faster than linearly and its recursion is as deep as the graph is long (a worker's stack
 * overflows on 1,000 chained steps), so bands keep both bounded.
 */
export function layout(request: LayoutRequest): LayoutResult {
  const t0 = performance.now();
  if (request.nodes.length <= BAND_NODES || request.nodes.some((n) => n.group === undefined)) {
    return { ...layoutOne(request), ms: performance.now() - t0 };
  }
  const bands: LayoutRequest[] = [];
  const bandOf = new Map<string, number>();
  let current: LayoutRequest | undefined;
  let lastGroup: number | undefined;
  for (const n of request.nodes) {
    if (!current || (n.group !== lastGroup && current.nodes.length >= BAND_NODES)) {
      current = { key: '', nodes: [], edges: [] };
      bands.push(current);
    }
    lastGroup = n.group;
    current.nodes.push(n);
    bandOf.set(n.id, bands.length - 1);
  }
  const across: LayoutRequest['edges'] = [];
  for (const e of request.edges) {
    const a = bandOf.get(e.from);
    if (a !== undefined && a === bandOf.get(e.to)) bands[a]!.edges.push(e);
    else across.push(e);
  }
  const laid = bands.map((b) => layoutOne(b));
  const width = Math.max(...laid.map((l) => l.width));
  const out: Omit<LayoutResult, 'ms'> = { key: request.key, width, height: 0, nodes: {}, edges: {} };
  let y = 0;
  for (const l of laid) {
    const dx = (width - l.width) / 2;
    const move = (p: { x: number; y: number }) => ({ x: p.x + dx, y: p.y + y });
    for (const [id, p] of Object.entries(l.nodes)) out.nodes[id] = move(p);
    for (const [id, e] of Object.entries(l.edges))
      out.edges[id] = { points: e.points.map(move), ...(e.label ? { label: move(e.label) } : {}) };
    y += l.height + BAND_GAP;
  }
  out.height = Math.max(0, y - BAND_GAP);
  const size = new Map(request.nodes.map((n) => [n.id, n]));
  for (const e of across) {
    const a = out.nodes[e.from];
    const b = out.nodes[e.to];
    if (!a || !b) continue;
    const down = b.y >= a.y ? 1 : -1;
    const from = { x: a.x, y: a.y + (down * (size.get(e.from)?.height ?? 0)) / 2 };
    const to = { x: b.x, y: b.y - (down * (size.get(e.to)?.height ?? 0)) / 2 };
    out.edges[e.id] = { points: [from, to], label: { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 } };
  }
  return { ...out, ms: performance.now() - t0 };
}

function layoutOne(request: LayoutRequest): Omit<LayoutResult, 'ms'> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  const roomForLabels = request.nodes.length <= LABEL_ROOM_LIMIT;
  g.setGraph({
    rankdir: 'TB',
    nodesep: 28,
    ranksep: roomForLabels ? 44 : 36,
    edgesep: 12,
    marginx: 16,
    marginy: 16,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of request.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of request.edges) {
    const label =
      roomForLabels && e.label
        ? { width: Math.min(220, 6.2 * e.label.length + 8), height: 16, labelpos: 'c' }
        : {};
    g.setEdge(e.from, e.to, label, e.id);
  }
  dagre.layout(g);
  const nodes: LayoutResult['nodes'] = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n) nodes[id] = { x: n.x, y: n.y };
  }
  const edges: LayoutResult['edges'] = {};
  for (const ref of g.edges()) {
    const e = g.edge(ref) as { points?: Array<{ x: number; y: number }>; x?: number; y?: number };
    const points = e.points ?? [];
    const mid = points[Math.floor(points.length / 2)];
    const label = e.x !== undefined && e.y !== undefined ? { x: e.x, y: e.y } : mid;
    edges[ref.name ?? `${ref.v}->${ref.w}`] = label ? { points, label } : { points };
  }
  const graph = g.graph() as { width?: number; height?: number };
  return {
    key: request.key,
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    nodes,
    edges,
  };
}
