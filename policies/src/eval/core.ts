/**
 * Top-down evaluation with backtracking, in continuation-passing style: every evaluation step calls `k` once per
 * solution, and bindings made for a solution are undone when `k` returns. This layer evaluates bodies, literals,
 * terms and unification; documents (`documents.ts`) and calls (`evaluator.ts`) build on it.
 */
import type { Body, Literal, Rule, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';
import type { BuiltinDef } from '../builtins/types.js';
import type { CompiledPolicy, ModuleScope, RuleSet, TreeNode } from '../compile/compiler.js';
import { RObject, RSet, equal, isArray, isObject, isSet, type Value } from '../values.js';
import type { SharedMemo } from './caches.js';
import { EvalError } from './errors.js';
import { singleValues, type SingleValues } from './solutions.js';
import { flatItems, groundKey, index, needsReorder, patternVars, scalarTerm, setPath, templateText } from './terms.js';
import { termName } from '../ast/names.js';

export type Env = Map<string, Value>;
export type K = () => void;
export type KV = (v: Value) => void;
/** What a `with` on a function puts in its place: a value, or another function. */
type Mock = { value: Value } | { fn: string; scope: ModuleScope };
/** What a `with` on a document replaces: the path under input or data, and the value. */
type Override = { readonly root: 'input' | 'data'; readonly path: Value[]; readonly value: Value };

export interface EvalOptions {
  readonly input?: Value;
  readonly data?: Value;
  readonly strict?: boolean;
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  readonly nowNs?: bigint;
  readonly builtins: ReadonlyMap<string, BuiltinDef>;
  readonly print?: (line: string) => void;
  readonly runtime?: Value;
  /** Told of every rule body that succeeded (for explanations); absent means no cost. */
  readonly onRuleFired?: (rule: Rule) => void;
  /** Stable rule and function values shared by the evaluations over this `data` (see stable.ts). */
  readonly memo?: SharedMemo;
}

export const DEFAULT_MAX_STEPS = 1_000_000;

export const NO_SCOPE: ModuleScope = { pkg: [], imports: new Map(), ruleNames: new Set() };

const NO_LOC: Location = { file: '', row: 0, col: 0 };

/** What singleValue() answers for a term that may have several values. */
export const MANY: unique symbol = Symbol('many');

/** Thrown to stop a search once it has what it needs; a plain object, so no stack trace is captured. */
export const FOUND: unique symbol = Symbol('found');

/** The path terms a name stands for in a scope (an import, or a rule of the package), made once per name. */
const PREFIXES = new WeakMap<ModuleScope, Map<string, readonly Term[]>>();

function prefixTerms(scope: ModuleScope, name: string, parts: readonly string[], loc: Location): readonly Term[] {
  let byName = PREFIXES.get(scope);
  if (!byName) PREFIXES.set(scope, (byName = new Map()));
  let terms = byName.get(name);
  if (!terms) byName.set(name, (terms = parts.map((p) => scalarTerm(p, loc))));
  return terms;
}

export abstract class EvalCore {
  protected readonly policy: CompiledPolicy;
  protected readonly opts: EvalOptions;
  protected input: Value | undefined;
  protected data: Value;
  /** Rule values by path, for this query (a `with` literal runs under a fresh one). */
  protected cache = new Map<RuleSet, Value | undefined>();
  /** Function results by function, then by the canonical key of the arguments. */
  protected funcCache = new Map<RuleSet, Map<string, Value | undefined>>();
  /** Functions replaced by `with f as g` / `with f as value` for the literal being evaluated. */
  protected mocks = new Map<string, Mock>();
  /** `with data.… as v` in force: they replace base and virtual documents alike, the innermost last. */
  protected dataOverrides: readonly { path: readonly Value[]; value: Value }[] = [];
  #steps = 0;
  readonly #maxSteps: number;
  /**
   * Counts what makes a value unfit for the shared memo although its rule is stable: builtin errors (strict mode
   * must report them again) and reads of the clock, randomness or the per-query cache.
   */
  protected impurity = 0;
  /** Which terms have one value at most, for the builtins of this evaluation. */
  protected readonly singles: SingleValues;

  constructor(policy: CompiledPolicy, opts: EvalOptions) {
    this.policy = policy;
    this.opts = opts;
    this.input = opts.input;
    this.data = opts.data ?? new RObject();
    this.#maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    this.singles = singleValues(opts.builtins);
  }

  /** `data…` from position i of the path, at tree node `node` over base document `base` (keys so far: `at`). */
  protected abstract dataRef(path: readonly Term[], i: number, node: TreeNode | undefined, base: Value | undefined, at: readonly Value[], env: Env, scope: ModuleScope, k: KV): void;
  protected abstract call(t: Extract<Term, { type: 'call' }>, env: Env, scope: ModuleScope, k: KV): void;
  /** Like term(), faster for terms with one value at most. */
  protected abstract termValue(t: Term, env: Env, scope: ModuleScope, k: KV): void;
  /** The value of a term with one value at most (undefined for none), or MANY when it may have more. */
  protected abstract singleValue(t: Term, env: Env, scope: ModuleScope): Value | undefined | typeof MANY;
  /**
   * A literal with one solution at most, evaluated on the spot: whether it holds, or the variable it bound (with
   * the value to restore); MANY for any other literal.
   */
  protected abstract quickLiteral(lit: Literal, env: Env, scope: ModuleScope): boolean | readonly [string, Value | undefined] | typeof MANY;
  /** The user function a name denotes in a scope, if any. */
  protected abstract functionSet(name: string, scope: ModuleScope): RuleSet | undefined;

  #step(loc: Location): void {
    if (++this.#steps > this.#maxSteps) throw new EvalError('eval_cancel_error', `execution exceeded the step limit (${this.#maxSteps})`, loc);
    if ((this.#steps & 1023) === 0 && this.opts.signal?.aborted) throw new EvalError('eval_cancel_error', 'caller cancelled query execution', loc);
  }

  // ---- bodies and literals ----

  protected body(body: Body, i: number, env: Env, scope: ModuleScope, k: K): void {
    // Literals with one solution at most run in this loop, without a continuation each; `bound` undoes their bindings.
    let bound: (readonly [string, Value | undefined])[] | undefined;
    for (; ; i++) {
      const lit = body[i];
      this.#step(lit?.loc ?? body[body.length - 1]?.loc ?? NO_LOC);
      if (!lit) {
        k();
        break;
      }
      const quick = lit.with.length ? MANY : this.quickLiteral(lit, env, scope);
      if (quick === false) break;
      if (quick === true) continue;
      if (quick !== MANY) {
        (bound ??= []).push(quick);
        continue;
      }
      // Inline continuations: a named `const next = () => …` costs a keepNames wrapper per step under tsx.
      if (lit.with.length) this.#withLiteral(lit, env, scope, () => this.body(body, i + 1, env, scope, k));
      else this.#literal(lit, env, scope, () => this.body(body, i + 1, env, scope, k));
      break;
    }
    if (bound) {
      for (let j = bound.length - 1; j >= 0; j--) {
        const [name, old] = bound[j]!;
        if (old === undefined) env.delete(name);
        else env.set(name, old);
      }
    }
  }

  #literal(lit: Literal, env: Env, scope: ModuleScope, k: K): void {
    if (lit.negated) {
      let found = false;
      // An expression with one solution at most needs no exception to stop its search (throwing is costly).
      if (this.singleSolution(lit, env, scope)) {
        this.#expr(lit, env, scope, () => {
          found = true;
        });
        if (!found) k();
        return;
      }
      try {
        this.#expr(lit, env, scope, () => {
          found = true;
          throw FOUND;
        });
      } catch (e) {
        if (e !== FOUND) throw e;
      }
      if (!found) k();
      return;
    }
    this.#expr(lit, env, scope, k);
  }

  protected singleSolution(lit: Literal, env: Env, scope: ModuleScope): boolean {
    return !this.mocks.size && this.allBound(this.singles.ofLiteral(lit, scope), env);
  }

  /** Whether every variable in the list is bound (false for no list). */
  protected allBound(vars: readonly string[] | null, env: Env): boolean {
    if (!vars) return false;
    for (const v of vars) if (!env.has(v)) return false;
    return true;
  }

  #expr(lit: Literal, env: Env, scope: ModuleScope, k: K): void {
    const e = lit.expr;
    switch (e.kind) {
      case 'term':
        return this.termValue(e.term, env, scope, (v) => {
          if (v !== false) k();
        });
      case 'unify':
        return this.#unify(e.left, e.right, env, scope, k);
      case 'assign':
        return this.termValue(e.right, env, scope, (v) => this.bindPattern(e.left, v, env, scope, k, true));
      case 'some':
        return this.#fresh(e.vars, env, k);
      case 'somein':
        return this.#fresh(patternVars([e.key, e.value]), env, () =>
          this.term(e.coll, env, scope, (coll) =>
            this.#members(coll, (key, value) => {
              // The declared names are local even where a rule has the same name.
              if (e.key) this.bindPattern(e.key, key, env, scope, () => this.bindPattern(e.value, value, env, scope, k, false, true), false, true);
              else this.bindPattern(e.value, value, env, scope, k, false, true);
            }),
          ),
        );
      // `and` / `or` groups and `not { … }` are tests: their bindings stay inside, and they succeed at most once.
      case 'group':
        if (this.#succeeds(e.body, env, scope)) k();
        return;
      case 'or':
        if (e.branches.some((branch) => this.#succeeds(branch, env, scope))) k();
        return;
      case 'every':
        return this.term(e.coll, env, scope, (coll) => {
          if (!(isArray(coll) || isObject(coll) || isSet(coll))) return;
          let all = true;
          this.#members(coll, (key, value) => {
            if (!all) return;
            const inner: Env = new Map(env);
            let ok = false;
            const run = (): void =>
              this.body(e.body, 0, inner, scope, () => {
                ok = true;
                throw FOUND;
              });
            try {
              const bindValue = (): void => this.bindPattern(e.value, value, inner, scope, run, true);
              if (e.key) this.bindPattern(e.key, key, inner, scope, bindValue, true);
              else bindValue();
            } catch (err) {
              if (err !== FOUND) throw err;
            }
            if (!ok) all = false;
          });
          if (all) k();
        });
    }
  }

  #succeeds(body: Body, env: Env, scope: ModuleScope): boolean {
    try {
      this.body(body, 0, new Map(env), scope, () => {
        throw FOUND;
      });
    } catch (e) {
      if (e === FOUND) return true;
      throw e;
    }
    return false;
  }

  /** `some x` declares x: it is unbound for what follows, whatever an outer scope had. */
  #fresh(vars: readonly string[], env: Env, k: K): void {
    const saved = vars.filter((v) => env.has(v)).map((v) => [v, env.get(v)!] as const);
    for (const v of vars) env.delete(v);
    k();
    for (const v of vars) env.delete(v);
    for (const [v, val] of saved) env.set(v, val);
  }

  /**
   * A literal under `with`: each modifier's value may have several (`with input as xs[_]`), and the literal runs once
   * per combination, the value's own variables staying bound for the rest of the body (OPA moves such a value
   * into an expression of its own before the literal).
   */
  #withLiteral(lit: Literal, env: Env, scope: ModuleScope, k: K): void {
    this.#withValues(lit, 0, [], new Map(this.mocks), env, scope, k);
  }

  #withValues(lit: Literal, i: number, overrides: readonly Override[], mocks: Map<string, Mock>, env: Env, scope: ModuleScope, k: K): void {
    if (i === lit.with.length) return this.#underWith(lit, overrides, mocks, env, scope, k);
    const w = lit.with[i]!;
    const fnName = this.#mockTarget(w.target, scope);
    if (fnName) {
      const replacement = termName(w.value);
      if (replacement && (this.opts.builtins.has(replacement) || this.functionSet(replacement, scope))) {
        return this.#withValues(lit, i + 1, overrides, new Map(mocks).set(fnName, { fn: replacement, scope }), env, scope, k);
      }
      return this.term(w.value, env, scope, (value) => this.#withValues(lit, i + 1, overrides, new Map(mocks).set(fnName, { value }), env, scope, k));
    }
    const { root, path } = this.#targetPath(w.target, scope);
    this.term(w.value, env, scope, (value) => this.#withValues(lit, i + 1, [...overrides, { root, path, value }], mocks, env, scope, k));
  }

  #underWith(lit: Literal, overrides: readonly Override[], mocks: Map<string, Mock>, env: Env, scope: ModuleScope, k: K): void {
    const savedMocks = this.mocks;
    this.mocks = mocks;
    const savedInput = this.input;
    const savedData = this.data;
    const savedOverrides = this.dataOverrides;
    const savedCache = this.cache;
    const savedFuncs = this.funcCache;
    const solutions: [string, Value][][] = [];
    try {
      for (const o of overrides) {
        if (o.root === 'input') this.input = setPath(this.input, o.path, o.value);
        else {
          this.data = setPath(this.data, o.path, o.value);
          this.dataOverrides = [...this.dataOverrides, { path: o.path, value: o.value }];
        }
      }
      this.cache = new Map();
      this.funcCache = new Map();
      const before = new Set(env.keys());
      this.#literal({ ...lit, with: [] }, env, scope, () => {
        solutions.push([...env].filter(([n]) => !before.has(n)));
      });
    } finally {
      this.mocks = savedMocks;
      this.input = savedInput;
      this.data = savedData;
      this.dataOverrides = savedOverrides;
      this.cache = savedCache;
      this.funcCache = savedFuncs;
    }
    for (const bindings of solutions) {
      for (const [n, v] of bindings) env.set(n, v);
      k();
      for (const [n] of bindings) env.delete(n);
    }
  }

  /** A `with` target naming a function (builtin or user-defined) rather than a document. */
  #mockTarget(target: Term, scope: ModuleScope): string | undefined {
    const name = termName(target);
    if (!name) return undefined;
    const root = name.split('.')[0]!;
    if (root === 'input' || (root === 'data' && !this.functionSet(name, scope))) return undefined;
    if (this.opts.builtins.has(name) || this.functionSet(name, scope) || name === 'print') return name;
    return undefined;
  }

  #targetPath(target: Term, scope: ModuleScope): { root: 'input' | 'data'; path: Value[] } {
    const parts = target.type === 'ref' ? [target.head, ...target.path] : [target];
    const head = parts[0]!;
    if (head.type !== 'var') throw new EvalError('eval_type_error', 'with target must be a reference', target.loc);
    let prefix: readonly string[] = [head.name];
    if (head.name !== 'input' && head.name !== 'data') prefix = scope.imports.get(head.name) ?? [...['data'], ...scope.pkg, head.name];
    const rest = parts.slice(1).map((p) => (p.type === 'scalar' ? p.value : null));
    if (rest.some((r) => r === null)) throw new EvalError('eval_type_error', 'with target path must be ground', target.loc);
    return { root: prefix[0] as 'input' | 'data', path: [...prefix.slice(1), ...(rest as Value[])] };
  }

  // ---- unification ----

  #unify(left: Term, right: Term, env: Env, scope: ModuleScope, k: K): void {
    const pl = this.isPattern(left, env, scope);
    const pr = this.isPattern(right, env, scope);
    if (pl && pr) return this.#unifyPatterns(left, right, env, scope, k);
    if (pl) return this.term(right, env, scope, (v) => this.bindPattern(left, v, env, scope, k, false));
    if (pr) return this.term(left, env, scope, (v) => this.bindPattern(right, v, env, scope, k, false));
    this.term(left, env, scope, (a) =>
      this.term(right, env, scope, (b) => {
        if (equal(a, b)) k();
      }),
    );
  }

  /** Both sides have unbound variables (`[x, 1] = [2, y]`): unify element by element, whichever side can go first. */
  #unifyPatterns(left: Term, right: Term, env: Env, scope: ModuleScope, k: K): void {
    if (left.type === 'array' && right.type === 'array') {
      if (left.items.length !== right.items.length) return;
      return this.#unifyPairs(left.items.map((x, i) => [x, right.items[i]!] as const), env, scope, k);
    }
    if (left.type === 'object' && right.type === 'object') {
      if (left.items.length !== right.items.length) return;
      return this.terms(left.items.map(([key]) => key), env, scope, (lk) =>
        this.terms(right.items.map(([key]) => key), env, scope, (rk) => {
          const pairs: (readonly [Term, Term])[] = [];
          for (let i = 0; i < lk.length; i++) {
            const j = rk.findIndex((key) => equal(key, lk[i]!));
            if (j < 0) return;
            pairs.push([left.items[i]![1], right.items[j]![1]]);
          }
          this.#unifyPairs(pairs, env, scope, k);
        }),
      );
    }
  }

  #unifyPairs(pairs: readonly (readonly [Term, Term])[], env: Env, scope: ModuleScope, k: K): void {
    if (!pairs.length) return k();
    // A pair with a ground side binds variables the other pairs may need; two bare unbound variables wait.
    let at = pairs.findIndex(([a, b]) => !(this.isPattern(a, env, scope) && this.isPattern(b, env, scope)));
    if (at < 0) at = pairs.findIndex(([a, b]) => a.type !== 'var' && b.type !== 'var');
    if (at < 0) return;
    const [a, b] = pairs[at]!;
    const rest = pairs.filter((_, i) => i !== at);
    this.#unify(a, b, env, scope, () => this.#unifyPairs(rest, env, scope, k));
  }

  /** Whether a term has variables that unification would bind (a var, or an array/object holding one). */
  protected isPattern(t: Term, env: Env, scope: ModuleScope): boolean {
    switch (t.type) {
      case 'var':
        return !env.has(t.name) && !this.#isGlobal(t.name, scope);
      case 'array':
        return t.items.some((x) => this.isPattern(x, env, scope));
      case 'object':
        return t.items.some(([, v]) => this.isPattern(v, env, scope));
      default:
        return false;
    }
  }

  /**
   * Matches a term that may contain unbound variables against a value, binding them. `declare` makes every
   * variable new (`:=`); `shadow` makes variables local even where a rule has the same name (function arguments).
   */
  protected bindPattern(pattern: Term, value: Value, env: Env, scope: ModuleScope, k: K, declare: boolean, shadow = false): void {
    switch (pattern.type) {
      case 'var': {
        if (pattern.name === '_') return k();
        if (!declare && env.has(pattern.name)) {
          if (equal(env.get(pattern.name)!, value)) k();
          return;
        }
        if (!declare && !shadow && !env.has(pattern.name) && this.#isGlobal(pattern.name, scope)) {
          return this.term(pattern, env, scope, (v) => {
            if (equal(v, value)) k();
          });
        }
        const had = env.has(pattern.name);
        const old = env.get(pattern.name);
        env.set(pattern.name, value);
        k();
        if (had) env.set(pattern.name, old!);
        else env.delete(pattern.name);
        return;
      }
      case 'array': {
        if (!isArray(value) || value.length !== pattern.items.length) return;
        const step = (i: number): void => (i === pattern.items.length ? k() : this.bindPattern(pattern.items[i]!, value[i]!, env, scope, () => step(i + 1), declare, shadow));
        return step(0);
      }
      case 'object': {
        if (!isObject(value) || value.size !== pattern.items.length) return;
        const step = (i: number): void => {
          if (i === pattern.items.length) return k();
          const [kt, vt] = pattern.items[i]!;
          this.term(kt, env, scope, (key) => {
            const v = value.get(key);
            if (v !== undefined) this.bindPattern(vt, v, env, scope, () => step(i + 1), declare, shadow);
          });
        };
        return step(0);
      }
      default:
        this.term(pattern, env, scope, (v) => {
          if (equal(v, value)) k();
        });
    }
  }

  #isGlobal(name: string, scope: ModuleScope): boolean {
    return name === 'input' || name === 'data' || scope.ruleNames.has(name) || scope.imports.has(name);
  }

  // ---- terms ----

  protected term(t: Term, env: Env, scope: ModuleScope, k: KV): void {
    switch (t.type) {
      case 'scalar':
        return k(t.value);
      case 'var': {
        const bound = env.get(t.name);
        if (bound !== undefined) return k(bound);
        return this.#global(t.name, [], env, scope, t.loc, k);
      }
      case 'ref':
        return this.#ref(t, env, scope, k);
      case 'array':
        return this.terms(t.items, env, scope, (vs) => k(vs));
      case 'set':
        return this.terms(t.items, env, scope, (vs) => k(new RSet(vs)));
      case 'object':
        return this.terms(flatItems(t), env, scope, (vs) => {
          const o = new RObject();
          for (let i = 0; i < vs.length; i += 2) o.set(vs[i]!, vs[i + 1]!);
          k(o);
        });
      case 'arraycomp': {
        const out: Value[] = [];
        this.body(t.body, 0, env, scope, () => this.term(t.term, env, scope, (v) => out.push(v)));
        return k(out);
      }
      case 'setcomp': {
        const out = new RSet();
        this.body(t.body, 0, env, scope, () => this.term(t.term, env, scope, (v) => out.add(v)));
        return k(out);
      }
      case 'objectcomp': {
        const out = new RObject();
        this.body(t.body, 0, env, scope, () =>
          this.term(t.key, env, scope, (key) =>
            this.term(t.value, env, scope, (value) => {
              const prev = out.get(key);
              if (prev !== undefined && !equal(prev, value)) throw new EvalError('eval_conflict_error', 'object keys must be unique', t.loc);
              out.set(key, value);
            }),
          ),
        );
        return k(out);
      }
      case 'call':
        return this.call(t, env, scope, k);
      case 'with': {
        const out = '\u0000with';
        const lit: Literal = { expr: { kind: 'assign', left: { type: 'var', name: out, loc: t.loc }, right: t.term }, negated: false, with: t.with, loc: t.loc };
        const inner: Env = new Map(env);
        return this.#withLiteral(lit, inner, scope, () => k(inner.get(out)!));
      }
      case 'membership':
        return this.term(t.coll, env, scope, (coll) =>
          this.term(t.value, env, scope, (value) => {
            const check = (key: Value | undefined): void => {
              let found = false;
              this.#members(coll, (mk, member) => {
                if (!found && equal(member, value) && (key === undefined || equal(mk, key))) found = true;
              });
              k(found);
            };
            if (t.key) this.term(t.key, env, scope, check);
            else check(undefined);
          }),
        );
      case 'template': {
        // An undefined part prints as <undefined>; the first value of each part is used.
        let out = '';
        for (const p of t.parts) {
          if (typeof p === 'string') {
            out += p;
            continue;
          }
          let v: Value | undefined;
          try {
            this.term(p, env, scope, (x) => {
              v = x;
              throw FOUND;
            });
          } catch (e) {
            if (e !== FOUND) throw e;
          }
          out += v === undefined ? '<undefined>' : templateText(v);
        }
        return k(out);
      }
    }
  }

  protected terms(items: readonly Term[], env: Env, scope: ModuleScope, k: (vs: Value[]) => void): void {
    // A bare variable bound by a reference beside it (`x == xs[x]`) is read after that reference.
    if (items.length > 1 && needsReorder(items, env)) {
      const order = items.map((_, i) => i).sort((a, b) => Number(items[a]!.type === 'var') - Number(items[b]!.type === 'var'));
      return this.#termsFrom(order.map((o) => items[o]!), 0, [], env, scope, (vs) => {
        const out: Value[] = [];
        order.forEach((o, i) => (out[o] = vs[i]!));
        k(out);
      });
    }
    if (items.length === 1) return this.term(items[0]!, env, scope, (v) => k([v]));
    if (items.length === 2) return this.term(items[0]!, env, scope, (a) => this.term(items[1]!, env, scope, (b) => k([a, b])));
    this.#termsFrom(items, 0, [], env, scope, k);
  }

  #termsFrom(items: readonly Term[], i: number, vs: Value[], env: Env, scope: ModuleScope, k: (vs: Value[]) => void): void {
    // Constants need no continuation: a long literal array must not cost a stack frame per item.
    for (let item = items[i]; item?.type === 'scalar'; item = items[++i]) vs[i] = item.value;
    if (i === items.length) return k([...vs]);
    this.term(items[i]!, env, scope, (v) => {
      vs[i] = v;
      this.#termsFrom(items, i + 1, vs, env, scope, k);
    });
  }

  #members(coll: Value, k: (key: Value, value: Value) => void): void {
    if (isArray(coll)) coll.forEach((v, i) => k(i, v));
    else if (isObject(coll)) for (const [key, v] of coll) k(key, v);
    else if (isSet(coll)) for (const v of coll) k(v, v);
  }

  #global(name: string, path: readonly Term[], env: Env, scope: ModuleScope, loc: Location, k: KV): void {
    if (name === 'input') {
      if (this.input !== undefined) this.walk(this.input, path, 0, env, scope, k);
      return;
    }
    if (name === 'data') return this.dataRef(path, 0, this.policy.tree, this.data, [], env, scope, k);
    const imported = scope.imports.get(name);
    if (imported) return this.#global(imported[0]!, [...prefixTerms(scope, name, imported.slice(1), loc), ...path], env, scope, loc, k);
    if (scope.ruleNames.has(name)) return this.dataRef([...prefixTerms(scope, name, [...scope.pkg, name], loc), ...path], 0, this.policy.tree, this.data, [], env, scope, k);
  }

  #ref(t: Extract<Term, { type: 'ref' }>, env: Env, scope: ModuleScope, k: KV): void {
    const head = t.head;
    if (head.type === 'var') {
      const bound = env.get(head.name);
      if (bound === undefined) return this.#global(head.name, t.path, env, scope, t.loc, k);
      return this.walk(bound, t.path, 0, env, scope, k);
    }
    this.term(head, env, scope, (base) => this.walk(base, t.path, 0, env, scope, k));
  }

  /** Indexes into a value along a path; an unbound variable in the path enumerates the keys. */
  protected walk(value: Value, path: readonly Term[], i: number, env: Env, scope: ModuleScope, k: KV): void {
    // Ground steps (constants, bound variables) index directly, without a continuation each.
    for (let key = groundKey(path[i], env); key !== undefined; key = groundKey(path[++i], env)) {
      const next = index(value, key);
      if (next === undefined) return;
      value = next;
    }
    if (i === path.length) return k(value);
    const p = path[i]!;
    if (this.isPattern(p, env, scope)) {
      return this.#members(value, (key, member) => this.bindPattern(p, key, env, scope, () => this.walk(member, path, i + 1, env, scope, k), false));
    }
    this.term(p, env, scope, (key) => {
      const next = index(value, key);
      if (next !== undefined) this.walk(next, path, i + 1, env, scope, k);
    });
  }

}
