/**
 * graph.reachable and graph.reachable_paths over an adjacency object {node: [neighbours] or {neighbours}}, walked
 * as OPA walks it: nodes absent from the graph are never reached, and a path ends where its next step would be
 * absent or would revisit a node.
 */
import { operandTypeError } from './errors.js';
import { arg } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RSet, equal, isArray, isObject, isSet, type RObject, type Value } from '../values.js';

/** The vertices of an edge collection; anything else has none (OPA's foreachVertex). */
const vertices = (v: Value | undefined): Value[] => (isArray(v) ? [...v] : isSet(v) ? v.sorted() : []);

/** The initial nodes must be a collection, which OPA's type check enforces. */
function initialNodes(v: Value): Value[] {
  if (!isArray(v) && !isSet(v)) throw operandTypeError(2, 'one of {array, set}', v);
  return vertices(v);
}

function reachable(graph: RObject, initial: Value): RSet {
  const reached = new RSet();
  const queue = initialNodes(initial);
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const edges = graph.get(node);
    if (edges === undefined) continue;
    for (const next of vertices(edges)) if (!reached.has(next)) queue.push(next);
    reached.add(node);
  }
  return reached;
}

function pathsFrom(graph: RObject, node: Value, path: readonly Value[], out: RSet): void {
  const edges = graph.get(node);
  if (edges === undefined) {
    out.add(path);
    return;
  }
  const nextPath = [...path, node];
  const neighbours = vertices(edges);
  if (!neighbours.length) {
    out.add(nextPath);
    return;
  }
  for (const n of neighbours) {
    if (nextPath.some((p) => equal(p, n))) out.add(nextPath);
    else pathsFrom(graph, n, nextPath, out);
  }
}

function reachablePaths(graph: RObject, initial: Value): RSet {
  const out = new RSet();
  for (const node of initialNodes(initial)) {
    const edges = graph.get(node);
    if (edges === undefined) continue;
    const neighbours = vertices(edges);
    if (!neighbours.length) out.add([node]);
    for (const n of neighbours) pathsFrom(graph, n, [node], out);
  }
  return out;
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'graph.reachable', args: [arg('graph'), arg('initial')], result: { kind: 'set' }, categories: ['graph'] },
    impl: ([g, init]) => {
      if (!isObject(g)) throw operandTypeError(1, 'object', g!);
      return reachable(g, init!);
    },
  },
  {
    decl: { name: 'graph.reachable_paths', args: [arg('graph'), arg('initial')], result: { kind: 'set' }, categories: ['graph'] },
    impl: ([g, init]) => {
      if (!isObject(g)) throw operandTypeError(1, 'object', g!);
      return reachablePaths(g, init!);
    },
  },
];
