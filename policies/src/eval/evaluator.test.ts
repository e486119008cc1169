import { describe, expect, it } from 'vitest';
import { createRegistry } from '../builtins/registry.js';
import type { BuiltinDef } from '../builtins/types.js';
import { compileModules } from '../compile/compiler.js';
import { Engine } from '../index.js';

const doc = (source: string, path: string[], opts: { input?: unknown; data?: unknown } = {}): unknown =>
  Engine.compile([{ file: 't.rego', source: `package t\n\n${source}` }]).document(['t', ...path], opts);

describe('evaluator', () => {
  it('evaluates a mocked call\'s operands under the mocks in force, then the replacement without any', () => {
    const e = Engine.compile([{ file: 't.rego', source: 'package t\n\nmock_send(_) := {"body": {"jwt": "j"}}\nmock_verify("j", _) := [true, {}, {"owner": "ann"}]\nclaims := http.send({"method": "GET", "url": "u"}).body\nowner := p if [true, _, p] = io.jwt.decode_verify(claims.jwt, {})\nq := x if x := owner with http.send as mock_send with io.jwt.decode_verify as mock_verify\n' }]);
    expect(e.document(['t', 'q'])).toEqual({ owner: 'ann' });
  });

  it('lets names declared by some shadow rules of the same name', () => {
    expect(doc('r := "rule"\nxs := {x | some r in ["a", "b"]; x := r}', ['xs'])).toEqual(['a', 'b']);
    expect(doc('r := 5\nys := [y | some r; y := [10, 20][r]]\nz := r if { some r; [7][r] }', ['ys'])).toEqual([10, 20]);
    expect(doc('r := 5\nz := r if { some r; [7][r] }', ['z'])).toBe(0);
  });

  it('replaces virtual documents with `with data…`, below and above the rule', () => {
    const e = Engine.compile([
      { file: 'lib.rego', source: 'package lib\n\nq := {"a": 1}\n' },
      { file: 't.rego', source: 'package t\n\np := v if v := data.lib.q with data.lib.q as 2\ndeep := v if v := data.lib with data.lib.q.a as 3\n' },
    ]);
    expect(e.document(['t', 'p'])).toBe(2);
    expect(e.document(['t', 'deep'])).toEqual({ q: { a: 3 } });
    expect(e.document(['lib', 'q'])).toEqual({ a: 1 });
  });

  it('merges reference heads by structure and reports writes into another rule value as a conflict', () => {
    expect(doc('p[k].v := 1 if some k in ["a", "b"]\np.c.v := 2\n', ['p'])).toEqual({ a: { v: 1 }, b: { v: 1 }, c: { v: 2 } });
    expect(() => doc('p[k] := {"v": 1} if k := "a"\np.a.w := 2\n', ['p'])).toThrow(/eval_conflict_error: object keys must be unique/);
  });

  it('unifies patterns on both sides, whichever side binds first', () => {
    expect(doc('p := [x, y] if [1, x] = [y, 2]\n', ['p'])).toEqual([2, 1]);
  });

  it('prints undefined operands as <undefined> and a line per value of an iterating operand', () => {
    const lines: string[] = [];
    const e = Engine.compile([{ file: 't.rego', source: 'package t\n\np if {\n  print("a", input.missing)\n  xs := [1, 2]\n  print("x", xs[_])\n}\n' }]);
    expect(e.document(['t', 'p'], { print: (l) => lines.push(l) })).toBe(true);
    expect(lines).toEqual(['a <undefined>', 'x 1', 'x 2']);
  });

  it('calls the builtin of each engine when engines with different builtins share a policy', () => {
    const version = (n: number): BuiltinDef => ({ decl: { name: 'test.version', args: [], result: { kind: 'number' } }, impl: () => n });
    const policy = compileModules([{ file: 'v.rego', source: 'package v\nf(x) := x + test.version()\np := f(input.x)\n' }], { builtins: createRegistry([version(1)]) });
    const one = new Engine(policy, [version(1)]);
    const two = new Engine(policy, [version(2)]);
    for (const x of [10, 20]) {
      expect(one.document(['v', 'p'], { input: { x } })).toBe(x + 1);
      expect(two.document(['v', 'p'], { input: { x } })).toBe(x + 2);
    }
  });

  it('values a function by its plain parameters and by its pattern parameters alike', () => {
    expect(doc('f(x, x) := 1\nf(x, y) := 2 if x != y\na := f(1, 1)\nb := f(1, 2)\n', ['a'])).toBe(1);
    expect(doc('f(x, x) := 1\nf(x, y) := 2 if x != y\nb := f(1, 2)\n', ['b'])).toBe(2);
    expect(doc('g([a, b], c) := a + b + c\nr := g([1, 2], 3)\nu := g(1, 3)\n', ['r'])).toBe(6);
    expect(doc('g([a, b], c) := a + b + c\nu := g(1, 3)\n', ['u'])).toBeUndefined();
  });
});
