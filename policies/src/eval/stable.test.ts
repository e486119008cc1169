import { describe, expect, it } from 'vitest';
import { createRegistry } from '../builtins/registry.js';
import { compileModules } from '../compile/compiler.js';
import { stableRuleSets } from './stable.js';

const stableNames = (...sources: string[]): string[] => {
  const policy = compileModules(sources.map((source, i) => ({ file: `m${i}.rego`, source })));
  return [...stableRuleSets(policy, createRegistry())].map((s) => s.path.join('.')).sort();
};

describe('stableRuleSets', () => {
  it('keeps rules and functions that read only data', () => {
    const src = `package p
limits := data.limits
named(x) := data.names[x]
doubled := [2 * n | some n in limits]
from_input := input.x
uses_input := from_input + 1
timed := time.now_ns()
scoped if {
	limits with data.limits as [1]
}
`;
    expect(stableNames(src)).toEqual(['p.doubled', 'p.limits', 'p.named']);
  });

  it('counts every rule under a computed data key, and the rules inside an object rule', () => {
    const p = `package p
a := input.a
b := 1
obj[k] := 1 if k := "x"
obj.sub := input.y
`;
    const q = `package q
any := data.p[k] if k := "b"
fixed := data.p.b
`;
    expect(stableNames(p, q)).toEqual(['p.b', 'q.fixed']);
  });
});
