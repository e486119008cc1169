'use client';
import type { ProcessMap, ProcessNode } from '@airlock/sdk';
import { Background, BaseEdge, Controls, EdgeLabelRenderer, Handle, MarkerType, Position, ReactFlow, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { duration, KIND_COLOR, KIND_LABEL } from '../format';
import type { ProcessLayout } from '../layout';

type ActivityData = { activity: ProcessNode; onTopPath: boolean };

function ActivityNode({ data }: NodeProps<Node<ActivityData>>) {
  const a = data.activity;
  const bracket = a.kind === 'start' || a.kind === 'end';
  return (
    <div
      className={`activity ${data.onTopPath ? 'top' : ''}`}
      style={{ borderColor: KIND_COLOR[a.kind] }}
      data-kind={a.kind}
      aria-label={`${a.label}: ${KIND_LABEL[a.kind]}, ${a.count} times${bracket ? '' : `, median ${duration(a.median_ms)}, p95 ${duration(a.p95_ms)}`}`}
    >
      <Handle type="target" position={Position.Left} />
      <strong>{a.label}</strong>
      <span className="kind" style={{ color: KIND_COLOR[a.kind] }}>{KIND_LABEL[a.kind]}</span>
      <span>
        {a.count}×{bracket ? '' : ` · med ${duration(a.median_ms)} · p95 ${duration(a.p95_ms)}`}
        {a.errors ? ` · ${a.errors} failed` : ''}
      </span>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

type RouteData = { route: readonly { x: number; y: number }[]; text: string; top: boolean };

/** An edge along the route the layout computed; its label sits on the route's middle segment. */
function RoutedEdge({ id, data, style, markerEnd, sourceX, sourceY, targetX, targetY }: EdgeProps<Edge<RouteData>>) {
  const route = data?.route.length ? data.route : [{ x: sourceX, y: sourceY }, { x: targetX, y: targetY }];
  const path = route.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
  const mid = Math.max(0, Math.floor((route.length - 1) / 2));
  const a = route[mid]!;
  const b = route[mid + 1] ?? a;
  return (
    <>
      <BaseEdge id={id} path={path} {...(style ? { style } : {})} {...(markerEnd ? { markerEnd } : {})} />
      <EdgeLabelRenderer>
        <div
          className={`edge-label ${data?.top ? 'top' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${(a.x + b.x) / 2}px, ${(a.y + b.y) / 2}px)` }}
        >
          {data?.text}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

const nodeTypes = { activity: ActivityNode };
const edgeTypes = { routed: RoutedEdge };

/** The map drawn over the server's layout: edge width by frequency, the most frequent path highlighted. */
export function ProcessGraph({ map, layout }: { map: ProcessMap; layout: ProcessLayout }) {
  const top = new Set(map.edges.filter((e) => e.on_top_path).flatMap((e) => [e.source, e.target]));
  const most = Math.max(1, ...map.edges.map((e) => e.count));
  const nodes: Node<ActivityData>[] = map.nodes.map((n) => ({
    id: n.id,
    type: 'activity',
    position: layout.nodes[n.id] ?? { x: 0, y: 0 },
    data: { activity: n, onTopPath: top.has(n.id) },
    draggable: false,
    connectable: false,
  }));
  const edges: Edge<RouteData>[] = map.edges.map((e, i) => {
    const color = e.on_top_path ? '#c2410c' : '#8a94a3';
    return {
      id: `e${i}`,
      type: 'routed',
      source: e.source,
      target: e.target,
      data: { route: layout.edges[`e${i}`] ?? [], text: `${e.count}× · med ${duration(e.median_ms)} · p95 ${duration(e.p95_ms)}`, top: e.on_top_path },
      ariaLabel: `${e.source} to ${e.target}: ${e.count} times, median ${duration(e.median_ms)}, p95 ${duration(e.p95_ms)}`,
      className: e.on_top_path ? 'top-path' : undefined,
      style: { stroke: color, strokeWidth: 1 + (5 * e.count) / most },
      markerEnd: { type: MarkerType.ArrowClosed, color },
    };
  });
  return (
    <div className="process-graph" role="figure" aria-label={`Process map of ${map.workflow}`}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes} fitView minZoom={0.2} proOptions={{ hideAttribution: true }} nodesConnectable={false} elementsSelectable>
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
