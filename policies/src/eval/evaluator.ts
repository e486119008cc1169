/**
 * Evaluation of a compiled policy: queries and documents, over the layers in `core.ts` (bodies, terms) and
 * `documents.ts` (rules, data); this layer calls functions (user functions, builtins and their `with` mocks).
 * Virtual documents are computed on first reference and cached for the query; `with` runs its literal under a
 * fresh cache.
 */
import type { Body, Rule, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';
import { BuiltinError } from '../builtins/errors.js';
import type { BuiltinContext, BuiltinDef } from '../builtins/types.js';
import { compileQuery, type CompiledPolicy, type ModuleScope, type RuleSet } from '../compile/compiler.js';
import { equal, formatValue, isSet, keyOf, typeName, type Value } from '../values.js';
import { NO_SCOPE, type Env, type EvalOptions, type K, type KV } from './core.js';
import { QueryContext } from './context.js';
import { DirectEval, type CallSite, type Compiled } from './direct.js';
import { EvalError } from './errors.js';
import { languageBuiltins } from './language.js';
import { resolveCallee, resolveFunction } from '../compile/types.js';
import { collectVars, index, scalarTerm } from './terms.js';

export { DEFAULT_MAX_STEPS, type EvalOptions } from './core.js';

/** Name → function resolution depends only on the policy, so it is shared by every evaluation of one policy. */
const FUNCTION_LOOKUPS = new WeakMap<CompiledPolicy, Map<ModuleScope, Map<string, RuleSet | null>>>();

/** Pure compilations builtins keep (regexes, globs), per policy and so per engine; bounded, as keys may come from input. */
const SHARED_CACHES = new WeakMap<CompiledPolicy, Map<string, unknown>>();
const SHARED_CACHE_LIMIT = 10_000;

function sharedCache(policy: CompiledPolicy): Map<string, unknown> {
  let cache = SHARED_CACHES.get(policy);
  if (!cache) SHARED_CACHES.set(policy, (cache = new Map()));
  else if (cache.size > SHARED_CACHE_LIMIT) cache.clear();
  return cache;
}

type CallTerm = Extract<Term, { type: 'call' }>;

type CallTarget =
  | { readonly kind: 'function'; readonly set: RuleSet; readonly inputs: readonly Term[]; readonly output: Term | undefined }
  | { readonly kind: 'builtin' | 'relation'; readonly def: BuiltinDef; readonly inputs: readonly Term[]; readonly output: Term | undefined }
  | { readonly kind: 'language'; readonly inputs: readonly Term[]; readonly output: Term | undefined }
  | { readonly kind: 'print' };

/** Every target has the same fields in the same order, so the call path reads them from one shape. */
function callTarget(kind: CallTarget['kind'], io: { inputs: readonly Term[]; output: Term | undefined }, set?: RuleSet, def?: BuiltinDef): CallTarget {
  return { kind, set, def, inputs: io.inputs, output: io.output } as CallTarget;
}

/** Call sites resolved, per builtin registry (so per engine); the terms belong to one policy's rules. */
const RESOLVED_CALLS = new WeakMap<ReadonlyMap<string, BuiltinDef>, WeakMap<CallTerm, CallTarget>>();

/** Queries in their safe order, per policy (the order depends on the functions the policy defines). */
const COMPILED_QUERIES = new WeakMap<CompiledPolicy, WeakMap<Body, Body>>();

export class Evaluation extends DirectEval {
  readonly #fnLookup: Map<ModuleScope, Map<string, RuleSet | null>>;
  readonly #sites: WeakMap<CallTerm, CallTarget>;
  /** The first builtin error seen in strict mode; reported after evaluation, as OPA does. */
  strictError: EvalError | undefined;
  readonly #ctx: BuiltinContext;
  /** The language's own builtins (rego.metadata.*, rego.parse_module), which read the active rule; made on first use. */
  #language: ReadonlyMap<string, BuiltinDef> | undefined;

  constructor(policy: CompiledPolicy, opts: EvalOptions) {
    super(policy, opts);
    let fnLookup = FUNCTION_LOOKUPS.get(policy);
    if (!fnLookup) FUNCTION_LOOKUPS.set(policy, (fnLookup = new Map()));
    this.#fnLookup = fnLookup;
    let sites = RESOLVED_CALLS.get(opts.builtins);
    if (!sites) RESOLVED_CALLS.set(opts.builtins, (sites = new WeakMap()));
    this.#sites = sites;
    this.#ctx = new QueryContext({ nowNs: opts.nowNs, signal: opts.signal, print: opts.print, runtime: opts.runtime, sharedCache: sharedCache(policy) }, () => this.impurity++);
  }

  /** Every solution of a query body: the bindings of its named variables. */
  query(query: Body): Record<string, Value>[] {
    let compiled = COMPILED_QUERIES.get(this.policy);
    if (!compiled) COMPILED_QUERIES.set(this.policy, (compiled = new WeakMap()));
    let body = compiled.get(query);
    if (!body) compiled.set(query, (body = compileQuery(query, this.policy, this.opts.builtins)));
    const rows: Record<string, Value>[] = [];
    const env: Env = new Map();
    const names = new Set<string>();
    collectVars(body, names);
    this.body(body, 0, env, NO_SCOPE, () => {
      const row: Record<string, Value> = {};
      for (const n of names) if (!n.startsWith('_') && env.has(n)) row[n] = env.get(n)!;
      rows.push(row);
    });
    return rows;
  }

  /** The value of a document path (`["airlock", "decision"]`), or undefined. */
  document(path: readonly string[]): Value | undefined {
    let out: Value | undefined;
    this.dataRef(path.map((p) => scalarTerm(p)), 0, this.policy.tree, this.data, [], new Map(), NO_SCOPE, (v) => {
      out = v;
    });
    return out;
  }

  // ---- calls ----

  protected call(t: CallTerm, env: Env, scope: ModuleScope, k: KV): void {
    const mock = this.mocks.size ? this.mocks.get(t.name) : undefined;
    if (mock) {
      if ('value' in mock) return this.terms(t.args, env, scope, () => k(mock.value));
      // The operands are evaluated under the mocks in force; the replacement then runs with no function mocks at
      // all (OPA pushes an empty frame): it calls the real functions.
      const target = this.#resolve(t, scope);
      const [inputs, output] = target.kind === 'print' ? [t.args, undefined] : [target.inputs, target.output];
      return this.terms(inputs, env, scope, (args) => {
        const saved = this.mocks;
        this.mocks = new Map();
        try {
          const operands = args.map((value, i): Term => ({ type: 'scalar', value, loc: inputs[i]!.loc }));
          this.call({ ...t, name: mock.fn, args: output ? [...operands, output] : operands }, env, mock.scope, k);
        } finally {
          this.mocks = saved;
        }
      });
    }
    const target = this.#resolve(t, scope);
    switch (target.kind) {
      case 'function':
        if (target.output) {
          // f(x, out): the last argument receives the result, and the call itself is true.
          return this.terms(target.inputs, env, scope, (args) =>
            this.#callFunction(target.set, args, t.loc, (result) => this.bindPattern(target.output!, result, env, scope, () => k(true), false)),
          );
        }
        return this.terms(target.inputs, env, scope, (args) => this.#callFunction(target.set, args, t.loc, k));
      case 'print':
        return this.terms(t.args, env, scope, (args) => {
          // internal.print (the compiled form): each operand is the set of its values; a line per combination.
          const operands = t.name === 'print' ? args.map((a) => [a]) : args.map((a) => (isSet(a) ? [...a.sorted()] : [a]));
          for (const line of crossProduct(operands)) this.opts.print?.(line.map(printText).join(' '));
          k(true);
        });
      case 'relation':
        return this.terms(target.inputs, env, scope, (args) => {
          const results = this.#invoke(target.def, args, t.loc);
          if (!Array.isArray(results)) return;
          for (const r of results as Value[]) {
            if (target.output) this.bindPattern(target.output, r, env, scope, () => k(true), false);
            else k(r);
          }
        });
      case 'builtin':
      case 'language': {
        // The language's builtins read this evaluation's state, so they are looked up per evaluation.
        const def = target.kind === 'builtin' ? target.def : this.#languageBuiltin(t.name)!;
        return this.terms(target.inputs, env, scope, (args) => {
          const result = this.#invoke(def, args, t.loc);
          if (result === undefined) return;
          if (target.output) return this.bindPattern(target.output, result as Value, env, scope, () => k(true), false);
          k(result as Value);
        });
      }
    }
  }

  /** What a call names, worked out once per call site (mocks aside, it depends only on the policy and builtins). */
  #resolve(t: CallTerm, scope: ModuleScope): CallTarget {
    const bySite = this.#sites;
    let target = bySite.get(t);
    if (target) return target;
    const split = (n: number): { inputs: readonly Term[]; output: Term | undefined } => ({ inputs: t.args.length > n ? t.args.slice(0, n) : t.args, output: t.args.length > n ? t.args[n] : undefined });
    const fn = this.functionSet(t.name, scope) ?? (t.args.length ? undefined : this.#completeRule(t.name, scope));
    const def = fn ? undefined : this.opts.builtins.get(t.name);
    const language = fn || def ? undefined : this.#languageBuiltin(t.name);
    if (fn) target = callTarget('function', split((fn.rules[0] ?? fn.defaultRule)!.args.length), fn);
    else if (t.name === 'print' || t.name === 'internal.print') target = callTarget('print', { inputs: t.args, output: undefined });
    else if (language) target = callTarget('language', split(language.decl.args.length));
    else if (!def) throw new EvalError('eval_type_error', `undefined function ${t.name}`, t.loc);
    else if (def.decl.relation) target = callTarget('relation', split(def.decl.args.length), undefined, def);
    else if (def.decl.variadic) target = callTarget('builtin', { inputs: t.args, output: undefined }, undefined, def);
    else target = callTarget('builtin', split(def.decl.args.length), undefined, def);
    bySite.set(t, target);
    return target;
  }

  protected callValue(t: CallTerm, args: readonly Compiled[], env: Env, scope: ModuleScope, site: CallSite): Value | undefined {
    // The site remembers its target, which saves looking the term up in the registry's table on every call.
    if (site.builtins !== this.opts.builtins) {
      site.target = this.#resolve(t, scope);
      site.builtins = this.opts.builtins;
    }
    const target = site.target as CallTarget;
    if (target.kind === 'function' && !target.output) {
      const values = this.valuesOf(args, env);
      return values && this.#functionValue(target.set, values, t.loc);
    }
    if (target.kind !== 'builtin' || target.output) return this.generalValue(t, env, scope);
    const values = this.valuesOf(args, env);
    return values && (this.#invoke(target.def, values, t.loc) as Value | undefined);
  }


  #languageBuiltin(name: string): BuiltinDef | undefined {
    this.#language ??= new Map(languageBuiltins(this.policy, () => this.activeRule).map((d) => [d.decl.name, d] as const));
    return this.#language.get(name);
  }

  #invoke(def: BuiltinDef, args: readonly Value[], loc: Location): Value | readonly Value[] | undefined {
    try {
      return def.impl(args, this.#ctx);
    } catch (error) {
      if (!(error instanceof BuiltinError)) throw error;
      this.impurity++;
      // Non-strict: a failing builtin makes its expression undefined. Strict: the first error is reported after
      // evaluation (OPA's WithStrictBuiltinErrors).
      if (this.opts.strict) this.strictError ??= new EvalError(error.code, `${def.decl.name}: ${error.message}`, loc);
      return undefined;
    }
  }

  protected functionSet(name: string, scope: ModuleScope): RuleSet | undefined {
    let byName = this.#fnLookup.get(scope);
    if (!byName) this.#fnLookup.set(scope, (byName = new Map()));
    let found = byName.get(name);
    if (found === undefined) byName.set(name, (found = resolveFunction(name, scope, this.policy.ruleSets) ?? null));
    return found ?? undefined;
  }

  /** A complete rule named by a call with no arguments (`f()` where `f() := v` declared it). */
  #completeRule(name: string, scope: ModuleScope): RuleSet | undefined {
    return resolveCallee(name, scope, this.policy.ruleSets);
  }

  /** A function's parameters are patterns over its arguments; they are local names (shadowing rules). */
  #bindArgs(params: readonly Term[], args: readonly Value[], from: number, env: Env, scope: ModuleScope, done: K): void {
    const i = bindVars(params, args, from, env);
    if (i === args.length) return done();
    if (i >= 0) this.bindPattern(params[i]!, args[i]!, env, scope, () => this.#bindArgs(params, args, i + 1, env, scope, done), false, true);
  }

  #callFunction(set: RuleSet, args: Value[], loc: Location, k: KV): void {
    const v = this.#functionValue(set, args, loc);
    if (v !== undefined) k(v);
  }

  /** A function's result for its arguments (undefined when it has none): computed once per arguments. */
  #functionValue(set: RuleSet, args: Value[], loc: Location): Value | undefined {
    let results = this.funcCache.get(set);
    if (!results) this.funcCache.set(set, (results = new Map()));
    let key = args.length ? argKey(args[0]!) : '';
    for (let i = 1; i < args.length; i++) key += '\u0000' + argKey(args[i]!);
    let cached = results.get(key);
    let hit = cached !== undefined || results.has(key);
    const shared = hit ? undefined : this.memoFor(set)?.calls(set);
    if (hit && this.tainted.size && this.tainted.has(set)) this.impurity++;
    else if (shared) {
      cached = shared.get(key);
      hit = cached !== undefined || shared.has(key);
      if (hit) results.set(key, cached);
    }
    if (hit) return cached;
    const impurity = this.impurity;
    let result: Value | undefined;
    for (const rule of set.rules) {
      if (rule.args.length !== args.length) continue;
      const env: Env = new Map();
      // Plain variable parameters (the common case) need no continuation: the clause is valued on the spot.
      const i = bindVars(rule.args, args, 0, env);
      if (i === args.length) result = this.#clauseValue(rule, set, env, result, loc);
      else if (i >= 0) {
        const scope = set.modules.get(rule) ?? NO_SCOPE;
        this.bindPattern(rule.args[i]!, args[i]!, env, scope, () => this.#bindArgs(rule.args, args, i + 1, env, scope, () => (result = this.#clauseValue(rule, set, env, result, loc))), false, true);
      }
    }
    if (result === undefined && set.defaultRule) {
      this.term(set.defaultRule.value!, new Map(), set.modules.get(set.defaultRule) ?? NO_SCOPE, (v) => {
        result = v;
      });
    }
    results.set(key, result);
    if (shared && this.impurity === impurity) shared.set(key, result);
    else if (shared) this.tainted.add(set);
    return result;
  }

  /** The result so far, with one more clause's value (functions must not produce multiple outputs). */
  #clauseValue(rule: Rule, set: RuleSet, env: Env, result: Value | undefined, loc: Location): Value | undefined {
    const v = this.completeValue(rule, set, env);
    if (v === undefined) return result;
    if (result !== undefined && !equal(result, v)) throw new EvalError('eval_conflict_error', 'functions must not produce multiple outputs for same inputs', loc);
    return v;
  }
}

/**
 * Binds a function's plain variable parameters from `from` on (the environment is the call's own): the index of the
 * first pattern parameter (args.length when none), or -1 when a repeated name meets a different value.
 */
function bindVars(params: readonly Term[], args: readonly Value[], from: number, env: Env): number {
  let i = from;
  for (; i < args.length && params[i]!.type === 'var'; i++) {
    const name = (params[i] as Extract<Term, { type: 'var' }>).name;
    if (name === '_') continue;
    const bound = env.get(name);
    if (bound === undefined) env.set(name, args[i]!);
    else if (!equal(bound, args[i]!)) return -1;
  }
  return i;
}

/** Canonical keys of collections, by identity: values never change once made, and data's are passed again and again. */
const ARG_KEYS = new WeakMap<object, string>();

function argKey(v: Value): string {
  if (v === null || typeof v !== 'object') return keyOf(v);
  let key = ARG_KEYS.get(v);
  if (key === undefined) ARG_KEYS.set(v, (key = keyOf(v)));
  return key;
}

/** An empty operand (undefined) prints as <undefined>. */
function crossProduct(operands: readonly (readonly Value[])[]): (Value | undefined)[][] {
  let lines: (Value | undefined)[][] = [[]];
  for (const values of operands) {
    const options = values.length ? values : [undefined];
    lines = lines.flatMap((line) => options.map((v) => [...line, v]));
  }
  return lines;
}

function printText(v: Value | undefined): string {
  if (v === undefined) return '<undefined>';
  return typeof v === 'string' ? v : formatValue(v);
}

export { index, typeName };
