/** A module as OPA's AST JSON (what rego.parse_module returns): packages, imports and rules as term trees. */
import type { Body, Expr, Literal, Module, Rule, Term } from './nodes.js';
import { isNumber, toJSON, type Value } from '../values.js';

type J = Record<string, unknown>;

const v = (name: string): J => ({ type: 'var', value: name });
const str = (s: string): J => ({ type: 'string', value: s });
const refOf = (head: J, rest: J[]): J => ({ type: 'ref', value: [head, ...rest] });
/** An operator or builtin named by a dotted path: `plus`, `io.jwt.decode`. */
const op = (name: string): J => {
  const [head, ...rest] = name.split('.');
  return refOf(v(head!), rest.map(str));
};

function scalar(value: Value): J {
  if (value === null) return { type: 'null' };
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (isNumber(value)) return { type: 'number', value: toJSON(value) };
  return { type: 'string', value };
}

export function termJSON(t: Term): J {
  switch (t.type) {
    case 'scalar':
      return scalar(t.value);
    case 'var':
      return v(t.name);
    case 'ref':
      return refOf(termJSON(t.head), t.path.map(termJSON));
    case 'array':
      return { type: 'array', value: t.items.map(termJSON) };
    case 'set':
      return { type: 'set', value: t.items.map(termJSON) };
    case 'object':
      return { type: 'object', value: t.items.map(([k, x]) => [termJSON(k), termJSON(x)]) };
    case 'arraycomp':
      return { type: 'arraycomprehension', value: { term: termJSON(t.term), body: bodyJSON(t.body) } };
    case 'setcomp':
      return { type: 'setcomprehension', value: { term: termJSON(t.term), body: bodyJSON(t.body) } };
    case 'objectcomp':
      return { type: 'objectcomprehension', value: { key: termJSON(t.key), value: termJSON(t.value), body: bodyJSON(t.body) } };
    case 'call':
      return { type: 'call', value: [op(t.name), ...t.args.map(termJSON)] };
    case 'membership':
      return { type: 'call', value: t.key ? [op('internal.member_3'), termJSON(t.key), termJSON(t.value), termJSON(t.coll)] : [op('internal.member_2'), termJSON(t.value), termJSON(t.coll)] };
    case 'template':
      return { type: 'templatestring', value: t.parts.map((p) => (typeof p === 'string' ? str(p) : termJSON(p))) };
    case 'with':
      return termJSON(t.term);
  }
}

function exprTerms(e: Expr): unknown {
  switch (e.kind) {
    case 'term':
      return e.term.type === 'call' ? [op(e.term.name), ...e.term.args.map(termJSON)] : termJSON(e.term);
    case 'unify':
      return [op('eq'), termJSON(e.left), termJSON(e.right)];
    case 'assign':
      return [op('assign'), termJSON(e.left), termJSON(e.right)];
    case 'some':
      return { symbols: e.vars.map(v) };
    case 'somein':
      return { symbols: [{ type: 'call', value: e.key ? [op('internal.member_3'), termJSON(e.key), termJSON(e.value), termJSON(e.coll)] : [op('internal.member_2'), termJSON(e.value), termJSON(e.coll)] }] };
    case 'every':
      return { ...(e.key ? { key: termJSON(e.key) } : {}), value: termJSON(e.value), domain: termJSON(e.coll), body: bodyJSON(e.body) };
    case 'group':
      return { body: bodyJSON(e.body) };
    case 'or':
      return { branches: e.branches.map(bodyJSON) };
  }
}

function literalJSON(lit: Literal, index: number): J {
  return {
    index,
    terms: exprTerms(lit.expr),
    ...(lit.negated ? { negated: true } : {}),
    ...(lit.with.length ? { with: lit.with.map((w) => ({ target: termJSON(w.target), value: termJSON(w.value) })) } : {}),
  };
}

function bodyJSON(body: Body): J[] {
  return body.map(literalJSON);
}

function ruleJSON(r: Rule, pkgLength: number): J {
  const names = r.path.slice(pkgLength);
  const ref = [v(names[0]!), ...names.slice(1).map(str), ...(r.kind === 'object' ? [r.key!, ...(r.refRest ?? [])].map(termJSON) : [])];
  const head: J = { name: names.join('.'), ref };
  if (r.args.length) head['args'] = r.args.map(termJSON);
  if (r.kind === 'set') head['key'] = termJSON(r.key!);
  else if (r.kind === 'object' && r.multi) head['key'] = termJSON(r.value!);
  else if (r.value) head['value'] = termJSON(r.value);
  const body = r.body.length ? bodyJSON(r.body) : [literalJSON({ expr: { kind: 'term', term: { type: 'scalar', value: true, loc: r.loc } }, negated: false, with: [], loc: r.loc }, 0)];
  return { head, body, ...(r.isDefault ? { default: true } : {}), ...(r.elseRule ? { else: ruleJSON(r.elseRule, pkgLength) } : {}) };
}

export function moduleJSON(m: Module): J {
  return {
    package: { path: [v('data'), ...m.pkg.map(str)] },
    ...(m.imports.length ? { imports: m.imports.map((i) => ({ path: refOf(v(i.path[0]!), i.path.slice(1).map(str)), ...(i.alias ? { alias: i.alias } : {}) })) } : {}),
    ...(m.rules.length ? { rules: m.rules.map((r) => ruleJSON(r, m.pkg.length)) } : {}),
  };
}
