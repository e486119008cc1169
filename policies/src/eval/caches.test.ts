import { describe, expect, it } from 'vitest';
import { createRegistry } from '../builtins/registry.js';
import type { BuiltinDef } from '../builtins/types.js';
import { compileModules } from '../compile/compiler.js';
import { Engine, fromJSON } from '../index.js';
import { BoundedMap } from './caches.js';

describe('BoundedMap', () => {
  it('forgets the oldest entries beyond its limit', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('c', 3);
    expect([...m.keys()]).toEqual(['b', 'c']);
  });
});

describe('values shared across evaluations', () => {
  const src = `package p
total := sum(data.xs)
scaled := total * input.k
bad := to_number(data.s)
`;

  it('follow the data document they were computed over', () => {
    const e = Engine.compile([{ file: 'p.rego', source: src }]);
    const d1 = fromJSON({ xs: [1, 2] });
    const d2 = fromJSON({ xs: [10] });
    expect(e.document(['p', 'scaled'], { input: { k: 2 }, data: d1 })).toBe(6);
    expect(e.document(['p', 'scaled'], { input: { k: 3 }, data: d1 })).toBe(9);
    expect(e.document(['p', 'scaled'], { input: { k: 3 }, data: d2 })).toBe(30);
    expect(e.query('x := data.p.total with data.xs as [5]', { data: d1 })[0]?.x).toBe(5);
    expect(e.document(['p', 'total'], { data: d1 })).toBe(3);
  });

  it('are never taken from an evaluation whose builtins failed', () => {
    const e = Engine.compile([{ file: 'p.rego', source: src }]);
    const data = fromJSON({ s: 'x' });
    expect(e.document(['p', 'bad'], { data })).toBeUndefined();
    expect(() => e.document(['p', 'bad'], { data, strict: true })).toThrow(/to_number/);
    expect(() => e.document(['p', 'bad'], { data, strict: true })).toThrow(/to_number/);
  });

  it('are never taken from an evaluation that read the clock', () => {
    const clock: BuiltinDef = { decl: { name: 'test.clock', args: [], result: { kind: 'number' } }, impl: (_a, ctx) => Number(ctx.nowNs) };
    const builtins = createRegistry([clock]);
    const policy = compileModules([{ file: 'c.rego', source: 'package c\nt := test.clock()\n' }], { builtins });
    const e = new Engine(policy, [clock]);
    const data = fromJSON({});
    expect(e.document(['c', 't'], { data, nowNs: 1n })).toBe(1);
    expect(e.document(['c', 't'], { data, nowNs: 2n })).toBe(2);
  });

  it('of base documents read by constant paths follow the data, its overrides and the rules below', () => {
    const e = Engine.compile([
      { file: 'p.rego', source: 'package p\nv := [data.cfg.x, input.k]\nu if { not data.cfg.missing; input.k }\nw := y if y := v with data.cfg.x as 9\nall := [data.lib, input.k]\n' },
      { file: 'lib.rego', source: 'package lib\nr := input.k\n' },
    ]);
    const d1 = fromJSON({ cfg: { x: 1 }, lib: { base: true } });
    const d2 = fromJSON({ cfg: { x: 2, missing: true } });
    expect(e.document(['p', 'v'], { input: { k: 'a' }, data: d1 })).toEqual([1, 'a']);
    expect(e.document(['p', 'v'], { input: { k: 'b' }, data: d1 })).toEqual([1, 'b']);
    expect(e.document(['p', 'v'], { input: { k: 'b' }, data: d2 })).toEqual([2, 'b']);
    expect(e.document(['p', 'w'], { input: { k: 'c' }, data: d1 })).toEqual([9, 'c']);
    expect(e.document(['p', 'u'], { input: { k: 'c' }, data: d1 })).toBe(true);
    expect(e.document(['p', 'u'], { input: { k: 'd' }, data: d1 })).toBe(true);
    expect(e.document(['p', 'u'], { input: { k: 'd' }, data: d2 })).toBeUndefined();
    expect(e.document(['p', 'all'], { input: { k: 'c' }, data: d1 })).toEqual([{ base: true, r: 'c' }, 'c']);
    expect(e.document(['p', 'all'], { input: { k: 'd' }, data: d1 })).toEqual([{ base: true, r: 'd' }, 'd']);
  });
});
