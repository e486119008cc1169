/**
 * The part of OPA's type checker that needs no types: every call names a known function (builtin or user
 * function) and passes it as many operands as it takes, plus at most one output.
 */
import { forEachChild } from '../ast/children.js';
import { termName } from '../ast/names.js';
import { RegoError } from '../ast/errors.js';
import type { Body, Literal, Rule, Term } from '../ast/nodes.js';
import type { BuiltinDecl } from '../builtins/types.js';
import type { ModuleScope, RuleSet } from './compiler.js';

/** Names the evaluator implements itself rather than as registered builtins. */
export const EVALUATOR_FUNCTIONS = new Set(['print', 'internal.print']);

/** A builtin's declaration by name (registered or the language's own), or undefined. */
export type DeclOf = (name: string) => BuiltinDecl | undefined;

/**
 * The user function a call names, resolved as the evaluator does (data…, imports, the package's rules). A call may
 * also name a complete rule, read as a function of no arguments: OPA parses `f() := v` as the complete rule `f`.
 */
export function resolveCallee(name: string, scope: ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>): RuleSet | undefined {
  const set = resolveFunction(name, scope, ruleSets, true);
  return set && (set.kind === 'function' || set.kind === 'complete') ? set : undefined;
}

/** The user function a name refers to (a `with` target, a replacement): function rules only. */
export function resolveFunction(name: string, scope: ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>, anyKind = false): RuleSet | undefined {
  const parts = name.split('.');
  let path: readonly string[];
  if (parts[0] === 'data') path = parts.slice(1);
  else if (scope.imports.has(parts[0]!)) path = [...scope.imports.get(parts[0]!)!.slice(1), ...parts.slice(1)];
  else if (scope.ruleNames.has(parts[0]!)) path = [...scope.pkg, ...parts];
  else return undefined;
  const set = ruleSets.get(path.join('.'));
  return anyKind || set?.kind === 'function' ? set : undefined;
}

/** How many inputs the named function takes, or undefined when it is unknown (or variadic). */
export function functionArity(name: string, scope: ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>, declOf: DeclOf): number | undefined {
  const fn = resolveCallee(name, scope, ruleSets);
  if (fn) return (fn.rules[0] ?? fn.defaultRule)!.args.length;
  const decl = declOf(name);
  return decl && !decl.variadic ? decl.args.length : undefined;
}

/** OPA's CheckUndefinedFuncs stage: every call names a builtin or a user function. */
export function undefinedFunctions(rules: readonly Rule[], scopeOf: (r: Rule) => ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>, declOf: DeclOf): RegoError[] {
  const errors: RegoError[] = [];
  eachCall(rules, scopeOf, (t, scope) => {
    if (EVALUATOR_FUNCTIONS.has(t.name) || resolveCallee(t.name, scope, ruleSets) || declOf(t.name)) return;
    errors.push(new RegoError('rego_type_error', `undefined function ${t.name}`, t.loc));
  });
  return errors;
}

/** Part of OPA's CheckTypes stage: a call passes as many operands as the function takes, plus at most one output. */
export function arityMismatches(rules: readonly Rule[], scopeOf: (r: Rule) => ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>, declOf: DeclOf): RegoError[] {
  const errors: RegoError[] = [];
  eachCall(rules, scopeOf, (t, scope) => {
    const fn = resolveCallee(t.name, scope, ruleSets);
    const def = fn ? undefined : declOf(t.name);
    if ((!fn && !def) || def?.variadic) return;
    const want = fn ? (fn.rules[0] ?? fn.defaultRule)!.args.length : def!.args.length;
    if (t.args.length === want || t.args.length === want + 1) return;
    const wanted = fn ? `(${Array.from({ length: want }, () => 'any').join(', ')})` : `(${def!.args.map((a) => a.name).join(', ')})`;
    errors.push(new RegoError('rego_type_error', `${t.name}: arity mismatch\n\thave: (${t.args.map(() => 'any').join(', ')})\n\twant: ${wanted}`, t.loc));
  });
  return errors;
}

/** OPA's with-modifier check: a target is (under) input or data, or names a function. */
export function invalidWithTargets(rules: readonly Rule[], scopeOf: (r: Rule) => ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>, declOf: DeclOf): RegoError[] {
  const errors: RegoError[] = [];
  const check = (target: Term, scope: ModuleScope): void => {
    const head = target.type === 'ref' ? target.head : target;
    const name = termName(target);
    if (head.type === 'var' && (head.name === 'input' || head.name === 'data' || scope.imports.has(head.name) || scope.ruleNames.has(head.name))) return;
    if (name !== undefined && (EVALUATOR_FUNCTIONS.has(name) || declOf(name) || resolveFunction(name, scope, ruleSets))) return;
    errors.push(new RegoError('rego_type_error', 'with keyword target must reference existing input, data, or a function', target.loc));
  };
  for (const rule of rules) {
    const scope = scopeOf(rule);
    for (let r: Rule | null = rule; r; r = r.elseRule) eachWith(r.body, (w) => check(w, scope));
  }
  return errors;
}

/** Every with target in a body, closures and template expressions included. */
function eachWith(body: Body, f: (target: Term) => void): void {
  walkBody(body, { literal: (l) => l.with.forEach((w) => f(w.target)), term: (t) => t.type === 'with' && t.with.forEach((w) => f(w.target)) });
}

function eachCall(rules: readonly Rule[], scopeOf: (r: Rule) => ModuleScope, f: (c: CallTerm, scope: ModuleScope) => void): void {
  for (const rule of rules) {
    const scope = scopeOf(rule);
    for (let r: Rule | null = rule; r; r = r.elseRule) {
      for (const t of [r.key, r.value, ...(r.refRest ?? []), ...r.args]) visitCalls(t, (c) => f(c, scope));
      visitBody(r.body, (c) => f(c, scope));
    }
  }
}

type CallTerm = Extract<Term, { type: 'call' }>;

interface Visitor {
  readonly term?: (t: Term) => void;
  readonly literal?: (l: Literal) => void;
}

export function visitCalls(t: Term | null, f: (c: CallTerm) => void): void {
  visitTerm(t, { term: (x) => x.type === 'call' && f(x) });
}

export function visitBody(body: Body, f: (c: CallTerm) => void): void {
  walkBody(body, { term: (x) => x.type === 'call' && f(x) });
}

/** Every term (pre-order) and literal under a term, closures included. */
function visitTerm(t: Term | null, v: Visitor): void {
  if (!t) return;
  v.term?.(t);
  forEachChild(t, (x) => visitTerm(x, v), (b) => walkBody(b, v));
}

function walkBody(body: Body, v: Visitor): void {
  for (const lit of body) {
    v.literal?.(lit);
    const e = lit.expr;
    const sub = (t: Term | null): void => visitTerm(t, v);
    switch (e.kind) {
      case 'term':
        sub(e.term);
        break;
      case 'unify':
      case 'assign':
        sub(e.left);
        sub(e.right);
        break;
      case 'somein':
        sub(e.key);
        sub(e.value);
        sub(e.coll);
        break;
      case 'every':
        sub(e.coll);
        walkBody(e.body, v);
        break;
      case 'group':
        walkBody(e.body, v);
        break;
      case 'or':
        e.branches.forEach((b) => walkBody(b, v));
        break;
      default:
        break;
    }
    for (const w of lit.with) sub(w.value);
  }
}
