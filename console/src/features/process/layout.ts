import 'server-only';
import type { ProcessMap } from '@airlock/sdk';
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;

interface Point {
  readonly x: number;
  readonly y: number;
}

export interface ProcessLayout {
  readonly nodes: Record<string, Point>;
  /** Each edge's route (by its index in the map), bends included: long edges go around the activities they skip. */
  readonly edges: Record<string, readonly Point[]>;
}

const elk = new ELK();

/** A left-to-right layered layout of the map, computed on the server so the browser only draws it. */
export async function layoutProcess(map: ProcessMap): Promise<ProcessLayout> {
  const graph: ElkNode = await elk.layout<ElkNode>({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '130',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.edgeNodeBetweenLayers': '30',
      'elk.spacing.edgeEdge': '24',
      'elk.layered.cycleBreaking.strategy': 'GREEDY',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: map.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: map.edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  });
  const nodes = Object.fromEntries((graph.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  const edges = Object.fromEntries(
    (graph.edges ?? []).map((e) => [e.id, (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint])]),
  );
  return { nodes, edges };
}
