/**
 * Safety (OPA's reorderBodyForSafety): every variable must be bound before a literal reads it. Literals are
 * moved as little as possible — in each pass, the ones that became safe keep their order — and whatever cannot
 * be made safe is a `rego_unsafe_var_error` at the literal, one per variable.
 */
import { RegoError } from '../ast/errors.js';
import type { Body, Expr, Literal, Rule, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';
import { declaredName } from './shadow.js';
import { allBodyVars, closureHeads, literalVars, nestedBodies, outputVars, patternVarNames, termVars, type ArityOf, type VarSet } from './vars.js';

/** Vars the compiler made up; never reported as unsafe (OPA skips generated vars). */
export const GENERATED_PREFIX = '__local';

export class SafetyChecker {
  readonly #unsafe = new Map<string, Location>();

  constructor(
    private readonly isGlobal: (name: string) => boolean,
    private readonly arity: ArityOf,
  ) {}

  /** A rule with its bodies reordered; unsafe vars (head vars included) are collected for `errors()`. */
  rule(rule: Rule, args: readonly Term[] = rule.args): Rule {
    const safe = new Set<string>();
    for (const a of args) for (const v of termVars(a).keys()) safe.add(v);
    const body = this.body(rule.body, safe);
    const bound = this.#bound(body, safe);
    for (const t of [rule.key, rule.value, ...(rule.refRest ?? [])]) {
      for (const v of termVars(t).keys()) if (!bound.has(v) && !this.isGlobal(v)) this.#report(v, rule.loc);
    }
    for (const t of [rule.key, rule.value, ...(rule.refRest ?? [])]) if (t) this.#closuresInTerm(t, bound);
    const elseRule = rule.elseRule ? this.rule(rule.elseRule, args) : null;
    return { ...rule, body, elseRule };
  }

  /** The body in a safe order, given the vars bound outside it. */
  body(body: Body, outer: ReadonlySet<string>): Body {
    const safe = new Set(outer);
    const isSafe = (v: string): boolean => safe.has(v) || this.isGlobal(v);
    const bodyVars = new Set<string>();
    for (const lit of body) for (const v of this.#vars(lit).keys()) bodyVars.add(v);
    // A var that `:=` declares later in the body is a different var in the closures before it (OPA renames it).
    const declaredAt = new Map<string, number>();
    body.forEach((lit, i) => {
      if (lit.expr.kind === 'assign') for (const v of patternVarNames(lit.expr.left)) if (!declaredAt.has(v)) declaredAt.set(v, i);
    });
    const position = new Map(body.map((lit, i) => [lit, i] as const));
    const closesOver = (lit: Literal, v: string): boolean => bodyVars.has(v) && (declaredAt.get(v) ?? -1) <= position.get(lit)!;
    const pending = [...body];
    const ordered: Literal[] = [];
    for (let progress = true; progress && pending.length; ) {
      progress = false;
      for (let i = 0; i < pending.length; ) {
        const lit = pending[i]!;
        const outs = outputVars(lit, isSafe, this.arity);
        const needs = this.#needs(lit, (v) => closesOver(lit, v), outs);
        if ([...needs.keys()].every((v) => isSafe(v) || outs.has(v))) {
          for (const v of outs) safe.add(v);
          ordered.push(lit);
          pending.splice(i, 1);
          progress = true;
        } else i++;
      }
    }
    for (const lit of pending) {
      const outs = outputVars(lit, isSafe, this.arity);
      for (const [v] of this.#needs(lit, (v) => closesOver(lit, v), outs)) if (!isSafe(v) && !outs.has(v)) this.#report(v, lit.loc);
    }
    // Closures see the vars of the literals before them.
    const seen = new Set(outer);
    const out: Literal[] = [];
    for (const lit of [...ordered, ...pending]) {
      out.push(this.#closures(lit, seen));
      for (const v of this.#vars(lit).keys()) seen.add(v);
      for (const v of outputVars(lit, (x) => seen.has(x) || this.isGlobal(x), this.arity)) seen.add(v);
    }
    return out;
  }

  #vars(lit: Literal): Map<string, Location> {
    return literalVars(lit, (name) => this.arity(name) !== undefined);
  }

  errors(): RegoError[] {
    return [...this.#unsafe]
      .sort(([, a], [, b]) => a.file.localeCompare(b.file) || a.row - b.row || a.col - b.col)
      .map(([v, loc]) => new RegoError('rego_unsafe_var_error', `var ${v} is unsafe`, loc));
  }

  #report(name: string, loc: Location): void {
    const v = declaredName(name) ?? name;
    if (v.startsWith(GENERATED_PREFIX)) return;
    const prev = this.#unsafe.get(v);
    if (!prev || loc.row < prev.row || (loc.row === prev.row && loc.col < prev.col)) this.#unsafe.set(v, loc);
  }

  /** What a literal reads: its own vars, plus the body's vars its closures close over (unless it binds them). */
  #needs(lit: Literal, closesOver: (v: string) => boolean, outs: ReadonlySet<string>): Map<string, Location> {
    const needs = this.#vars(lit);
    if (lit.expr.kind === 'somein') for (const v of patternVarNames(lit.expr.key, patternVarNames(lit.expr.value))) needs.delete(v);
    if (lit.expr.kind === 'some') return new Map();
    const closed: VarSet = new Set();
    for (const b of nestedBodies(lit)) allBodyVars(b, closed);
    for (const t of closureHeads(lit)) for (const v of termVars(t).keys()) closed.add(v);
    if (lit.expr.kind === 'every') for (const v of patternVarNames(lit.expr.key, patternVarNames(lit.expr.value))) closed.delete(v);
    for (const v of closed) if (closesOver(v) && !outs.has(v) && !needs.has(v)) needs.set(v, lit.loc);
    return needs;
  }

  /** The literal with the bodies nested in it reordered, each seeing `seen` as bound. */
  #closures(lit: Literal, seen: ReadonlySet<string>): Literal {
    const e = lit.expr;
    const term = (t: Term): Term => this.#closuresInTerm(t, seen);
    let expr: Expr;
    switch (e.kind) {
      case 'term':
        expr = { ...e, term: term(e.term) };
        break;
      case 'unify':
      case 'assign':
        expr = { ...e, left: term(e.left), right: term(e.right) };
        break;
      case 'somein':
        expr = { ...e, coll: term(e.coll) };
        break;
      case 'every': {
        const inner = new Set(seen);
        patternVarNames(e.key, patternVarNames(e.value, inner));
        expr = { ...e, coll: term(e.coll), body: this.body(e.body, inner) };
        break;
      }
      case 'group':
        expr = { ...e, body: this.body(e.body, seen) };
        break;
      case 'or':
        expr = { ...e, branches: e.branches.map((b) => this.body(b, seen)) };
        break;
      default:
        expr = e;
    }
    return { ...lit, expr, with: lit.with.map((w) => ({ ...w, value: term(w.value) })) };
  }

  #closuresInTerm(t: Term, seen: ReadonlySet<string>): Term {
    const term = (x: Term): Term => this.#closuresInTerm(x, seen);
    switch (t.type) {
      case 'arraycomp':
      case 'setcomp': {
        const body = this.body(t.body, seen);
        this.#headSafe([t.term], body, seen, t.loc);
        return { ...t, body, term: this.#closuresInTerm(t.term, this.#bound(body, seen)) };
      }
      case 'objectcomp': {
        const body = this.body(t.body, seen);
        this.#headSafe([t.key, t.value], body, seen, t.loc);
        const inner = this.#bound(body, seen);
        return { ...t, body, key: this.#closuresInTerm(t.key, inner), value: this.#closuresInTerm(t.value, inner) };
      }
      case 'ref':
        return { ...t, head: term(t.head), path: t.path.map(term) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(term) };
      case 'object':
        return { ...t, items: t.items.map(([k, v]) => [term(k), term(v)] as const) };
      case 'call':
        return { ...t, args: t.args.map(term) };
      case 'template':
        return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : term(p))) };
      case 'with':
        return { ...t, term: term(t.term), with: t.with.map((w) => ({ ...w, value: term(w.value) })) };
      case 'membership':
        return { ...t, key: t.key && term(t.key), value: term(t.value), coll: term(t.coll) };
      default:
        return t;
    }
  }

  /** The vars a (safe) body binds: those of its literals, not of the closures in them. */
  #bound(body: Body, outer: ReadonlySet<string>): Set<string> {
    const out = new Set(outer);
    for (const lit of body) for (const v of this.#vars(lit).keys()) out.add(v);
    return out;
  }

  /** A comprehension's head may only use vars its body (or the outside) binds. */
  #headSafe(heads: readonly Term[], body: Body, seen: ReadonlySet<string>, loc: Location): void {
    const bound = this.#bound(body, seen);
    for (const h of heads) for (const v of termVars(h).keys()) if (!bound.has(v) && !this.isGlobal(v)) this.#report(v, loc);
  }
}
