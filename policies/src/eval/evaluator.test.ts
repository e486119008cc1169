import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';

const doc = (source: string, path: string[], opts: { input?: unknown; data?: unknown } = {}): unknown =>
  Engine.compile([{ file: 't.rego', source: `package t\n\n${source}` }]).document(['t', ...path], opts);

describe('evaluator', () => {
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
});
