/**
 * Terms with one value at most (solutions.ts), evaluated directly: a value returned instead of a continuation
 * called, which saves the closures continuation-passing costs on every step. Terms this layer does not handle
 * itself are evaluated by the general code and their one value taken.
 */
import type { Term } from '../ast/nodes.js';
import type { ModuleScope } from '../compile/compiler.js';
import { RObject, RSet, equal, isArray, isObject, isSet, type Value } from '../values.js';
import type { Env, KV } from './core.js';
import { DocumentEval } from './documents.js';
import { globalName, ruleNode } from './globals.js';
import { index } from './terms.js';

/** Marks a term the general evaluation must take. */
const GENERAL: unique symbol = Symbol('general');

export abstract class DirectEval extends DocumentEval {
  /** A call's value, its operands evaluated directly (the call has one value at most). */
  protected abstract callValue(t: Extract<Term, { type: 'call' }>, env: Env, scope: ModuleScope): Value | undefined;

  protected override termValue(t: Term, env: Env, scope: ModuleScope, k: KV): void {
    if (this.mocks.size || !this.allBound(this.singles.of(t), env, scope)) return this.term(t, env, scope, k);
    const v = this.value(t, env, scope);
    if (v !== undefined) k(v);
  }

  /** The value of a term known to have one value at most; undefined when it has none. */
  protected value(t: Term, env: Env, scope: ModuleScope): Value | undefined {
    switch (t.type) {
      case 'scalar':
        return t.value;
      case 'var': {
        const v = env.get(t.name) ?? this.#ruleDocument(t.name, scope, t);
        if (v !== GENERAL) return v;
        break;
      }
      case 'ref': {
        const head = t.head;
        let base: Value | undefined;
        if (head.type !== 'var') base = this.value(head, env, scope);
        else if (env.has(head.name)) base = env.get(head.name);
        else if (head.name === 'input') base = this.input;
        else {
          const doc = this.#ruleDocument(head.name, scope, head);
          // Other documents (data, imports) by the general evaluation.
          if (doc === GENERAL) break;
          base = doc;
        }
        return base === undefined ? undefined : this.#walkValue(base, t.path, env, scope);
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
      const v = this.value(item, env, scope);
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

  /** A rule's document named by a bare name, when no `with data` is in force; GENERAL for anything else. */
  #ruleDocument(name: string, scope: ModuleScope, t: Term): Value | undefined | typeof GENERAL {
    const g = this.dataOverrides.length ? null : globalName(name, scope);
    const node = g && ruleNode(g, this.policy.tree);
    return node ? this.ruleValue(node, t.loc) : GENERAL;
  }

  #walkValue(value: Value, path: readonly Term[], env: Env, scope: ModuleScope): Value | undefined {
    let v: Value | undefined = value;
    for (let i = 0; i < path.length && v !== undefined; i++) {
      const key = this.value(path[i]!, env, scope);
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
