/**
 * Which variables a term or literal mentions, and which it binds: the facts the safety check and the body
 * reordering rest on (OPA's VarVisitor with SafetyCheckVisitorParams, and outputVarsForExpr).
 */
import { forEachChild } from '../ast/children.js';
import { termName } from '../ast/names.js';
import type { Body, Expr, Literal, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';

export type VarSet = Set<string>;

/** How many inputs a function takes (its calls may pass one more: the output), or undefined if unknown. */
export type ArityOf = (name: string) => number | undefined;

/** Vars of a term, outside closures (comprehensions); call names are not vars. */
export function termVars(t: Term | null, out: Map<string, Location> = new Map()): Map<string, Location> {
  if (!t) return out;
  switch (t.type) {
    case 'var':
      if (t.name !== '_' && !out.has(t.name)) out.set(t.name, t.loc);
      break;
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      break;
    default:
      forEachChild(t, (x) => termVars(x, out), () => undefined);
  }
  return out;
}

/** Whether a name (`count`, `data.lib.f`) denotes a function, which a `with` may substitute by name. */
export type IsFunction = (name: string) => boolean;

/** Vars of a `with` value: none when it names a function (`with count as my_count`). */
export function withValueVars(value: Term, isFunction: IsFunction, out: Map<string, Location> = new Map()): Map<string, Location> {
  const name = termName(value);
  if (name !== undefined && isFunction(name)) return out;
  return termVars(value, out);
}

/** Vars of a literal outside closures (with-modifier values included, their targets not). */
export function literalVars(lit: Literal, isFunction: IsFunction = () => false): Map<string, Location> {
  const out = new Map<string, Location>();
  const e = lit.expr;
  switch (e.kind) {
    case 'term':
      termVars(e.term, out);
      break;
    case 'unify':
    case 'assign':
      termVars(e.left, out);
      termVars(e.right, out);
      break;
    case 'somein':
      termVars(e.key, out);
      termVars(e.value, out);
      termVars(e.coll, out);
      break;
    case 'every':
      termVars(e.coll, out);
      break;
    default:
      break;
  }
  for (const w of lit.with) withValueVars(w.value, isFunction, out);
  return out;
}

/** Vars a pattern binds by unification: bare vars, and vars among array items and object values. */
export function patternVarNames(t: Term | null, out: VarSet = new Set()): VarSet {
  if (!t) return out;
  if (t.type === 'var') {
    if (t.name !== '_') out.add(t.name);
  } else if (t.type === 'array') t.items.forEach((x) => patternVarNames(x, out));
  else if (t.type === 'object') t.items.forEach(([, v]) => patternVarNames(v, out));
  return out;
}

/** Every body nested in a term or literal (comprehensions, every, groups), for the checks that recurse. */
export function nestedBodies(lit: Literal): Body[] {
  const out: Body[] = [];
  const visit = (t: Term | null): void => {
    if (!t) return;
    switch (t.type) {
      case 'arraycomp':
      case 'setcomp':
      case 'objectcomp':
        out.push(t.body);
        return;
      default:
        forEachChild(t, visit, () => undefined);
    }
  };
  visitExpr(lit.expr, visit, (b) => out.push(b));
  lit.with.forEach((w) => visit(w.value));
  return out;
}

function visitExpr(e: Expr, term: (t: Term | null) => void, body: (b: Body) => void): void {
  switch (e.kind) {
    case 'term':
      return term(e.term);
    case 'unify':
    case 'assign':
      term(e.left);
      return term(e.right);
    case 'somein':
      term(e.key);
      term(e.value);
      return term(e.coll);
    case 'every':
      term(e.key);
      term(e.value);
      term(e.coll);
      return body(e.body);
    case 'group':
      return body(e.body);
    case 'or':
      return e.branches.forEach(body);
    default:
      return;
  }
}

/** All vars of a body, closures included (a closure's vars may close over the body's). */
export function allBodyVars(body: Body, out: VarSet = new Set()): VarSet {
  for (const lit of body) {
    for (const v of literalVars(lit).keys()) out.add(v);
    if (lit.expr.kind === 'every') patternVarNames(lit.expr.key, patternVarNames(lit.expr.value, out));
    for (const b of nestedBodies(lit)) allBodyVars(b, out);
    for (const t of closureHeads(lit)) for (const v of termVars(t).keys()) out.add(v);
  }
  return out;
}

/** The head terms of comprehensions directly in a literal. */
export function closureHeads(lit: Literal): Term[] {
  const out: Term[] = [];
  const visit = (t: Term | null): void => {
    if (!t) return;
    if (t.type === 'arraycomp' || t.type === 'setcomp') out.push(t.term);
    else if (t.type === 'objectcomp') out.push(t.key, t.value);
    else if (t.type === 'ref') (visit(t.head), t.path.forEach(visit));
    else if (t.type === 'array' || t.type === 'set') t.items.forEach(visit);
    else if (t.type === 'object') t.items.forEach(([k, v]) => (visit(k), visit(v)));
    else if (t.type === 'call') t.args.forEach(visit);
    else if (t.type === 'membership') (visit(t.key), visit(t.value), visit(t.coll));
  };
  visitExpr(lit.expr, visit, () => undefined);
  return out;
}

/** Vars a literal binds, given the vars already safe (OPA's outputVarsForExpr). */
export function outputVars(lit: Literal, safe: (v: string) => boolean, arity: ArityOf): VarSet {
  const out: VarSet = new Set();
  if (lit.negated) return out;
  const isFunction = (name: string): boolean => arity(name) !== undefined;
  for (const w of lit.with) for (const v of withValueVars(w.value, isFunction).keys()) if (!safe(v)) return out;
  const isSafe = (v: string): boolean => safe(v) || out.has(v);
  const e = lit.expr;
  switch (e.kind) {
    case 'term':
      refOutputs(e.term, isSafe, out);
      if (e.term.type === 'call') callOutputs(e.term, arity, isSafe, out);
      return out;
    case 'unify':
    case 'assign':
      refOutputs(e.left, isSafe, out);
      refOutputs(e.right, isSafe, out);
      unifyOutputs(e.left, e.right, isSafe, out);
      return out;
    case 'somein': {
      refOutputs(e.coll, isSafe, out);
      if ([...termVars(e.coll).keys()].every(isSafe)) {
        patternVarNames(e.key, out);
        patternVarNames(e.value, out);
      }
      return out;
    }
    case 'every':
      refOutputs(e.coll, isSafe, out);
      return out;
    default:
      return out;
  }
}

/** Refs whose head is safe bind the vars in their path (iteration); nested refs are visited too. */
function refOutputs(t: Term | null, safe: (v: string) => boolean, out: VarSet): void {
  if (!t) return;
  switch (t.type) {
    case 'ref': {
      const headSafe = t.head.type === 'var' ? safe(t.head.name) : [...termVars(t.head).keys()].every(safe);
      refOutputs(t.head, safe, out);
      if (headSafe) for (const p of t.path) if (p.type === 'var' || p.type === 'array' || p.type === 'object') patternVarNames(p, out);
      t.path.forEach((p) => refOutputs(p, safe, out));
      return;
    }
    case 'array':
    case 'set':
      return t.items.forEach((x) => refOutputs(x, safe, out));
    case 'object':
      return t.items.forEach(([k, v]) => (refOutputs(k, safe, out), refOutputs(v, safe, out)));
    case 'call':
      return t.args.forEach((x) => refOutputs(x, safe, out));
    case 'template':
      return t.parts.forEach((p) => typeof p !== 'string' && refOutputs(p, safe, out));
    case 'membership':
      refOutputs(t.key, safe, out);
      refOutputs(t.value, safe, out);
      return refOutputs(t.coll, safe, out);
    default:
      return;
  }
}

/** `f(x, out)`: with its inputs safe, a call binds the vars of its extra (output) argument. */
function callOutputs(t: Extract<Term, { type: 'call' }>, arity: ArityOf, safe: (v: string) => boolean, out: VarSet): void {
  const n = arity(t.name);
  if (n === undefined || t.args.length <= n) return;
  const inputs = new Map<string, Location>();
  t.args.slice(0, n).forEach((a) => termVars(a, inputs));
  if (![...inputs.keys()].every(safe)) return;
  t.args.slice(n).forEach((a) => patternVarNames(a, out));
}

/** What unifying `a = b` makes safe: a side whose vars are all safe binds the other side's pattern vars. */
function unifyOutputs(a: Term, b: Term, safe: (v: string) => boolean, out: VarSet): void {
  for (let before = -1; before !== out.size; ) {
    before = out.size;
    unifyStep(a, b, safe, out);
  }
}

function unifyStep(a: Term, b: Term, safe: (v: string) => boolean, out: VarSet): void {
  const ground = (t: Term): boolean => [...termVars(t).keys()].every((v) => safe(v) || out.has(v));
  if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
    a.items.forEach((x, i) => unifyStep(x, b.items[i]!, safe, out));
    return;
  }
  if (a.type === 'object' && b.type === 'object') {
    for (const [ka, va] of a.items) {
      const match = b.items.find(([kb]) => sameKey(ka, kb));
      if (match) unifyStep(va, match[1], safe, out);
    }
    return;
  }
  if (ground(b)) patternVarNames(a, out);
  if (ground(a)) patternVarNames(b, out);
}

function sameKey(a: Term, b: Term): boolean {
  if (a.type === 'var' && b.type === 'var') return a.name === b.name;
  return a.type === 'scalar' && b.type === 'scalar' && a.value === b.value;
}
