/**
 * Local declarations, checked as OPA's local-variable rewriting does: in one body, `:=` may not assign a name
 * that is already declared there ("assigned above") or already used there ("referenced above"), and `some` may
 * not declare a name twice. Closures (comprehensions, every, and/or groups) are scopes of their own that may
 * shadow the names around them; function arguments are declared in the rule's body.
 */
import { RegoError } from '../ast/errors.js';
import type { Body, Literal, Rule, Term } from '../ast/nodes.js';
import { literalVars, nestedBodies, patternVarNames, termVars } from './vars.js';

export function checkLocals(rules: readonly Rule[]): RegoError[] {
  const errors: RegoError[] = [];
  const body = (b: Body, declared: Set<string>): void => {
    const seen = new Set<string>();
    for (const lit of b) {
      declarations(lit, declared, seen, errors);
      for (const v of literalVars(lit).keys()) seen.add(v);
      for (const inner of nestedBodies(lit)) body(inner, new Set());
    }
  };
  for (const rule of rules) {
    for (let r: Rule | null = rule; r; r = r.elseRule) {
      const args = new Set<string>();
      for (const a of r.args) for (const v of termVars(a).keys()) args.add(v);
      body(r.body, args);
      for (const t of [r.key, r.value, ...(r.refRest ?? []), ...r.args]) if (t) termBodies(t, (inner) => body(inner, new Set()));
    }
  }
  return errors;
}

function declarations(lit: Literal, declared: Set<string>, seen: ReadonlySet<string>, errors: RegoError[]): void {
  const e = lit.expr;
  if (e.kind === 'assign') {
    for (const [v, loc] of termVars(e.left)) {
      if (!patternVarNames(e.left).has(v)) continue;
      if (declared.has(v)) errors.push(new RegoError('rego_compile_error', `var ${v} assigned above`, loc));
      else if (seen.has(v)) errors.push(new RegoError('rego_compile_error', `var ${v} referenced above`, loc));
      declared.add(v);
    }
  } else if (e.kind === 'some') {
    for (const v of e.vars) {
      if (declared.has(v)) errors.push(new RegoError('rego_compile_error', `var ${v} declared above`, lit.loc));
      declared.add(v);
    }
  } else if (e.kind === 'somein') {
    for (const v of patternVarNames(e.key, patternVarNames(e.value))) declared.add(v);
  }
}

/** Comprehension bodies in a rule head's terms. */
function termBodies(t: Term, f: (b: Body) => void): void {
  switch (t.type) {
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      return f(t.body);
    case 'ref':
      termBodies(t.head, f);
      return t.path.forEach((p) => termBodies(p, f));
    case 'array':
    case 'set':
      return t.items.forEach((x) => termBodies(x, f));
    case 'object':
      return t.items.forEach(([k, v]) => (termBodies(k, f), termBodies(v, f)));
    case 'call':
      return t.args.forEach((x) => termBodies(x, f));
    default:
      return;
  }
}
