// Messages between the graph webview and the extension host. Plain data both ways.
import type { GraphModel } from './model.js';

/** Per node id: what the last run did there (status class and the figures line). */
export type NodeFigures = Record<string, { status: string; text: string; items?: number }>;

export type ToWebview =
  | {
      type: 'model';
      model: GraphModel;
      /** The host's clock when the model was computed or the request that led to it was made. */
      sentAt: number;
      figures?: NodeFigures;
      runLabel?: string;
      highlight?: string;
    }
  | { type: 'highlight'; id: string | undefined }
  | { type: 'figures'; figures: NodeFigures | undefined; runLabel?: string }
  | { type: 'click'; id: string }
  | { type: 'command'; command: 'fit' | 'zoomIn' | 'zoomOut' | 'export' };

export interface RenderedNode {
  id: string;
  kind: string;
  label: string;
  x: number;
  y: number;
  highlighted: boolean;
  status?: string;
  figures?: string;
  problems?: boolean;
}

export interface GraphReport {
  workflow: string;
  nodes: RenderedNode[];
  edges: Array<{ from: string; to: string; kind: string; label?: string }>;
  highlighted?: string;
  runLabel?: string;
  /** Whether the layout was reused (the structure did not change). */
  layoutReused: boolean;
  layoutMs: number;
  renderMs: number;
  /** The host clock value of the model message this render answers. */
  sentAt: number;
  minimap: boolean;
  scale: number;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'select'; id: string }
  | { type: 'rendered'; report: GraphReport }
  | { type: 'export'; svg: string }
  | { type: 'error'; message: string };
