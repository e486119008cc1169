/**
 * Constant folding: arrays, sets and objects made only of constants become one constant term, built once at
 * compile time instead of on every evaluation (and without a continuation per item for long literals).
 */
import type { Body, Expr, Literal, Rule, Term } from '../ast/nodes.js';
import { RObject, RSet, type Value } from '../values.js';

const constant = (t: Term): t is Extract<Term, { type: 'scalar' }> => t.type === 'scalar';

export function foldTerm(t: Term): Term {
  switch (t.type) {
    case 'array': {
      const items = t.items.map(foldTerm);
      return items.every(constant) ? { type: 'scalar', value: items.map((i) => i.value), loc: t.loc } : { ...t, items };
    }
    case 'set': {
      const items = t.items.map(foldTerm);
      return items.every(constant) ? { type: 'scalar', value: new RSet(items.map((i) => i.value)), loc: t.loc } : { ...t, items };
    }
    case 'object': {
      const items = t.items.map(([k, v]) => [foldTerm(k), foldTerm(v)] as const);
      if (!items.every(([k, v]) => constant(k) && constant(v))) return { ...t, items };
      // A repeated key with different values is an evaluation-time conflict; leave such objects to the evaluator.
      const o = new RObject(items.map(([k, v]) => [(k as { value: Value }).value, (v as { value: Value }).value] as const));
      return o.size === items.length ? { type: 'scalar', value: o, loc: t.loc } : { ...t, items };
    }
    case 'ref':
      return { ...t, head: foldTerm(t.head), path: t.path.map(foldTerm) };
    case 'call':
      return { ...t, args: t.args.map(foldTerm) };
    case 'arraycomp':
    case 'setcomp':
      return { ...t, term: foldTerm(t.term), body: foldBody(t.body) };
    case 'objectcomp':
      return { ...t, key: foldTerm(t.key), value: foldTerm(t.value), body: foldBody(t.body) };
    case 'template':
      return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : foldTerm(p))) };
    case 'with':
      return { ...t, term: foldTerm(t.term), with: t.with.map((w) => ({ target: w.target, value: foldTerm(w.value) })) };
    case 'membership':
      return { ...t, key: t.key && foldTerm(t.key), value: foldTerm(t.value), coll: foldTerm(t.coll) };
    default:
      return t;
  }
}

function foldExpr(e: Expr): Expr {
  switch (e.kind) {
    case 'term':
      return { ...e, term: foldTerm(e.term) };
    case 'unify':
    case 'assign':
      return { ...e, left: foldTerm(e.left), right: foldTerm(e.right) };
    case 'somein':
      return { ...e, key: e.key && foldTerm(e.key), value: foldTerm(e.value), coll: foldTerm(e.coll) };
    case 'every':
      return { ...e, key: e.key && foldTerm(e.key), value: foldTerm(e.value), coll: foldTerm(e.coll), body: foldBody(e.body) };
    case 'group':
      return { ...e, body: foldBody(e.body) };
    case 'or':
      return { ...e, branches: e.branches.map(foldBody) };
    default:
      return e;
  }
}

export function foldBody(body: Body): Body {
  return body.map((lit: Literal) => ({ ...lit, expr: foldExpr(lit.expr), with: lit.with.map((w) => ({ target: w.target, value: foldTerm(w.value) })) }));
}

export function foldRule(rule: Rule): Rule {
  const t = (x: Term | null): Term | null => x && foldTerm(x);
  return {
    ...rule,
    args: rule.args.map(foldTerm),
    key: t(rule.key),
    value: t(rule.value),
    ...(rule.refRest ? { refRest: rule.refRest.map(foldTerm) } : {}),
    body: foldBody(rule.body),
    elseRule: rule.elseRule && foldRule(rule.elseRule),
  };
}
