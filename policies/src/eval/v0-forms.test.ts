/**
 * v0 forms OPA accepts that real policy libraries use (issue 16, causes 4–8), each checked the way `opa test
 * --v0-compatible` would run it.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';

const v0 = (source: string, extra: { file: string; source: string }[] = []) =>
  Engine.compile([{ file: 't.rego', source: `package t\n\n${source}` }, ...extra], { v0Compatible: true });

describe('v0 forms', () => {
  it('binds `with … as xs[_]` once per element, the value’s variables staying bound', () => {
    const e = v0('p[y] { y := input.n + 1 }\nxs := [{"n": 1}, {"n": 2}]\nr := [v | vs := p with input as xs[_]; v := vs[_]]\nidx := [[i, v] | vs := p with input as xs[i]; v := vs[_]]\n');
    expect(e.document(['t', 'r'])).toEqual([2, 3]);
    expect(e.document(['t', 'idx'])).toEqual([[0, 2], [1, 3]]);
    // Several modifiers iterate together; a mocked function value iterates too.
    const m = v0('f(x) = x\ng := [[a, b] | a := input.a with input.a as [1, 2][_]; b := f(0) with f as [3][_]]\n');
    expect(m.document(['t', 'g'])).toEqual([[1, 3], [2, 3]]);
  });

  it('reads `f()` as the complete rule f, usable as a value and as a call', () => {
    const e = v0('obj() = {"a": 1}\nx := obj.a\ny := obj().a\nz { o := obj; o.a == 1 }\n');
    expect(e.document(['t'])).toMatchObject({ obj: { a: 1 }, x: 1, y: 1, z: true });
  });

  it('makes each further body of a rule one more rule with the same head', () => {
    const e = v0('f(x) = y { x == 1; y := "a" } { x == 2; y := "b" }\nok { f(1) == "a"; f(2) == "b" }\ns[x] { x := 1 } { x := 2 }\np { false } { true }\n');
    expect(e.document(['t'])).toMatchObject({ ok: true, s: [1, 2], p: true });
    expect(() => v0('p { false } else = 1 { true } { true }\n')).toThrow(/expected else keyword/);
  });

  it('accepts an import anywhere in a module, for the rules before it too', () => {
    const lib = { file: 'lib.rego', source: 'package lib\n\nf(x) = x + 1\n' };
    const e = v0('p { x.f(1) == 2 }\nimport data.lib as x\nq := x.f(2)\nimport input.user\nu := user\n', [lib]);
    expect(e.document(['t'], { input: { user: 'ann' } })).toEqual({ p: true, q: 3, u: 'ann' });
  });

  it('reads `p[term]` without a body as a partial set member', () => {
    const e = v0('xs := ["a", "b"]\nteams[upper(xs[_])]\nlit["x"]\n');
    expect(e.document(['t', 'teams'])).toEqual(['A', 'B']);
    expect(e.document(['t', 'lit'])).toEqual(['x']);
  });
});
