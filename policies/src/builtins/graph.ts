/**
 * graph.reachable and graph.reachable_paths over an adjacency object {node: [neighbours] or {neighbours}}.
 */
import { operandTypeError } from './errors.js';
import { arg } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RSet, isArray, isObject, isSet, type RObject, type Value } from '../values.js';

function neighbours(graph: RObject, node: Value): Value[] {
  const edges = graph.get(node);
  return edges !== undefined && (isArray(edges) || isSet(edges)) ? [...(edges as Iterable<Value>)] : [];
}

function initial(v: Value, pos: number): Value[] {
  if (isArray(v) || isSet(v)) return [...(v as Iterable<Value>)];
  throw operandTypeError(pos, 'one of {array, set}', v);
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'graph.reachable', args: [arg('graph'), arg('initial')], result: { kind: 'set' }, categories: ['graph'] },
    impl: ([g, init]) => {
      if (!isObject(g)) throw operandTypeError(1, 'object', g!);
      const seen = new RSet();
      const queue = initial(init!, 2).filter((n) => g.has(n));
      while (queue.length) {
        const n = queue.shift()!;
        if (seen.has(n)) continue;
        seen.add(n);
        for (const m of neighbours(g, n)) if (!seen.has(m)) queue.push(m);
      }
      return seen;
    },
  },
  {
    decl: { name: 'graph.reachable_paths', args: [arg('graph'), arg('initial')], result: { kind: 'set' }, categories: ['graph'] },
    impl: ([g, init]) => {
      if (!isObject(g)) throw operandTypeError(1, 'object', g!);
      const out = new RSet();
      const walk = (path: Value[]): void => {
        const last = path[path.length - 1]!;
        const next = neighbours(g, last).filter((m) => g.has(m) && !path.some((p) => p === m));
        if (!next.length) {
          out.add(path);
          return;
        }
        for (const m of next) walk([...path, m]);
      };
      for (const n of initial(init!, 2)) if (g.has(n)) walk([n]);
      return out;
    },
  },
];
