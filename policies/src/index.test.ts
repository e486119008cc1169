import { describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_DIR, Engine, EvalError, readBundle } from './index.js';

describe('Engine', () => {
  it('evaluates documents and queries with input and data', () => {
    const e = Engine.compile([{ file: 'p.rego', source: 'package p\n\nallow if input.role in data.roles\nnames := [n | some n in data.roles]\n' }]);
    expect(e.document(['p', 'allow'], { input: { role: 'admin' }, data: { roles: ['admin', 'ops'] } })).toBe(true);
    expect(e.document(['p', 'allow'], { input: { role: 'x' }, data: { roles: ['admin'] } })).toBeUndefined();
    expect(e.query('data.p.names[i] = n', { data: { roles: ['a', 'b'] } }).length).toBe(2);
  });

  it('raises conflicts and stops runaway evaluation', () => {
    const conflict = Engine.compile([{ file: 'c.rego', source: 'package c\n\nx := 1\nx := 2\n' }]);
    expect(() => conflict.document(['c', 'x'])).toThrow(/eval_conflict_error/);
    const big = Engine.compile([{ file: 'b.rego', source: 'package b\n\nn := count([x | some x in numbers.range(1, 100000)])\n' }]);
    expect(() => big.document(['b', 'n'], { maxSteps: 1000 })).toThrow(EvalError);
  });

  it('strict mode turns builtin errors into failures', () => {
    const e = Engine.compile([{ file: 's.rego', source: 'package s\n\nv := to_number("x")\n' }]);
    expect(e.document(['s', 'v'])).toBeUndefined();
    expect(() => e.document(['s', 'v'], { strict: true })).toThrow(/to_number/);
  });

  it('the default governance bundle passes all of its own tests', async () => {
    const b = await readBundle(DEFAULT_BUNDLE_DIR, { includeTests: true });
    const results = Engine.compile(b.modules).runTests({ data: b.data });
    expect(results.length).toBeGreaterThan(25);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });
});
