/**
 * `some x` declares a local x even where a rule (or import) is named x. The evaluator tells locals from rules by
 * name, so such a declaration renames x for the rest of its body — nested closures and the rule head included —
 * as OPA's local-variable rewriting does.
 */
import type { Body, Expr, Literal, Rule, Term } from '../ast/nodes.js';
type Renames = ReadonlyMap<string, string>;

const RENAMED = /^__some_(.+)_\d+__$/;

/** The name a renamed declaration had in the source (for error messages), or undefined. */
export function declaredName(v: string): string | undefined {
  return RENAMED.exec(v)?.[1];
}

export function renameShadowingDecls(rule: Rule, isGlobal: (name: string) => boolean): Rule {
  let counter = 0;
  const fresh = (v: string): string => `__some_${v}_${counter++}__`;
  const body = (b: Body, outer: Renames): [Body, Renames] => {
    const renames = new Map(outer);
    const out: Literal[] = [];
    for (const lit of b) {
      if (lit.expr.kind === 'some') {
        for (const v of lit.expr.vars) if (isGlobal(v) && !renames.has(v)) renames.set(v, fresh(v));
      }
      out.push(literal(lit, renames));
    }
    return [out, renames];
  };
  const literal = (lit: Literal, r: Renames): Literal => ({ ...lit, expr: expr(lit.expr, r), with: lit.with.map((w) => ({ target: w.target, value: term(w.value, r) })) });
  const expr = (e: Expr, r: Renames): Expr => {
    switch (e.kind) {
      case 'term':
        return { ...e, term: term(e.term, r) };
      case 'unify':
      case 'assign':
        return { ...e, left: term(e.left, r), right: term(e.right, r) };
      case 'some':
        return { ...e, vars: e.vars.map((v) => r.get(v) ?? v) };
      case 'somein':
        return { ...e, key: e.key && term(e.key, r), value: term(e.value, r), coll: term(e.coll, r) };
      case 'every':
        return { ...e, key: e.key && term(e.key, r), value: term(e.value, r), coll: term(e.coll, r), body: body(e.body, r)[0] };
      case 'group':
        return { ...e, body: body(e.body, r)[0] };
      case 'or':
        return { ...e, branches: e.branches.map((b) => body(b, r)[0]) };
    }
  };
  const term = (t: Term, r: Renames): Term => {
    switch (t.type) {
      case 'var': {
        const to = r.get(t.name);
        return to ? { ...t, name: to } : t;
      }
      case 'ref':
        return { ...t, head: term(t.head, r), path: t.path.map((p) => term(p, r)) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map((x) => term(x, r)) };
      case 'object':
        return { ...t, items: t.items.map(([k, v]) => [term(k, r), term(v, r)] as const) };
      case 'call':
        return { ...t, args: t.args.map((x) => term(x, r)) };
      case 'arraycomp':
      case 'setcomp': {
        const [b, inner] = body(t.body, r);
        return { ...t, body: b, term: term(t.term, inner) };
      }
      case 'objectcomp': {
        const [b, inner] = body(t.body, r);
        return { ...t, body: b, key: term(t.key, inner), value: term(t.value, inner) };
      }
      case 'template':
        return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : term(p, r))) };
      case 'with':
        return { ...t, term: term(t.term, r), with: t.with.map((w) => ({ target: w.target, value: term(w.value, r) })) };
      case 'membership':
        return { ...t, key: t.key && term(t.key, r), value: term(t.value, r), coll: term(t.coll, r) };
      default:
        return t;
    }
  };
  const rewrite = (r: Rule): Rule => {
    const [b, renames] = body(r.body, new Map());
    const head = (t: Term | null): Term | null => t && term(t, renames);
    return { ...r, body: b, key: head(r.key), value: head(r.value), ...(r.refRest ? { refRest: r.refRest.map((x) => term(x, renames)) } : {}), elseRule: r.elseRule && rewrite(r.elseRule) };
  };
  return rewrite(rule);
}
