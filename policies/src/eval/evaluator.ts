/**
 * Top-down evaluation with backtracking, in continuation-passing style: every evaluation step calls `k` once per
 * solution, and bindings made for a solution are undone when `k` returns. Virtual documents (rules) are computed on
 * first reference and cached for the query; `with` runs its literal under a fresh cache.
 */
import type { Body, Literal, Rule, Term } from '../ast/nodes.js';
import type { Location } from '../ast/tokens.js';
import { BuiltinError } from '../builtins/errors.js';
import type { BuiltinContext, BuiltinDef } from '../builtins/types.js';
import { compileQuery, type CompiledPolicy, type ModuleScope, type RuleSet, type TreeNode } from '../compile/compiler.js';
import { RObject, RSet, equal, formatValue, isArray, isObject, isSet, keyOf, typeName, type Value } from '../values.js';
import { DocBuilder, mergeBase } from './docs.js';
import { EvalError } from './errors.js';
import { languageBuiltins } from './language.js';
import { collectVars, index, patternVars, scalarTerm, setPath, templateText, termName } from './terms.js';

type Env = Map<string, Value>;
type K = () => void;
type KV = (v: Value) => void;

export interface EvalOptions {
  readonly input?: Value;
  readonly data?: Value;
  readonly strict?: boolean;
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  readonly nowNs?: bigint;
  readonly builtins: ReadonlyMap<string, BuiltinDef>;
  readonly print?: (line: string) => void;
  /** Told of every rule body that succeeded (for explanations); absent means no cost. */
  readonly onRuleFired?: (rule: Rule) => void;
}

export const DEFAULT_MAX_STEPS = 1_000_000;

/** Name → function resolution depends only on the policy, so it is shared by every evaluation of one policy. */
const FUNCTION_LOOKUPS = new WeakMap<CompiledPolicy, Map<ModuleScope, Map<string, RuleSet | undefined>>>();

const NO_SCOPE: ModuleScope = { pkg: [], imports: new Map(), ruleNames: new Set() };

/** Queries in their safe order, per policy (the order depends on the functions the policy defines). */
const COMPILED_QUERIES = new WeakMap<CompiledPolicy, WeakMap<Body, Body>>();

/** Thrown to stop a search once it has what it needs; a plain object, so no stack trace is captured. */
const FOUND: unique symbol = Symbol('found');

export class Evaluation {
  readonly #policy: CompiledPolicy;
  readonly #opts: EvalOptions;
  #input: Value | undefined;
  #data: Value;
  #cache = new Map<string, Value | undefined>();
  #funcCache = new Map<string, Value | undefined>();
  #active = new Set<string>();
  readonly #fnLookup: Map<ModuleScope, Map<string, RuleSet | undefined>>;
  /** Functions replaced by `with f as g` / `with f as value` for the literal being evaluated. */
  #mocks = new Map<string, { value: Value } | { fn: string; scope: ModuleScope }>();
  /** `with data.… as v` in force: they replace base and virtual documents alike, the innermost last. */
  #dataOverrides: readonly { path: readonly Value[]; value: Value }[] = [];
  #steps = 0;
  #maxSteps: number;
  /** The first builtin error seen in strict mode; reported after evaluation, as OPA does. */
  strictError: EvalError | undefined;
  readonly #ctx: BuiltinContext;
  /** The language's own builtins (rego.metadata.*, rego.parse_module), which read the active rule. */
  readonly #language: ReadonlyMap<string, BuiltinDef>;
  #activeRule: Rule | undefined;

  constructor(policy: CompiledPolicy, opts: EvalOptions) {
    this.#policy = policy;
    this.#opts = opts;
    this.#input = opts.input;
    this.#data = opts.data ?? new RObject();
    this.#maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    this.#language = new Map(languageBuiltins(policy, () => this.#activeRule).map((d) => [d.decl.name, d] as const));
    this.#fnLookup = FUNCTION_LOOKUPS.get(policy) ?? new Map();
    FUNCTION_LOOKUPS.set(policy, this.#fnLookup);
    let seed = 0x2545f491;
    this.#ctx = {
      nowNs: opts.nowNs ?? BigInt(Date.now()) * 1_000_000n,
      random: () => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) / 4294967296;
      },
      cache: new Map(),
      sharedCache: new Map(),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.print ? { print: opts.print } : {}),
    };
  }

  /** Every solution of a query body: the bindings of its named variables. */
  query(query: Body): Record<string, Value>[] {
    let compiled = COMPILED_QUERIES.get(this.#policy);
    if (!compiled) COMPILED_QUERIES.set(this.#policy, (compiled = new WeakMap()));
    let body = compiled.get(query);
    if (!body) compiled.set(query, (body = compileQuery(query, this.#policy, this.#opts.builtins)));
    const rows: Record<string, Value>[] = [];
    const env: Env = new Map();
    const names = new Set<string>();
    collectVars(body, names);
    this.#body(body, 0, env, NO_SCOPE, () => {
      const row: Record<string, Value> = {};
      for (const n of names) if (!n.startsWith('_') && env.has(n)) row[n] = env.get(n)!;
      rows.push(row);
    });
    return rows;
  }

  /** The value of a document path (`["airlock", "decision"]`), or undefined. */
  document(path: readonly string[]): Value | undefined {
    let out: Value | undefined;
    this.#dataRef(path.map((p) => scalarTerm(p)), 0, this.#policy.tree, this.#data, [], new Map(), NO_SCOPE, (v) => {
      out = v;
    });
    return out;
  }

  #step(loc: Location): void {
    if (++this.#steps > this.#maxSteps) throw new EvalError('eval_cancel_error', `execution exceeded the step limit (${this.#maxSteps})`, loc);
    if ((this.#steps & 1023) === 0 && this.#opts.signal?.aborted) throw new EvalError('eval_cancel_error', 'caller cancelled query execution', loc);
  }

  // ---- bodies and literals ----

  #body(body: Body, i: number, env: Env, scope: ModuleScope, k: K): void {
    const lit = body[i];
    this.#step(lit?.loc ?? body[body.length - 1]?.loc ?? { file: '', row: 0, col: 0 });
    if (!lit) return k();
    // Inline continuations: a named `const next = () => …` costs a keepNames wrapper per step under tsx.
    if (lit.with.length) return this.#withLiteral(lit, env, scope, () => this.#body(body, i + 1, env, scope, k));
    this.#literal(lit, env, scope, () => this.#body(body, i + 1, env, scope, k));
  }

  #literal(lit: Literal, env: Env, scope: ModuleScope, k: K): void {
    if (lit.negated) {
      let found = false;
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

  #expr(lit: Literal, env: Env, scope: ModuleScope, k: K): void {
    const e = lit.expr;
    switch (e.kind) {
      case 'term':
        return this.#term(e.term, env, scope, (v) => {
          if (v !== false) k();
        });
      case 'unify':
        return this.#unify(e.left, e.right, env, scope, k);
      case 'assign':
        return this.#term(e.right, env, scope, (v) => this.#bindPattern(e.left, v, env, scope, k, true));
      case 'some':
        return this.#fresh(e.vars, env, k);
      case 'somein':
        return this.#fresh(patternVars([e.key, e.value]), env, () =>
          this.#term(e.coll, env, scope, (coll) =>
            this.#members(coll, (key, value) => {
              if (e.key) this.#bindPattern(e.key, key, env, scope, () => this.#bindPattern(e.value, value, env, scope, k, false), false);
              else this.#bindPattern(e.value, value, env, scope, k, false);
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
        return this.#term(e.coll, env, scope, (coll) => {
          if (!(isArray(coll) || isObject(coll) || isSet(coll))) return;
          let all = true;
          this.#members(coll, (key, value) => {
            if (!all) return;
            const inner: Env = new Map(env);
            let ok = false;
            const run = (): void =>
              this.#body(e.body, 0, inner, scope, () => {
                ok = true;
                throw FOUND;
              });
            try {
              const bindValue = (): void => this.#bindPattern(e.value, value, inner, scope, run, true);
              if (e.key) this.#bindPattern(e.key, key, inner, scope, bindValue, true);
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
      this.#body(body, 0, new Map(env), scope, () => {
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

  #withLiteral(lit: Literal, env: Env, scope: ModuleScope, k: K): void {
    const overrides: { root: 'input' | 'data'; path: Value[]; value: Value }[] = [];
    const mocks = new Map(this.#mocks);
    for (const w of lit.with) {
      const fnName = this.#mockTarget(w.target, scope);
      if (fnName) {
        const replacement = termName(w.value);
        if (replacement && (this.#opts.builtins.has(replacement) || this.#functionSet(replacement, scope))) mocks.set(fnName, { fn: replacement, scope });
        else this.#term(w.value, env, scope, (value) => mocks.set(fnName, { value }));
        continue;
      }
      const { root, path } = this.#targetPath(w.target, scope);
      this.#term(w.value, env, scope, (value) => overrides.push({ root, path, value }));
    }
    const savedMocks = this.#mocks;
    this.#mocks = mocks;
    const savedInput = this.#input;
    const savedData = this.#data;
    const savedOverrides = this.#dataOverrides;
    const savedCache = this.#cache;
    const savedFuncs = this.#funcCache;
    const solutions: [string, Value][][] = [];
    try {
      for (const o of overrides) {
        if (o.root === 'input') this.#input = setPath(this.#input, o.path, o.value);
        else {
          this.#data = setPath(this.#data, o.path, o.value);
          this.#dataOverrides = [...this.#dataOverrides, { path: o.path, value: o.value }];
        }
      }
      this.#cache = new Map();
      this.#funcCache = new Map();
      const before = new Set(env.keys());
      this.#literal({ ...lit, with: [] }, env, scope, () => {
        solutions.push([...env].filter(([n]) => !before.has(n)));
      });
    } finally {
      this.#mocks = savedMocks;
      this.#input = savedInput;
      this.#data = savedData;
      this.#dataOverrides = savedOverrides;
      this.#cache = savedCache;
      this.#funcCache = savedFuncs;
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
    if (root === 'input' || (root === 'data' && !this.#functionSet(name, scope))) return undefined;
    if (this.#opts.builtins.has(name) || this.#functionSet(name, scope) || name === 'print') return name;
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
    const pl = this.#isPattern(left, env, scope);
    const pr = this.#isPattern(right, env, scope);
    if (pl && pr) return this.#unifyPatterns(left, right, env, scope, k);
    if (pl) return this.#term(right, env, scope, (v) => this.#bindPattern(left, v, env, scope, k, false));
    if (pr) return this.#term(left, env, scope, (v) => this.#bindPattern(right, v, env, scope, k, false));
    this.#term(left, env, scope, (a) =>
      this.#term(right, env, scope, (b) => {
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
      return this.#terms(left.items.map(([key]) => key), env, scope, (lk) =>
        this.#terms(right.items.map(([key]) => key), env, scope, (rk) => {
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
    let at = pairs.findIndex(([a, b]) => !(this.#isPattern(a, env, scope) && this.#isPattern(b, env, scope)));
    if (at < 0) at = pairs.findIndex(([a, b]) => a.type !== 'var' && b.type !== 'var');
    if (at < 0) return;
    const [a, b] = pairs[at]!;
    const rest = pairs.filter((_, i) => i !== at);
    this.#unify(a, b, env, scope, () => this.#unifyPairs(rest, env, scope, k));
  }

  /** Whether a term has variables that unification would bind (a var, or an array/object holding one). */
  #isPattern(t: Term, env: Env, scope: ModuleScope): boolean {
    switch (t.type) {
      case 'var':
        return !env.has(t.name) && !this.#isGlobal(t.name, scope);
      case 'array':
        return t.items.some((x) => this.#isPattern(x, env, scope));
      case 'object':
        return t.items.some(([, v]) => this.#isPattern(v, env, scope));
      default:
        return false;
    }
  }

  /**
   * Matches a term that may contain unbound variables against a value, binding them. `declare` makes every
   * variable new (`:=`); `shadow` makes variables local even where a rule has the same name (function arguments).
   */
  #bindPattern(pattern: Term, value: Value, env: Env, scope: ModuleScope, k: K, declare: boolean, shadow = false): void {
    switch (pattern.type) {
      case 'var': {
        if (pattern.name === '_') return k();
        if (!declare && env.has(pattern.name)) {
          if (equal(env.get(pattern.name)!, value)) k();
          return;
        }
        if (!declare && !shadow && !env.has(pattern.name) && this.#isGlobal(pattern.name, scope)) {
          return this.#term(pattern, env, scope, (v) => {
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
        const step = (i: number): void => (i === pattern.items.length ? k() : this.#bindPattern(pattern.items[i]!, value[i]!, env, scope, () => step(i + 1), declare, shadow));
        return step(0);
      }
      case 'object': {
        if (!isObject(value) || value.size !== pattern.items.length) return;
        const step = (i: number): void => {
          if (i === pattern.items.length) return k();
          const [kt, vt] = pattern.items[i]!;
          this.#term(kt, env, scope, (key) => {
            const v = value.get(key);
            if (v !== undefined) this.#bindPattern(vt, v, env, scope, () => step(i + 1), declare, shadow);
          });
        };
        return step(0);
      }
      default:
        this.#term(pattern, env, scope, (v) => {
          if (equal(v, value)) k();
        });
    }
  }

  #isGlobal(name: string, scope: ModuleScope): boolean {
    return name === 'input' || name === 'data' || scope.ruleNames.has(name) || scope.imports.has(name);
  }

  // ---- terms ----

  #term(t: Term, env: Env, scope: ModuleScope, k: KV): void {
    switch (t.type) {
      case 'scalar':
        return k(t.value);
      case 'var':
        if (env.has(t.name)) return k(env.get(t.name)!);
        return this.#global(t.name, [], env, scope, t.loc, k);
      case 'ref':
        return this.#ref(t, env, scope, k);
      case 'array':
        return this.#terms(t.items, env, scope, (vs) => k(vs));
      case 'set':
        return this.#terms(t.items, env, scope, (vs) => k(new RSet(vs)));
      case 'object':
        return this.#terms(t.items.flat(), env, scope, (vs) => {
          const o = new RObject();
          for (let i = 0; i < vs.length; i += 2) o.set(vs[i]!, vs[i + 1]!);
          k(o);
        });
      case 'arraycomp': {
        const out: Value[] = [];
        this.#body(t.body, 0, env, scope, () => this.#term(t.term, env, scope, (v) => out.push(v)));
        return k(out);
      }
      case 'setcomp': {
        const out = new RSet();
        this.#body(t.body, 0, env, scope, () => this.#term(t.term, env, scope, (v) => out.add(v)));
        return k(out);
      }
      case 'objectcomp': {
        const out = new RObject();
        this.#body(t.body, 0, env, scope, () =>
          this.#term(t.key, env, scope, (key) =>
            this.#term(t.value, env, scope, (value) => {
              const prev = out.get(key);
              if (prev !== undefined && !equal(prev, value)) throw new EvalError('eval_conflict_error', 'object keys must be unique', t.loc);
              out.set(key, value);
            }),
          ),
        );
        return k(out);
      }
      case 'call':
        return this.#call(t, env, scope, k);
      case 'with': {
        const out = '\u0000with';
        const lit: Literal = { expr: { kind: 'assign', left: { type: 'var', name: out, loc: t.loc }, right: t.term }, negated: false, with: t.with, loc: t.loc };
        const inner: Env = new Map(env);
        return this.#withLiteral(lit, inner, scope, () => k(inner.get(out)!));
      }
      case 'membership':
        return this.#term(t.coll, env, scope, (coll) =>
          this.#term(t.value, env, scope, (value) => {
            const check = (key: Value | undefined): void => {
              let found = false;
              this.#members(coll, (mk, member) => {
                if (!found && equal(member, value) && (key === undefined || equal(mk, key))) found = true;
              });
              k(found);
            };
            if (t.key) this.#term(t.key, env, scope, check);
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
            this.#term(p, env, scope, (x) => {
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

  #terms(items: readonly Term[], env: Env, scope: ModuleScope, k: (vs: Value[]) => void): void {
    // A bare variable bound by a reference beside it (`x == xs[x]`) is read after that reference.
    if (items.length > 1 && items.some((t) => t.type === 'var' && !env.has(t.name))) {
      const order = items.map((_, i) => i).sort((a, b) => Number(items[a]!.type === 'var') - Number(items[b]!.type === 'var'));
      if (order.some((o, i) => o !== i)) {
        return this.#termsFrom(order.map((o) => items[o]!), 0, [], env, scope, (vs) => {
          const out: Value[] = [];
          order.forEach((o, i) => (out[o] = vs[i]!));
          k(out);
        });
      }
    }
    if (items.length === 1) return this.#term(items[0]!, env, scope, (v) => k([v]));
    if (items.length === 2) return this.#term(items[0]!, env, scope, (a) => this.#term(items[1]!, env, scope, (b) => k([a, b])));
    this.#termsFrom(items, 0, [], env, scope, k);
  }

  #termsFrom(items: readonly Term[], i: number, vs: Value[], env: Env, scope: ModuleScope, k: (vs: Value[]) => void): void {
    if (i === items.length) return k([...vs]);
    this.#term(items[i]!, env, scope, (v) => {
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
      if (this.#input !== undefined) this.#walk(this.#input, path, 0, env, scope, k);
      return;
    }
    if (name === 'data') return this.#dataRef(path, 0, this.#policy.tree, this.#data, [], env, scope, k);
    const imported = scope.imports.get(name);
    if (imported) return this.#global(imported[0]!, [...imported.slice(1).map((p) => scalarTerm(p, loc)), ...path], env, scope, loc, k);
    if (scope.ruleNames.has(name)) return this.#global('data', [...[...scope.pkg, name].map((p) => scalarTerm(p, loc)), ...path], env, scope, loc, k);
  }

  #ref(t: Extract<Term, { type: 'ref' }>, env: Env, scope: ModuleScope, k: KV): void {
    const head = t.head;
    if (head.type === 'var' && !env.has(head.name)) return this.#global(head.name, t.path, env, scope, t.loc, k);
    this.#term(head, env, scope, (base) => this.#walk(base, t.path, 0, env, scope, k));
  }

  /** Indexes into a value along a path; an unbound variable in the path enumerates the keys. */
  #walk(value: Value, path: readonly Term[], i: number, env: Env, scope: ModuleScope, k: KV): void {
    if (i === path.length) return k(value);
    const p = path[i]!;
    if (this.#isPattern(p, env, scope)) {
      return this.#members(value, (key, member) => this.#bindPattern(p, key, env, scope, () => this.#walk(member, path, i + 1, env, scope, k), false));
    }
    this.#term(p, env, scope, (key) => {
      const next = index(value, key);
      if (next !== undefined) this.#walk(next, path, i + 1, env, scope, k);
    });
  }

  /**
   * `data…`: virtual documents from rules, merged with the base documents at the same path. The first node on the
   * path that has rules computes its whole document (rules deeper down included); the rest of the path indexes it.
   */
  #dataRef(path: readonly Term[], i: number, node: TreeNode | undefined, base: Value | undefined, at: readonly Value[], env: Env, scope: ModuleScope, k: KV): void {
    const override = this.#override(at);
    if (override !== undefined) return this.#walk(override, path, i, env, scope, k);
    if (node?.ruleSet) {
      const value = this.#nodeValue(node, at, path[i - 1]?.loc ?? node.ruleSet.rules[0]?.loc);
      if (value !== undefined) this.#walk(value, path, i, env, scope, k);
      return;
    }
    if (i === path.length) {
      const doc = this.#materialize(node, base, at);
      if (doc !== undefined) k(doc);
      return;
    }
    const p = path[i]!;
    if (!node) {
      if (!isObject(base) || this.#isPattern(p, env, scope)) {
        if (base !== undefined) this.#walk(base, path, i, env, scope, k);
        return;
      }
      // The base document is a JSON tree, so a number names the key of its text, as in OPA's store (`data[2]`).
      return this.#term(p, env, scope, (key) => {
        const sub = base.get(key) ?? (typeof key === 'number' || typeof key === 'bigint' ? base.get(String(key)) : undefined);
        if (sub !== undefined) this.#dataRef(path, i + 1, undefined, sub, [...at, key], env, scope, k);
      });
    }
    if (this.#isPattern(p, env, scope)) {
      const keys = new Map<string, Value>();
      for (const key of node.children.keys()) keys.set(keyOf(key), key);
      if (isObject(base)) for (const key of base.keys()) keys.set(keyOf(key), key);
      for (const key of keys.values()) {
        const child = typeof key === 'string' ? node.children.get(key) : undefined;
        this.#bindPattern(p, key, env, scope, () => this.#dataRef(path, i + 1, child, isObject(base) ? base.get(key) : undefined, [...at, key], env, scope, k), false);
      }
      return;
    }
    this.#term(p, env, scope, (key) => {
      const child = typeof key === 'string' ? node.children.get(key) : undefined;
      let sub = base === undefined ? undefined : index(base, key);
      if (sub === undefined && isObject(base) && (typeof key === 'number' || typeof key === 'bigint')) sub = base.get(String(key));
      if (!child && sub === undefined && this.#override([...at, key]) === undefined) return;
      this.#dataRef(path, i + 1, child, sub, [...at, key], env, scope, k);
    });
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
      const v = this.#materialize(child, sub, [...at, key]);
      if (v === undefined) continue;
      out = sub === undefined ? (out as RObject).set(key, v) : (out as RObject).set(key, mergeBase(sub, v));
    }
    return out;
  }

  /** A node's virtual document, with any `with` overrides below it written in. */
  #nodeValue(node: TreeNode, at: readonly Value[], loc: Location | undefined): Value | undefined {
    let value = this.#ruleSetValue(node.ruleSet!, node, loc);
    if (value === undefined || !this.#dataOverrides.length) return value;
    for (const o of this.#dataOverrides) {
      if (o.path.length > at.length && at.every((p, j) => equal(p, o.path[j]!))) value = setPath(value, o.path.slice(at.length), o.value);
    }
    return value;
  }

  #override(at: readonly Value[]): Value | undefined {
    for (let j = this.#dataOverrides.length - 1; j >= 0; j--) {
      const o = this.#dataOverrides[j]!;
      if (o.path.length === at.length && at.every((p, n) => equal(p, o.path[n]!))) return o.value;
    }
    return undefined;
  }

  // ---- rules ----

  #ruleSetValue(set: RuleSet, node: TreeNode | undefined, loc: Location | undefined): Value | undefined {
    if (set.kind === 'function') return undefined;
    const key = set.path.join('.');
    if (this.#cache.has(key)) return this.#cache.get(key);
    if (this.#active.has(key)) throw new EvalError('rego_recursion_error', `rule data.${key} is recursive`, loc);
    this.#active.add(key);
    try {
      const value = this.#computeRuleSet(set, node);
      this.#cache.set(key, value);
      return value;
    } finally {
      this.#active.delete(key);
    }
  }

  #computeRuleSet(set: RuleSet, node: TreeNode | undefined): Value | undefined {
    switch (set.kind) {
      case 'set': {
        const out = new RSet();
        for (const r of set.rules) this.#ruleBody(r, set, new Map(), (env, scope) => this.#term(r.key!, env, scope, (v) => out.add(v)));
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
      const v = this.#completeValue(r, set, new Map());
      if (v === undefined) continue;
      if (result !== undefined && !equal(result, v)) throw new EvalError('eval_conflict_error', 'complete rules must not produce multiple outputs', r.loc);
      result = v;
    }
    if (result === undefined && set.defaultRule) {
      this.#term(set.defaultRule.value!, new Map(), set.modules.get(set.defaultRule)!, (v) => {
        result = v;
      });
    }
    return result;
  }

  /** Rules with a dynamic head (`p[q].r := v`, `p[q] contains x`): each solution writes its keys and value. */
  #fillObjectRules(doc: DocBuilder, prefix: readonly Value[], set: RuleSet): void {
    for (const r of set.rules) {
      this.#ruleBody(r, set, new Map(), (env, scope) =>
        this.#terms([r.key!, ...(r.refRest ?? [])], env, scope, (keys) =>
          this.#term(r.value!, env, scope, (value) => {
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
  #completeValue(rule: Rule, set: RuleSet, env: Env): Value | undefined {
    for (let r: Rule | null = rule; r; r = r.elseRule) {
      let value: Value | undefined;
      const clause = r;
      this.#ruleBody(
        clause,
        set,
        env,
        (e, scope) =>
        this.#term(clause.value!, e, scope, (v) => {
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

  /** A rule's body; `owner` is the rule an else clause belongs to (whose annotations apply). */
  #ruleBody(rule: Rule, set: RuleSet, env: Env, k: (env: Env, scope: ModuleScope) => void, owner: Rule = rule): void {
    const scope = set.modules.get(rule) ?? NO_SCOPE;
    const fired = this.#opts.onRuleFired;
    const saved = this.#activeRule;
    this.#activeRule = owner;
    try {
      this.#body(rule.body, 0, env, scope, fired ? () => (fired(rule), k(env, scope)) : () => k(env, scope));
    } finally {
      this.#activeRule = saved;
    }
  }

  // ---- calls ----

  #call(t: Extract<Term, { type: 'call' }>, env: Env, scope: ModuleScope, k: KV): void {
    const mock = this.#mocks.get(t.name);
    if (mock) {
      if ('value' in mock) return this.#terms(t.args, env, scope, () => k(mock.value));
      // The replacement runs with no function mocks at all (OPA pushes an empty frame): it calls the real functions.
      const saved = this.#mocks;
      this.#mocks = new Map();
      try {
        return this.#call({ ...t, name: mock.fn }, env, mock.scope, k);
      } finally {
        this.#mocks = saved;
      }
    }
    const fn = this.#functionSet(t.name, scope);
    if (fn) {
      const arity = (fn.rules[0] ?? fn.defaultRule)!.args.length;
      if (t.args.length === arity + 1) {
        // f(x, out): the last argument receives the result, and the call itself is true.
        return this.#terms(t.args.slice(0, arity), env, scope, (args) =>
          this.#callFunction(fn, args, t.loc, (result) => this.#bindPattern(t.args[arity]!, result, env, scope, () => k(true), false)),
        );
      }
      return this.#terms(t.args, env, scope, (args) => this.#callFunction(fn, args, t.loc, k));
    }
    if (t.name === 'print' || t.name === 'internal.print') {
      return this.#terms(t.args, env, scope, (args) => {
        this.#opts.print?.(args.map((a) => (typeof a === 'string' ? a : formatValue(a))).join(' '));
        k(true);
      });
    }
    const def = this.#opts.builtins.get(t.name) ?? this.#language.get(t.name);
    if (!def) throw new EvalError('eval_type_error', `undefined function ${t.name}`, t.loc);
    if (def.decl.relation) {
      const n = def.decl.args.length;
      return this.#terms(t.args.slice(0, n), env, scope, (args) => {
        const results = this.#invoke(def, args, t.loc);
        if (!Array.isArray(results)) return;
        for (const r of results as Value[]) {
          if (t.args.length > n) this.#bindPattern(t.args[n]!, r, env, scope, () => k(true), false);
          else k(r);
        }
      });
    }
    const arity = def.decl.args.length;
    const inputs = def.decl.variadic ? t.args : t.args.slice(0, arity);
    this.#terms(inputs, env, scope, (args) => {
      const result = this.#invoke(def, args, t.loc);
      if (result === undefined) return;
      if (t.args.length > arity && !def.decl.variadic) return this.#bindPattern(t.args[arity]!, result as Value, env, scope, () => k(true), false);
      k(result as Value);
    });
  }

  #invoke(def: BuiltinDef, args: readonly Value[], loc: Location): Value | readonly Value[] | undefined {
    try {
      return def.impl(args, this.#ctx);
    } catch (error) {
      if (!(error instanceof BuiltinError)) throw error;
      // Non-strict: a failing builtin makes its expression undefined. Strict: the first error is reported after
      // evaluation (OPA's WithStrictBuiltinErrors).
      if (this.#opts.strict) this.strictError ??= new EvalError(error.code, `${def.decl.name}: ${error.message}`, loc);
      return undefined;
    }
  }

  #functionSet(name: string, scope: ModuleScope): RuleSet | undefined {
    let byName = this.#fnLookup.get(scope);
    if (!byName) this.#fnLookup.set(scope, (byName = new Map()));
    if (byName.has(name)) return byName.get(name);
    const found = this.#resolveFunction(name, scope);
    byName.set(name, found);
    return found;
  }

  #resolveFunction(name: string, scope: ModuleScope): RuleSet | undefined {
    const parts = name.split('.');
    let path: string[];
    if (parts[0] === 'data') path = parts.slice(1);
    else if (scope.imports.has(parts[0]!)) path = [...scope.imports.get(parts[0]!)!.slice(1), ...parts.slice(1)];
    else if (scope.ruleNames.has(parts[0]!)) path = [...scope.pkg, ...parts];
    else return undefined;
    const set = this.#policy.ruleSets.get(path.join('.'));
    return set?.kind === 'function' ? set : undefined;
  }

  #callFunction(set: RuleSet, args: Value[], loc: Location, k: KV): void {
    const key = set.path.join('.') + '\u0000' + args.map(keyOf).join('\u0000');
    if (this.#funcCache.has(key)) {
      const cached = this.#funcCache.get(key);
      if (cached !== undefined) k(cached);
      return;
    }
    let result: Value | undefined;
    for (const rule of set.rules) {
      if (rule.args.length !== args.length) continue;
      const env: Env = new Map();
      const scope = set.modules.get(rule) ?? NO_SCOPE;
      const bindArgs = (i: number, done: K): void =>
        i === args.length ? done() : this.#bindPattern(rule.args[i]!, args[i]!, env, scope, () => bindArgs(i + 1, done), false, true);
      bindArgs(0, () => {
        const v = this.#completeValue(rule, set, env);
        if (v === undefined) return;
        if (result !== undefined && !equal(result, v)) throw new EvalError('eval_conflict_error', 'functions must not produce multiple outputs for same inputs', loc);
        result = v;
      });
    }
    if (result === undefined && set.defaultRule) {
      this.#term(set.defaultRule.value!, new Map(), set.modules.get(set.defaultRule) ?? NO_SCOPE, (v) => {
        result = v;
      });
    }
    this.#funcCache.set(key, result);
    if (result !== undefined) k(result);
  }
}

export { index, typeName };
