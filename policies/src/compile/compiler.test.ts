import { describe, expect, it } from 'vitest';
import { RegoErrors } from '../ast/errors.js';
import { Engine } from '../index.js';
import { compileModules } from './compiler.js';

const compileErrors = (source: string): string[] => {
  try {
    compileModules([{ file: 't.rego', source }]);
  } catch (error) {
    if (error instanceof RegoErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  return [];
};

describe('compiler checks', () => {
  it('reports unsafe variables in bodies and heads with file:line:col', () => {
    expect(compileErrors('package t\n\np if {\n  x > 1\n}\n')).toEqual(['t.rego:4:3: rego_unsafe_var_error: var x is unsafe']);
    expect(compileErrors('package t\n\np := y if {\n  x := 1\n}\n')).toEqual(['t.rego:3:1: rego_unsafe_var_error: var y is unsafe']);
    expect(compileErrors('package t\n\np if {\n  not q[x]\n}\nq contains 1\n')).toEqual(['t.rego:4:3: rego_unsafe_var_error: var x is unsafe']);
    expect(compileErrors('package t\n\np := [y | x := 1]\n')).toEqual(['t.rego:3:6: rego_unsafe_var_error: var y is unsafe']);
    expect(compileErrors('package t\n\np := x if {\n  ys := [x | x := 1]\n  count(ys) > 0\n}\n')).toEqual(['t.rego:3:1: rego_unsafe_var_error: var x is unsafe']);
    // A `some` that shadows a rule is still reported under its own name.
    expect(compileErrors('package t\n\nx := 1\np if {\n  some x\n  x > 1\n}\n')).toEqual(['t.rego:6:3: rego_unsafe_var_error: var x is unsafe']);
  });

  it('orders bodies so that variables are bound before they are read', () => {
    const e = Engine.compile([{ file: 't.rego', source: 'package t\n\np := y if {\n  y = x + 1\n  x = 2\n}\n\nq := a if {\n  not a = f(1)\n  a = f(2)\n}\n\nf(x) := x\n' }]);
    expect(e.document(['t', 'p'])).toBe(3);
    expect(e.document(['t', 'q'])).toBe(2);
  });

  it('reports rules that conflict with each other, with packages, or with rules below them', () => {
    expect(compileErrors('package t\n\nf(x) := 1\nf(x, y) := 2\n')).toEqual(['t.rego:3:1: rego_type_error: conflicting rules data.t.f found']);
    expect(compileErrors('package t\n\np := 1\np.q := 2\n')).toEqual(['t.rego:3:1: rego_type_error: rule data.t.p conflicts with [data.t.p.q]']);
    expect(compileErrors('package t\n\np[k] := 1 if k := "a"\np.q := 2\n')).toEqual([]);
    try {
      compileModules([
        { file: 'a.rego', source: 'package a\n\nb := 1\n' },
        { file: 'b.rego', source: 'package a.b\n\nc := 1\n' },
      ]);
      expect.unreachable();
    } catch (error) {
      expect((error as RegoErrors).errors.map((e) => e.message)).toContain('a.rego:3:1: rego_type_error: package a.b conflicts with rule data.a.b defined at a.rego:3');
    }
  });

  it('reports local redeclarations as OPA does, closures being scopes of their own', () => {
    expect(compileErrors('package t\n\np if {\n  x := 1\n  x := 2\n}\n')).toEqual(['t.rego:5:3: rego_compile_error: var x assigned above']);
    expect(compileErrors('package t\n\np if {\n  x = 1\n  x := 2\n}\n')).toEqual(['t.rego:5:3: rego_compile_error: var x referenced above']);
    expect(compileErrors('package t\n\nf(x) := y if {\n  x := 1\n  y := x\n}\n')).toEqual(['t.rego:4:3: rego_compile_error: var x assigned above']);
    expect(compileErrors('package t\n\np if {\n  x := 1\n  ys := [x | x := 2]\n  count(ys) == x\n}\n')).toEqual([]);
  });

  it('reports recursion with the cycle', () => {
    expect(compileErrors('package t\n\np if q\n\nq if p\n')).toEqual([
      't.rego:3:1: rego_recursion_error: rule data.t.p is recursive: data.t.p -> data.t.q -> data.t.p',
      't.rego:5:1: rego_recursion_error: rule data.t.q is recursive: data.t.q -> data.t.p -> data.t.q',
    ]);
    expect(compileErrors('package t\n\nf(x) := f(x - 1) if x > 0\n')).toEqual(['t.rego:3:1: rego_recursion_error: rule data.t.f is recursive: data.t.f -> data.t.f']);
    expect(compileErrors('package t\n\np := data.t\n')[0]).toMatch(/rego_recursion_error: rule data\.t\.p is recursive/);
  });

  it('reports undefined functions and wrong arities as type errors', () => {
    expect(compileErrors('package t\n\np := foo(1)\n')).toEqual(['t.rego:3:6: rego_type_error: undefined function foo']);
    expect(compileErrors('package t\n\np := count([1], 2, 3)\n')[0]).toMatch(/^t\.rego:3:6: rego_type_error: count: arity mismatch/);
    expect(compileErrors('package t\n\nf(x) := x\np := f(1, 2, 3)\n')[0]).toMatch(/rego_type_error: f: arity mismatch/);
    expect(compileErrors('package t\n\np if {\n  true with foo.q as 1\n}\n')).toEqual(['t.rego:4:13: rego_type_error: with keyword target must reference existing input, data, or a function']);
    expect(compileErrors('package t\n\nf(x) := x\np if {\n  f(1) with f as 2 with count as f with input.a as 1 with data.t.q as 1\n}\n')).toEqual([]);
    // One extra argument receives the result, so it is no arity error.
    expect(compileErrors('package t\n\np if count([1], n)\n')).toEqual([]);
  });

  it('accepts what OPA accepts: closures over later-declared names, with mocks by name, output arguments', () => {
    expect(compileErrors('package t\n\nxs := {1, 2}\np := x if {\n  y := {x | xs[x]}\n  x := count(y)\n}\n')).toEqual([]);
    expect(compileErrors('package t\n\nf(_) := 2\np := y if {\n  y = f([1]) with f as count\n}\n')).toEqual([]);
    expect(compileErrors('package t\n\np := n if {\n  count([1, 2], n)\n}\n')).toEqual([]);
  });

  it('folds constant collections, so long literals cost no stack depth', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `{"n": ${i}}`).join(', ');
    const e = Engine.compile([{ file: 't.rego', source: `package t\n\nxs := [${items}]\nys := [x, ${items}] if x := 1\n` }]);
    expect((e.document(['t', 'xs']) as unknown[]).length).toBe(5000);
    expect((e.document(['t', 'ys']) as unknown[]).length).toBe(5001);
  });
});
