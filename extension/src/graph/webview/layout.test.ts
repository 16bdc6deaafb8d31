import { describe, expect, it } from 'vitest';
import { generateWorkflow } from '../../../../bench/lib/generate-workflow.js';
import { checkWorkflow } from '../../language/runtime.js';
import { graphModel } from '../model.js';
import { sizeOf } from './draw.js';
import { BAND_NODES, type LayoutRequest, layout } from './layout.js';

function request(steps: number): LayoutRequest {
  const model = graphModel(checkWorkflow(generateWorkflow(steps)).definition!);
  let group = -1;
  return {
    key: String(steps),
    nodes: model.nodes.map((n) => {
      if (!n.parent && n.kind !== 'join') group++;
      return { id: n.id, ...sizeOf(n), group };
    }),
    edges: model.edges.map((e) => ({ id: e.id, from: e.from, to: e.to, label: e.label })),
  };
}

describe('layout', () => {
  it('places every node and routes every edge of a small graph top to bottom', () => {
    const r = request(10);
    const laid = layout(r);
    expect(Object.keys(laid.nodes).sort()).toEqual(r.nodes.map((n) => n.id).sort());
    for (const e of r.edges) {
      expect(laid.nodes[e.from]!.y).toBeLessThan(laid.nodes[e.to]!.y);
      expect(laid.edges[e.id]!.points.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('lays a 1,000-step graph out in bands stacked top to bottom, without overlaps', () => {
    const r = request(1000);
    expect(r.nodes.length).toBeGreaterThan(BAND_NODES * 5);
    const laid = layout(r);
    expect(Object.keys(laid.nodes)).toHaveLength(r.nodes.length);
    for (const e of r.edges) expect(laid.edges[e.id]?.points.length, e.id).toBeGreaterThanOrEqual(2);
    // file order is kept from band to band: the first step is at the top, the last at the bottom
    expect(laid.nodes.s0!.y).toBeLessThan(laid.nodes.s500!.y);
    expect(laid.nodes.s500!.y).toBeLessThan(laid.nodes.s999!.y);
    expect(laid.height).toBeGreaterThanOrEqual(laid.nodes.s999!.y);
    // no two nodes overlap
    const boxes = r.nodes.map((n) => ({ ...n, ...laid.nodes[n.id]! })).sort((a, b) => a.y - b.y);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length && boxes[j]!.y - boxes[i]!.y < 60; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const apart =
          Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.id} and ${b.id}`).toBe(true);
      }
  });
});
