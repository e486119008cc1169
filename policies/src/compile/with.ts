/**
 * A `with` value that iterates (`p with input as xs[_]`, `… as xs[i]`) becomes an expression of its own before the
 * literal — `__localwithN__ = xs[i]; p with input as __localwithN__` — as OPA's rewriteWithModifiers does: the
 * literal then runs once per value, and the value's variables are bound for the rest of the body.
 */
import type { Body, Expr, Literal, Rule, Term } from '../ast/nodes.js';
import { mapRule } from './map.js';
import { GENERATED_PREFIX } from './safety.js';

/** Whether evaluating the term may bind variables: a reference with a variable key, outside closures. */
function iterates(t: Term): boolean {
  switch (t.type) {
    case 'ref':
      return iterates(t.head) || t.path.some((p) => p.type !== 'scalar' || iterates(p));
    case 'array':
    case 'set':
      return t.items.some(iterates);
    case 'object':
      return t.items.some(([k, v]) => iterates(k) || iterates(v));
    case 'call':
      return t.args.some(iterates);
    default:
      return false;
  }
}

export function rewriteWithValues(rule: Rule): Rule {
  let n = 0;
  const split = (b: Body): Body => b.flatMap(literal);
  const nested = (e: Expr): Expr => {
    switch (e.kind) {
      case 'every':
      case 'group':
        return { ...e, body: split(e.body) };
      case 'or':
        return { ...e, branches: e.branches.map(split) };
      default:
        return e;
    }
  };
  function literal(lit: Literal): Literal[] {
    const before: Literal[] = [];
    const withs = lit.with.map((w) => {
      if (!iterates(w.value)) return w;
      const v: Term = { type: 'var', name: `${GENERATED_PREFIX}with${n++}__`, loc: w.value.loc };
      before.push({ expr: { kind: 'unify', left: v, right: w.value }, negated: false, with: [], loc: lit.loc });
      return { ...w, value: v };
    });
    return [...before, { ...lit, expr: nested(lit.expr), with: withs }];
  }
  // Closures first (bottom-up), then the rule's own bodies.
  const mapped = mapRule(rule, (t) => (t.type === 'arraycomp' || t.type === 'setcomp' || t.type === 'objectcomp' ? { ...t, body: split(t.body) } : t));
  const bodies = (r: Rule): Rule => ({ ...r, body: split(r.body), elseRule: r.elseRule && bodies(r.elseRule) });
  return bodies(mapped);
}
