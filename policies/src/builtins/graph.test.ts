import { describe, expect, it } from 'vitest';
import { builtins } from './graph.js';
import { fromJSON, toJSON, type Value } from '../values.js';
import type { BuiltinContext } from './types.js';

const call = (name: string, g: unknown, init: unknown) => toJSON(builtins.find((b) => b.decl.name === name)!.impl([fromJSON(g), fromJSON(init)] as Value[], {} as BuiltinContext) as Value);

describe('graph', () => {
  it('never reaches nodes absent from the graph', () => {
    expect(call('graph.reachable', { a: ['b', 'x'], b: [] }, ['a'])).toEqual(['a', 'b']);
  });

  it('ends a path where the next node is absent or already on it', () => {
    expect(call('graph.reachable_paths', { a: ['x', 'b'], b: ['a'] }, ['a'])).toEqual([['a'], ['a', 'b']]);
  });
});
