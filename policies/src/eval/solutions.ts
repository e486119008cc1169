/**
 * Which expressions have at most one solution: a term whose variables are all bound (or name documents) yields
 * one value, unless it calls a relation (`walk`) or runs under `with`. Comprehensions count as one value whatever
 * their bodies do. The evaluator uses this to stop a negation's search without throwing.
 */
import type { Literal, Term } from '../ast/nodes.js';
import type { BuiltinDef } from '../builtins/types.js';

const VARS = new WeakMap<Literal, readonly string[] | null>();

/** The variables that must be bound for the literal to have one solution at most, or null if it may have more. */
export function singleSolutionVars(lit: Literal, builtins: ReadonlyMap<string, BuiltinDef>): readonly string[] | null {
  let vars = VARS.get(lit);
  if (vars === undefined) VARS.set(lit, (vars = compute(lit, builtins)));
  return vars;
}

function compute(lit: Literal, builtins: ReadonlyMap<string, BuiltinDef>): readonly string[] | null {
  if (lit.with.length || lit.expr.kind !== 'term') return null;
  const out: string[] = [];
  return visit(lit.expr.term, out, builtins) ? out : null;
}

function visit(t: Term | null, out: string[], builtins: ReadonlyMap<string, BuiltinDef>): boolean {
  if (!t) return true;
  const all = (ts: readonly (Term | null)[]): boolean => ts.every((x) => visit(x, out, builtins));
  switch (t.type) {
    case 'scalar':
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      return true;
    case 'var':
      out.push(t.name);
      return true;
    case 'ref':
      return visit(t.head, out, builtins) && all(t.path);
    case 'array':
    case 'set':
      return all(t.items);
    case 'object':
      return t.items.every(([k, v]) => visit(k, out, builtins) && visit(v, out, builtins));
    case 'call':
      return !builtins.get(t.name)?.decl.relation && all(t.args);
    case 'membership':
      return all([t.key, t.value, t.coll]);
    case 'template':
      return t.parts.every((p) => typeof p === 'string' || visit(p, out, builtins));
    case 'with':
      return false;
  }
}
