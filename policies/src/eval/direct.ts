/**
 * Terms with one value at most (solutions.ts), evaluated directly: a value returned instead of a continuation
 * called, which saves the closures continuation-passing costs on every step. Terms this layer does not handle
 * itself are evaluated by the general code and their one value taken.
 */
import type { Literal, Term } from '../ast/nodes.js';
import type { ModuleScope, TreeNode } from '../compile/compiler.js';
import { RObject, RSet, equal, isArray, isObject, isSet, type Value } from '../values.js';
import { MANY, type Env, type KV } from './core.js';
import { DocumentEval } from './documents.js';
import { globalName, ruleNode, type GlobalName } from './globals.js';
import { index } from './terms.js';

const NO_PATH: readonly Term[] = [];

/** The global each var or ref term names (a term is read in one scope; the scope is checked all the same). */
const GLOBALS = new WeakMap<Term, { readonly scope: ModuleScope; readonly g: GlobalName | null }>();

export abstract class DirectEval extends DocumentEval {
  /** A call's value, its operands evaluated directly (the call has one value at most). */
  protected abstract callValue(t: Extract<Term, { type: 'call' }>, env: Env, scope: ModuleScope): Value | undefined;

  protected override termValue(t: Term, env: Env, scope: ModuleScope, k: KV): void {
    const v = this.singleValue(t, env, scope);
    if (v === MANY) return this.term(t, env, scope, k);
    if (v !== undefined) k(v);
  }

  protected override singleValue(t: Term, env: Env, scope: ModuleScope): Value | undefined | typeof MANY {
    if (this.mocks.size || !this.allBound(this.singles.of(t, scope), env)) return MANY;
    return this.value(t, env, scope);
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
    switch (t.type) {
      case 'scalar':
        return t.value;
      case 'var':
        return env.get(t.name) ?? this.#globalValue(t, t.name, NO_PATH, env, scope);
      case 'ref': {
        const head = t.head;
        if (head.type === 'var' && !env.has(head.name)) return this.#globalValue(t, head.name, t.path, env, scope);
        const base = head.type === 'var' ? env.get(head.name) : this.value(head, env, scope);
        return base === undefined ? undefined : this.#walkValue(base, t.path, 0, env, scope);
      }
      case 'call':
        return this.callValue(t, env, scope);
      case 'array':
        return this.values(t.items, env, scope);
      case 'set': {
        const vs = this.values(t.items, env, scope);
        return vs && new RSet(vs);
      }
      case 'object': {
        const out = new RObject();
        for (const [kt, vt] of t.items) {
          const key = this.value(kt, env, scope);
          const v = key === undefined ? undefined : this.value(vt, env, scope);
          if (v === undefined) return undefined;
          out.set(key!, v);
        }
        return out;
      }
      case 'membership': {
        const coll = this.value(t.coll, env, scope);
        const member = coll === undefined ? undefined : this.value(t.value, env, scope);
        if (member === undefined) return undefined;
        if (!t.key) return contains(coll!, member);
        const key = this.value(t.key, env, scope);
        if (key === undefined) return undefined;
        const at = index(coll!, key);
        return at !== undefined && equal(at, member);
      }
      default:
        break;
    }
    return this.generalValue(t, env, scope);
  }

  /** The values of several terms, or undefined when one has none. */
  protected values(items: readonly Term[], env: Env, scope: ModuleScope): Value[] | undefined {
    const out: Value[] = [];
    for (const item of items) {
      const v = item.type === 'scalar' ? item.value : this.value(item, env, scope);
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
   * A document named by a global (input, data, an import, a rule) and indexed by `path`: the tree of rules walked
   * alongside the base document, as dataRef() does for a ground path.
   */
  #globalValue(t: Term, name: string, path: readonly Term[], env: Env, scope: ModuleScope): Value | undefined {
    let named = GLOBALS.get(t);
    if (named?.scope !== scope) GLOBALS.set(t, (named = { scope, g: globalName(name, scope) }));
    const g = named.g;
    if (!g || this.dataOverrides.length) return this.generalValue(t, env, scope);
    if (g.root === 'input') {
      let v = this.input;
      for (let j = 0; j < g.prefix.length && v !== undefined; j++) v = index(v, g.prefix[j]!);
      return v === undefined ? undefined : this.#walkValue(v, path, 0, env, scope);
    }
    const rules = ruleNode(g, this.policy.tree);
    if (rules) {
      const doc = this.documentAt(rules, undefined, t.loc);
      return doc === undefined ? undefined : this.#walkValue(doc, path, 0, env, scope);
    }
    let node: TreeNode | undefined = this.policy.tree;
    let base: Value | undefined = this.data;
    const n = g.prefix.length + path.length;
    for (let i = 0; i < n; i++) {
      // A rule computes the whole document below it; the rest of the path indexes that.
      if (node?.ruleSet) {
        const doc = this.documentAt(node, base, t.loc);
        return doc === undefined ? undefined : this.#walkValue(doc, path, i - g.prefix.length, env, scope);
      }
      const p = i < g.prefix.length ? undefined : path[i - g.prefix.length]!;
      const key = p === undefined ? g.prefix[i]! : p.type === 'scalar' ? p.value : this.value(p, env, scope);
      if (key === undefined) return undefined;
      const child: TreeNode | undefined = typeof key === 'string' ? node?.children.get(key) : undefined;
      let sub: Value | undefined = base === undefined ? undefined : index(base, key);
      // The base document is a JSON tree, so a number names the key of its text, as in OPA's store (`data[2]`).
      if (sub === undefined && isObject(base) && (typeof key === 'number' || typeof key === 'bigint')) sub = base.get(String(key));
      if (!child && sub === undefined) return undefined;
      node = child;
      base = sub;
    }
    return node ? this.documentAt(node, base, t.loc) : base;
  }

  #walkValue(value: Value, path: readonly Term[], from: number, env: Env, scope: ModuleScope): Value | undefined {
    let v: Value | undefined = value;
    for (let i = from; i < path.length && v !== undefined; i++) {
      const p = path[i]!;
      const key = p.type === 'scalar' ? p.value : this.value(p, env, scope);
      v = key === undefined ? undefined : index(v, key);
    }
    return v;
  }
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
