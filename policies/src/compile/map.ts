/** Bottom-up rewriting of every term of a rule or body (closures and with-modifier values included). */
import type { Body, Expr, Literal, Rule, Term } from '../ast/nodes.js';

export type TermRewrite = (t: Term) => Term;

/** The term with its subterms rewritten first, then itself. */
export function mapTerm(t: Term, f: TermRewrite): Term {
  const sub = (x: Term): Term => mapTerm(x, f);
  switch (t.type) {
    case 'array':
    case 'set':
      return f({ ...t, items: t.items.map(sub) });
    case 'object':
      return f({ ...t, items: t.items.map(([k, v]) => [sub(k), sub(v)] as const) });
    case 'ref':
      return f({ ...t, head: sub(t.head), path: t.path.map(sub) });
    case 'call':
      return f({ ...t, args: t.args.map(sub) });
    case 'arraycomp':
    case 'setcomp':
      return f({ ...t, term: sub(t.term), body: mapBody(t.body, f) });
    case 'objectcomp':
      return f({ ...t, key: sub(t.key), value: sub(t.value), body: mapBody(t.body, f) });
    case 'template':
      return f({ ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : sub(p))) });
    case 'with':
      return f({ ...t, term: sub(t.term), with: t.with.map((w) => ({ target: w.target, value: sub(w.value) })) });
    case 'membership':
      return f({ ...t, key: t.key && sub(t.key), value: sub(t.value), coll: sub(t.coll) });
    default:
      return f(t);
  }
}

function mapExpr(e: Expr, f: TermRewrite): Expr {
  const sub = (x: Term): Term => mapTerm(x, f);
  switch (e.kind) {
    case 'term':
      return { ...e, term: sub(e.term) };
    case 'unify':
    case 'assign':
      return { ...e, left: sub(e.left), right: sub(e.right) };
    case 'somein':
      return { ...e, key: e.key && sub(e.key), value: sub(e.value), coll: sub(e.coll) };
    case 'every':
      return { ...e, key: e.key && sub(e.key), value: sub(e.value), coll: sub(e.coll), body: mapBody(e.body, f) };
    case 'group':
      return { ...e, body: mapBody(e.body, f) };
    case 'or':
      return { ...e, branches: e.branches.map((b) => mapBody(b, f)) };
    default:
      return e;
  }
}

export function mapBody(body: Body, f: TermRewrite): Body {
  return body.map((lit: Literal) => ({ ...lit, expr: mapExpr(lit.expr, f), with: lit.with.map((w) => ({ target: w.target, value: mapTerm(w.value, f) })) }));
}

export function mapRule(rule: Rule, f: TermRewrite): Rule {
  const t = (x: Term | null): Term | null => x && mapTerm(x, f);
  return {
    ...rule,
    args: rule.args.map((a) => mapTerm(a, f)),
    key: t(rule.key),
    value: t(rule.value),
    ...(rule.refRest ? { refRest: rule.refRest.map((x) => mapTerm(x, f)) } : {}),
    body: mapBody(rule.body, f),
    elseRule: rule.elseRule && mapRule(rule.elseRule, f),
  };
}
