// Layered layout of the graph with dagre (run in a web worker by the webview). Pure.
import dagre from '@dagrejs/dagre';

export interface LayoutRequest {
  key: string;
  nodes: Array<{ id: string; width: number; height: number }>;
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

export function layout(request: LayoutRequest): LayoutResult {
  const t0 = performance.now();
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
    ms: performance.now() - t0,
  };
}
