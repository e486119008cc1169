/**
 * Documents: `data` references over base documents and the virtual documents rules define, rule values (cached per
 * query), reference-head documents merged by structure, and `with data.…` overrides.
 */
import type { Rule, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';
import type { ModuleScope, RuleSet, TreeNode } from '../compile/compiler.js';
import { RObject, RSet, equal, isObject, keyOf, type Value } from '../values.js';
import { EvalCore, MANY, NO_SCOPE, type Env, type KV } from './core.js';
import type { SharedMemo } from './caches.js';
import { DocBuilder, mergeBase } from './doc-builder.js';
import { EvalError } from './errors.js';
import { groundKey, index, setPath } from './terms.js';

export abstract class DocumentEval extends EvalCore {
  /**
   * Rules being computed, to catch recursion the compiler could not see (dynamic refs): a stack, as it is shallow
   * and a scan of it costs less than hashing into a set twice per rule.
   */
  readonly #active: RuleSet[] = [];
  /** The rule whose body is being evaluated (for rego.metadata.*). */
  protected activeRule: Rule | undefined;
  /** Stable rules and functions whose values this evaluation could not share (see `impurity`). */
  protected readonly tainted = new Set<RuleSet>();

  /** The shared memo, when it may serve this rule or function here: it is stable and no `with` is in force. */
  protected memoFor(set: RuleSet): SharedMemo | undefined {
    const memo = this.opts.memo;
    if (!memo || this.mocks.size || this.dataOverrides.length || !memo.stable.has(set)) return undefined;
    return memo;
  }

  /**
   * `data…`: virtual documents from rules, merged with the base documents at the same path. The first node on the
   * path that has rules computes its whole document (rules deeper down included); the rest of the path indexes it.
   */
  protected dataRef(path: readonly Term[], i: number, node: TreeNode | undefined, base: Value | undefined, at: readonly Value[], env: Env, scope: ModuleScope, k: KV): void {
    const override = this.#override(at);
    if (override !== undefined) return this.walk(override, path, i, env, scope, k);
    if (node?.ruleSet) {
      const value = this.#nodeValue(node, at, path[i - 1]?.loc ?? node.ruleSet.rules[0]?.loc);
      if (value !== undefined) this.walk(value, path, i, env, scope, k);
      return;
    }
    if (i === path.length) {
      const doc = this.#materialize(node, base, at);
      if (doc !== undefined) k(doc);
      return;
    }
    const p = path[i]!;
    if (!node) {
      if (!isObject(base) || this.isPattern(p, env, scope)) {
        if (base !== undefined) this.walk(base, path, i, env, scope, k);
        return;
      }
      const ground = groundKey(p, env);
      if (ground === undefined) this.term(p, env, scope, (key) => this.#baseKey(base, key, path, i, at, env, scope, k));
      else this.#baseKey(base, ground, path, i, at, env, scope, k);
      return;
    }
    if (this.isPattern(p, env, scope)) {
      const keys = new Map<string, Value>();
      for (const key of node.children.keys()) keys.set(keyOf(key), key);
      if (isObject(base)) for (const key of base.keys()) keys.set(keyOf(key), key);
      for (const key of keys.values()) {
        const child = typeof key === 'string' ? node.children.get(key) : undefined;
        this.bindPattern(p, key, env, scope, () => this.dataRef(path, i + 1, child, isObject(base) ? base.get(key) : undefined, this.#extend(at, key), env, scope, k), false);
      }
      return;
    }
    const ground = groundKey(p, env);
    if (ground === undefined) this.term(p, env, scope, (key) => this.#nodeKey(node, base, key, path, i, at, env, scope, k));
    else this.#nodeKey(node, base, ground, path, i, at, env, scope, k);
  }

  // Methods rather than closures in dataRef(): most paths have ground keys, and then no closure is made at all.

  /** One key below a point of the base document with no rules: the base document is a JSON tree, so a number names the key of its text, as in OPA's store (`data[2]`). */
  #baseKey(base: RObject, key: Value, path: readonly Term[], i: number, at: readonly Value[], env: Env, scope: ModuleScope, k: KV): void {
    const sub = base.get(key) ?? (typeof key === 'number' || typeof key === 'bigint' ? base.get(String(key)) : undefined);
    if (sub !== undefined) this.dataRef(path, i + 1, undefined, sub, this.#extend(at, key), env, scope, k);
  }

  /** One key below a tree node: its child node and the base document's value there. */
  #nodeKey(node: TreeNode, base: Value | undefined, key: Value, path: readonly Term[], i: number, at: readonly Value[], env: Env, scope: ModuleScope, k: KV): void {
    const child = typeof key === 'string' ? node.children.get(key) : undefined;
    let sub = base === undefined ? undefined : index(base, key);
    if (sub === undefined && isObject(base) && (typeof key === 'number' || typeof key === 'bigint')) sub = base.get(String(key));
    if (!child && sub === undefined && this.#override(this.#extend(at, key)) === undefined) return;
    this.dataRef(path, i + 1, child, sub, this.#extend(at, key), env, scope, k);
  }

  /** The document at a node without rules: its base document with the virtual documents below merged in. */
  #materialize(node: TreeNode | undefined, base: Value | undefined, at: readonly Value[]): Value | undefined {
    const override = this.#override(at);
    if (override !== undefined) return override;
    if (!node) return base;
    if (node.ruleSet) return this.#nodeValue(node, at, node.ruleSet.rules[0]?.loc);
    let out: Value = isObject(base) ? new RObject(base.entries()) : new RObject();
    for (const [key, child] of node.children) {
      const sub = isObject(base) ? base.get(key) : undefined;
      const v = this.#materialize(child, sub, this.#extend(at, key));
      if (v === undefined) continue;
      out = sub === undefined ? (out as RObject).set(key, v) : (out as RObject).set(key, mergeBase(sub, v));
    }
    return out;
  }

  /** A node's virtual document, with any `with` overrides below it written in. */
  #nodeValue(node: TreeNode, at: readonly Value[], loc: Location | undefined): Value | undefined {
    let value = this.#ruleSetValue(node.ruleSet!, node, loc);
    if (value === undefined || !this.dataOverrides.length) return value;
    for (const o of this.dataOverrides) {
      if (o.path.length > at.length && at.every((p, j) => equal(p, o.path[j]!))) value = setPath(value, o.path.slice(at.length), o.value);
    }
    return value;
  }

  /** The keys so far, one more: only `with data…` overrides read them, so without any the path is not built. */
  #extend(at: readonly Value[], key: Value): readonly Value[] {
    return this.dataOverrides.length ? [...at, key] : at;
  }

  #override(at: readonly Value[]): Value | undefined {
    for (let j = this.dataOverrides.length - 1; j >= 0; j--) {
      const o = this.dataOverrides[j]!;
      if (o.path.length === at.length && at.every((p, n) => equal(p, o.path[n]!))) return o.value;
    }
    return undefined;
  }

  // ---- rules ----

  /** The document at a tree node over its base document (with no `with data` in force). */
  protected documentAt(node: TreeNode, base: Value | undefined, loc: Location): Value | undefined {
    return node.ruleSet ? this.#ruleSetValue(node.ruleSet, node, loc) : this.#materialize(node, base, []);
  }

  #ruleSetValue(set: RuleSet, node: TreeNode | undefined, loc: Location | undefined): Value | undefined {
    if (set.kind === 'function') return undefined;
    const cached = this.cache.get(set);
    if (cached !== undefined || this.cache.has(set)) {
      if (this.tainted.size && this.tainted.has(set)) this.impurity++;
      return cached;
    }
    const memo = this.memoFor(set);
    if (memo) {
      const shared = memo.values.get(set);
      if (shared !== undefined || memo.values.has(set)) {
        this.cache.set(set, shared);
        return shared;
      }
    }
    if (this.#active.includes(set)) throw new EvalError('rego_recursion_error', `rule data.${set.path.join('.')} is recursive`, loc);
    this.#active.push(set);
    const impurity = this.impurity;
    try {
      const value = this.#computeRuleSet(set, node);
      this.cache.set(set, value);
      if (memo && this.impurity === impurity) memo.values.set(set, value);
      else if (memo) this.tainted.add(set);
      return value;
    } finally {
      this.#active.pop();
    }
  }

  #computeRuleSet(set: RuleSet, node: TreeNode | undefined): Value | undefined {
    switch (set.kind) {
      case 'set': {
        const out = new RSet();
        for (const r of set.rules) this.#ruleBody(r, set, new Map(), (env, scope) => this.termValue(r.key!, env, scope, (v) => out.add(v)));
        return out;
      }
      case 'object': {
        const doc = new DocBuilder();
        this.#fillObjectRules(doc, [], set);
        if (node) for (const [key, child] of node.children) this.#fillNode(doc, [key], child);
        return doc.value();
      }
      default:
        return this.#completeRuleSet(set);
    }
  }

  #completeRuleSet(set: RuleSet): Value | undefined {
    let result: Value | undefined;
    for (const r of set.rules) {
      const v = this.completeValue(r, set, new Map());
      if (v === undefined) continue;
      if (result !== undefined && !equal(result, v)) throw new EvalError('eval_conflict_error', 'complete rules must not produce multiple outputs', r.loc);
      result = v;
    }
    if (result === undefined && set.defaultRule) {
      this.term(set.defaultRule.value!, new Map(), set.modules.get(set.defaultRule)!, (v) => {
        result = v;
      });
    }
    return result;
  }

  /** Rules with a dynamic head (`p[q].r := v`, `p[q] contains x`): each solution writes its keys and value. */
  #fillObjectRules(doc: DocBuilder, prefix: readonly Value[], set: RuleSet): void {
    for (const r of set.rules) {
      this.#ruleBody(r, set, new Map(), (env, scope) =>
        this.terms([r.key!, ...(r.refRest ?? [])], env, scope, (keys) =>
          this.term(r.value!, env, scope, (value) => {
            if (r.multi) doc.add([...prefix, ...keys], value, r.loc);
            else doc.put([...prefix, ...keys], value, r.loc);
          }),
        ),
      );
    }
  }

  /** A node below an object-rule node: its rules (and its children's) write into the same document. */
  #fillNode(doc: DocBuilder, prefix: readonly Value[], node: TreeNode): void {
    const set = node.ruleSet;
    if (set?.kind === 'function') return;
    if (!set || set.kind === 'object') doc.struct(prefix, set?.rules[0]?.loc);
    if (set?.kind === 'object') this.#fillObjectRules(doc, prefix, set);
    else if (set?.kind === 'set') {
      const members = this.#ruleSetValue(set, node, set.rules[0]?.loc) as RSet;
      doc.add(prefix, undefined, set.rules[0]?.loc);
      for (const m of members) doc.add(prefix, m, set.rules[0]?.loc);
    } else if (set) {
      const v = this.#ruleSetValue(set, node, set.rules[0]?.loc);
      if (v !== undefined) doc.put(prefix, v, (set.rules[0] ?? set.defaultRule)?.loc);
    }
    for (const [key, child] of node.children) this.#fillNode(doc, [...prefix, key], child);
  }

  /** A complete rule (or function clause) with its else chain: the first clause with a solution gives the value. */
  protected completeValue(rule: Rule, set: RuleSet, env: Env): Value | undefined {
    for (let r: Rule | null = rule; r; r = r.elseRule) {
      const quick = r.body.length ? MANY : this.#headValue(r, rule, set, env);
      if (quick !== MANY) {
        if (quick !== undefined) return quick;
        continue;
      }
      let value: Value | undefined;
      const clause = r;
      this.#ruleBody(
        clause,
        set,
        env,
        (e, scope) =>
        this.termValue(clause.value!, e, scope, (v) => {
          if (value !== undefined && !equal(value, v)) {
            const what = set.kind === 'function' ? 'functions must not produce multiple outputs for same inputs' : 'complete rules must not produce multiple outputs';
            throw new EvalError('eval_conflict_error', what, clause.loc);
          }
          value = v;
        }),
        rule,
      );
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The value of a clause without a body when it has one value at most (no body, no continuation); else MANY. */
  #headValue(clause: Rule, owner: Rule, set: RuleSet, env: Env): Value | undefined | typeof MANY {
    if (this.opts.onRuleFired) return MANY;
    const saved = this.activeRule;
    this.activeRule = owner;
    try {
      return this.singleValue(clause.value!, env, set.modules.get(clause) ?? NO_SCOPE);
    } finally {
      this.activeRule = saved;
    }
  }

  /** A rule's body; `owner` is the rule an else clause belongs to (whose annotations apply). */
  #ruleBody(rule: Rule, set: RuleSet, env: Env, k: (env: Env, scope: ModuleScope) => void, owner: Rule = rule): void {
    const scope = set.modules.get(rule) ?? NO_SCOPE;
    const fired = this.opts.onRuleFired;
    const saved = this.activeRule;
    this.activeRule = owner;
    try {
      this.body(rule.body, 0, env, scope, fired ? () => (fired(rule), k(env, scope)) : () => k(env, scope));
    } finally {
      this.activeRule = saved;
    }
  }

}
