/**
 * Which expressions have at most one solution: a term whose variables are all bound (or name documents) yields
 * one value, unless it calls a relation (`walk`) or runs under `with`. Comprehensions count as one value whatever
 * their bodies do. The evaluator uses this to stop a negation's search without throwing.
 */
import type { Literal, Term } from '../ast/nodes.js';
import type { BuiltinDef } from '../builtins/types.js';
import type { ModuleScope } from '../compile/compiler.js';
import { globalName } from './globals.js';

/** Per set of builtins (which of them are relations), the answers for each term. */
export class SingleValues {
  readonly #builtins: ReadonlyMap<string, BuiltinDef>;
  readonly #vars = new WeakMap<Term, { readonly scope: ModuleScope; readonly locals: readonly string[] } | null>();

  constructor(builtins: ReadonlyMap<string, BuiltinDef>) {
    this.#builtins = builtins;
  }

  /** The local variables that must be bound for the literal to have one solution at most, or null if it may have more. */
  ofLiteral(lit: Literal, scope: ModuleScope): readonly string[] | null {
    return lit.with.length || lit.expr.kind !== 'term' ? null : this.of(lit.expr.term, scope);
  }

  /** The local variables (not naming documents) that must be bound for the term to have one value at most, or null. */
  of(t: Term, scope: ModuleScope): readonly string[] | null {
    let entry = this.#vars.get(t);
    if (entry === undefined || (entry && entry.scope !== scope)) {
      const out: string[] = [];
      entry = visit(t, out, this.#builtins) ? { scope, locals: [...new Set(out)].filter((v) => !globalName(v, scope)) } : null;
      this.#vars.set(t, entry);
    }
    return entry && entry.locals;
  }
}

const BY_BUILTINS = new WeakMap<ReadonlyMap<string, BuiltinDef>, SingleValues>();

export function singleValues(builtins: ReadonlyMap<string, BuiltinDef>): SingleValues {
  let sv = BY_BUILTINS.get(builtins);
  if (!sv) BY_BUILTINS.set(builtins, (sv = new SingleValues(builtins)));
  return sv;
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
