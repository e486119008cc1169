/** Pure helpers over terms and values that the evaluator uses. */
import type { Body, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';
import { RObject, formatValue, isArray, isObject, isSet, type Value } from '../values.js';

export function scalarTerm(value: string, loc: Location = { file: '', row: 0, col: 0 }): Term {
  return { type: 'scalar', value, loc };
}

export function index(value: Value, key: Value): Value | undefined {
  if (isArray(value)) return typeof key === 'number' && Number.isInteger(key) && key >= 0 ? value[key] : undefined;
  if (isObject(value)) return value.get(key);
  if (isSet(value)) return value.has(key) ? key : undefined;
  return undefined;
}

/** A copy of `root` with `value` at `path`, creating objects on the way. */
export function setPath(root: Value | undefined, path: readonly Value[], value: Value): Value {
  if (!path.length) return value;
  const [head, ...rest] = path;
  const obj = isObject(root) ? new RObject(root.entries()) : new RObject();
  obj.set(head!, setPath(isObject(root) ? root.get(head!) : undefined, rest, value));
  return obj;
}

/** The variables a pattern (var, array, object values) can bind. */
export function patternVars(terms: readonly (Term | null)[]): string[] {
  const out: string[] = [];
  for (const t of terms) addPatternVars(t, out);
  return out;
}

function addPatternVars(t: Term | null, out: string[]): void {
  if (!t) return;
  if (t.type === 'var') out.push(t.name);
  else if (t.type === 'array') for (const x of t.items) addPatternVars(x, out);
  else if (t.type === 'object') for (const [, v] of t.items) addPatternVars(v, out);
}

/** The variables of a query body that its results report (not inside closures). */
export function collectVars(body: Body, out: Set<string>): void {
  const visit = (t: Term | null): void => {
    if (!t) return;
    switch (t.type) {
      case 'var':
        out.add(t.name);
        return;
      case 'ref':
        visit(t.head);
        t.path.forEach(visit);
        return;
      case 'array':
      case 'set':
        t.items.forEach(visit);
        return;
      case 'object':
        t.items.forEach(([a, b]) => {
          visit(a);
          visit(b);
        });
        return;
      case 'call':
        t.args.forEach(visit);
        return;
      case 'membership':
        visit(t.value);
        visit(t.coll);
        return;
      default:
        return;
    }
  };
  for (const lit of body) {
    const e = lit.expr;
    if (e.kind === 'term') visit(e.term);
    else if (e.kind === 'unify' || e.kind === 'assign') {
      visit(e.left);
      visit(e.right);
    } else if (e.kind === 'some') e.vars.forEach((v) => out.add(v));
    else if (e.kind === 'somein') {
      visit(e.key);
      visit(e.value);
    }
  }
  for (const g of ['input', 'data']) out.delete(g);
}

export function templateText(v: Value): string {
  return typeof v === 'string' ? v : formatValue(v);
}

/** The key a path step denotes when it needs no evaluation: a constant or a bound variable. */
export function groundKey(p: Term | undefined, env: ReadonlyMap<string, Value>): Value | undefined {
  if (p === undefined) return undefined;
  if (p.type === 'scalar') return p.value;
  return p.type === 'var' ? env.get(p.name) : undefined;
}

/** Whether some item is an unbound variable, and a variable comes before a term that is not one. */
export function needsReorder(items: readonly Term[], env: ReadonlyMap<string, Value>): boolean {
  let unbound = false;
  let varBefore = false;
  let reorder = false;
  for (const t of items) {
    if (t.type === 'var') {
      varBefore = true;
      if (!env.has(t.name)) unbound = true;
    } else if (varBefore) reorder = true;
  }
  return unbound && reorder;
}

const FLAT_ITEMS = new WeakMap<Term, readonly Term[]>();

/** An object term's keys and values, alternating (made once per term). */
export function flatItems(t: Extract<Term, { type: 'object' }>): readonly Term[] {
  let flat = FLAT_ITEMS.get(t);
  if (!flat) FLAT_ITEMS.set(t, (flat = t.items.flat()));
  return flat;
}
