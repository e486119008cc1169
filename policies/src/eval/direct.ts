/**
 * Terms with one value at most (solutions.ts), evaluated directly: a value returned instead of a continuation
 * called, which saves the closures continuation-passing costs on every step, by closures compiled once per term.
 * Terms this layer does not handle itself are evaluated by the general code and their one value taken.
 */
import type { Literal, Term } from '../ast/nodes.js';
import type { ModuleScope, TreeNode } from '../compile/compiler.js';
import { RObject, RSet, equal, isArray, isObject, isSet, type Value } from '../values.js';
import { MANY, type Env, type KV } from './core.js';
import { DocumentEval } from './documents.js';
import { globalName, ruleNode, type GlobalName } from './globals.js';
import type { SingleValues } from './solutions.js';
import { index } from './terms.js';

/** A term's value, given the evaluation and the bindings (see DirectEval.#compile). */
export type Compiled = (ev: DirectEval, env: Env) => Value | undefined;

/**
 * A reference's key: a scalar constant as itself (most keys are: `input.call.model`), so reading it calls nothing;
 * any other term compiled. Scalars are never functions, so the two are told apart by typeof.
 */
type Key = Compiled | Exclude<Value, object>;

const NO_KEYS: readonly Key[] = [];

const keyValue = (key: Key, ev: DirectEval, env: Env): Value | undefined => (typeof key === 'function' ? key(ev, env) : key);

interface CompiledTerm {
  /** The scope it was compiled for: a term is read in one scope, which is checked all the same. */
  readonly scope: ModuleScope;
  readonly fn: Compiled;
  /** The locals that must be bound for one value at most (solutions.ts), for the builtins in `singles`. */
  locals?: readonly string[] | null;
  singles?: SingleValues;
}

const COMPILED = new WeakMap<Term, CompiledTerm>();

/** What a call site's compiled closure remembers of its resolution: the target, for the builtins it was resolved with. */
export interface CallSite {
  builtins?: object;
  target?: unknown;
}

export abstract class DirectEval extends DocumentEval {
  /** A call's value, its operands (compiled from its arguments) evaluated directly: the call has one value at most. */
  protected abstract callValue(t: Extract<Term, { type: 'call' }>, args: readonly Compiled[], env: Env, scope: ModuleScope, site: CallSite): Value | undefined;

  protected override termValue(t: Term, env: Env, scope: ModuleScope, k: KV): void {
    const v = this.singleValue(t, env, scope);
    if (v === MANY) return this.term(t, env, scope, k);
    if (v !== undefined) k(v);
  }

  protected override singleValue(t: Term, env: Env, scope: ModuleScope): Value | undefined | typeof MANY {
    if (this.mocks.size) return MANY;
    const entry = DirectEval.#entry(t, scope);
    if (entry.singles !== this.singles) {
      entry.singles = this.singles;
      entry.locals = this.singles.of(t, scope);
    }
    return this.allBound(entry.locals ?? null, env) ? entry.fn(this, env) : MANY;
  }

  protected override quickLiteral(lit: Literal, env: Env, scope: ModuleScope): boolean | readonly [string, Value | undefined] | typeof MANY {
    const e = lit.expr;
    if (lit.negated) {
      if (e.kind !== 'term' || !this.singleSolution(lit, env, scope)) return MANY;
      const v = this.singleValue(e.term, env, scope);
      return v === MANY ? MANY : v === undefined || v === false;
    }
    if (e.kind === 'term') {
      const v = this.singleValue(e.term, env, scope);
      return v === MANY ? MANY : v !== undefined && v !== false;
    }
    if (e.kind !== 'assign' || e.left.type !== 'var') return MANY;
    const v = this.singleValue(e.right, env, scope);
    if (v === MANY || v === undefined) return v === MANY ? MANY : false;
    const name = e.left.name;
    if (name === '_') return true;
    const old = env.get(name);
    env.set(name, v);
    return [name, old];
  }

  /** The value of a term known to have one value at most; undefined when it has none. */
  protected value(t: Term, env: Env, scope: ModuleScope): Value | undefined {
    return DirectEval.#entry(t, scope).fn(this, env);
  }

  static #entry(t: Term, scope: ModuleScope): CompiledTerm {
    let entry = COMPILED.get(t);
    if (entry?.scope !== scope) COMPILED.set(t, (entry = { scope, fn: DirectEval.#compile(t, scope) }));
    return entry;
  }

  /** The values of compiled terms, or undefined when one has none. */
  protected valuesOf(fns: readonly Compiled[], env: Env): Value[] | undefined {
    const out: Value[] = [];
    for (const fn of fns) {
      const v = fn(this, env);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }

  /** The one value of a term by the general evaluation. */
  protected generalValue(t: Term, env: Env, scope: ModuleScope): Value | undefined {
    let out: Value | undefined;
    this.term(t, env, scope, (v) => {
      out = v;
    });
    return out;
  }

  /**
   * A term made into a closure once (per scope), so evaluating it again dispatches on nothing: its constants, names
   * and operands are resolved in advance. Terms it does not cover go to the general evaluation.
   */
  static #compile(t: Term, scope: ModuleScope): Compiled {
    const sub = (x: Term): Compiled => DirectEval.#compile(x, scope);
    switch (t.type) {
      case 'scalar': {
        const v = t.value;
        return () => v;
      }
      case 'var': {
        const name = t.name;
        const g = globalName(name, scope);
        if (!g) return (_ev, env) => env.get(name);
        return (ev, env) => env.get(name) ?? ev.#globalValue(t, g, NO_KEYS, true, env, scope);
      }
      case 'ref': {
        const keys = t.path.map((x): Key => (x.type === 'scalar' && (x.value === null || typeof x.value !== 'object') ? x.value : sub(x)));
        const constant = keys.every((key) => typeof key !== 'function');
        const head = t.head;
        if (head.type !== 'var') {
          const base = sub(head);
          return (ev, env) => walk(ev, env, base(ev, env), keys, 0);
        }
        const name = head.name;
        const g = globalName(name, scope);
        return (ev, env) => {
          const bound = env.get(name);
          if (bound !== undefined) return walk(ev, env, bound, keys, 0);
          return g ? ev.#globalValue(t, g, keys, constant, env, scope) : undefined;
        };
      }
      case 'call': {
        const args = t.args.map(sub);
        const site: CallSite = {};
        return (ev, env) => ev.callValue(t, args, env, scope, site);
      }
      case 'array': {
        const items = t.items.map(sub);
        return (ev, env) => ev.valuesOf(items, env);
      }
      case 'set': {
        const items = t.items.map(sub);
        return (ev, env) => {
          const vs = ev.valuesOf(items, env);
          return vs && new RSet(vs);
        };
      }
      case 'object': {
        const pairs = t.items.map(([k, v]) => [sub(k), sub(v)] as const);
        return (ev, env) => {
          const out = new RObject();
          for (const [kf, vf] of pairs) {
            const key = kf(ev, env);
            const v = key === undefined ? undefined : vf(ev, env);
            if (v === undefined) return undefined;
            out.set(key!, v);
          }
          return out;
        };
      }
      case 'membership': {
        const coll = sub(t.coll);
        const value = sub(t.value);
        const key = t.key && sub(t.key);
        return (ev, env) => {
          const c = coll(ev, env);
          const member = c === undefined ? undefined : value(ev, env);
          if (member === undefined) return undefined;
          if (!key) return contains(c!, member);
          const k = key(ev, env);
          if (k === undefined) return undefined;
          const at = index(c!, k);
          return at !== undefined && equal(at, member);
        };
      }
      default:
        return (ev, env) => ev.generalValue(t, env, scope);
    }
  }

  /**
   * A document named by a global (input, data, an import, a rule) and indexed by `keys`: the tree of rules walked
   * alongside the base document, as dataRef() does for a ground path.
   */
  #globalValue(t: Term, g: GlobalName, keys: readonly Key[], constant: boolean, env: Env, scope: ModuleScope): Value | undefined {
    if (this.dataOverrides.length) return this.generalValue(t, env, scope);
    if (g.root === 'input') {
      let v = this.input;
      for (let j = 0; j < g.prefix.length && v !== undefined; j++) v = index(v, g.prefix[j]!);
      return walk(this, env, v, keys, 0);
    }
    const rules = ruleNode(g, this.policy.tree);
    if (rules) return walk(this, env, this.documentAt(rules, undefined, t.loc), keys, 0);
    // A constant path into base documents only names the same value in every evaluation over this data.
    const baseRefs = constant ? this.opts.memo?.baseRefs : undefined;
    const known = baseRefs?.get(t);
    if (known?.[0] === g) return known[1];
    let node: TreeNode | undefined = this.policy.tree;
    let base: Value | undefined = this.data;
    const n = g.prefix.length + keys.length;
    for (let i = 0; i < n; i++) {
      // A rule computes the whole document below it; the rest of the path indexes that.
      if (node?.ruleSet) return walk(this, env, this.documentAt(node, base, t.loc), keys, i - g.prefix.length);
      const key = i < g.prefix.length ? g.prefix[i]! : keyValue(keys[i - g.prefix.length]!, this, env);
      if (key === undefined) return undefined;
      const child: TreeNode | undefined = typeof key === 'string' ? node?.children.get(key) : undefined;
      let sub: Value | undefined = base === undefined ? undefined : index(base, key);
      // The base document is a JSON tree, so a number names the key of its text, as in OPA's store (`data[2]`).
      if (sub === undefined && isObject(base) && (typeof key === 'number' || typeof key === 'bigint')) sub = base.get(String(key));
      if (!child && sub === undefined) {
        baseRefs?.set(t, [g, undefined]);
        return undefined;
      }
      node = child;
      base = sub;
    }
    if (node) return this.documentAt(node, base, t.loc);
    baseRefs?.set(t, [g, base]);
    return base;
  }
}

/** A value indexed by the values of compiled keys, from position `from`. */
function walk(ev: DirectEval, env: Env, value: Value | undefined, keys: readonly Key[], from: number): Value | undefined {
  let v = value;
  for (let i = from; i < keys.length && v !== undefined; i++) {
    const key = keyValue(keys[i]!, ev, env);
    v = key === undefined ? undefined : index(v, key);
  }
  return v;
}

/** `x in coll`: a member of a set, an element of an array, a value of an object. */
function contains(coll: Value, member: Value): boolean {
  if (isSet(coll)) return coll.has(member);
  if (isArray(coll)) return coll.some((x) => equal(x, member));
  if (isObject(coll)) {
    for (const [, v] of coll) if (equal(v, member)) return true;
  }
  return false;
}
