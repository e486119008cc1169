/**
 * Modules → a compiled policy: rules grouped by path into a tree the evaluator walks for `data` references, with
 * each module's imports resolved and each body ordered for safety. Reports what `opa check` reports, stage by
 * stage as OPA does (a stage with errors ends compilation): conflicting rule kinds and defaults, local
 * declarations, unknown functions, unsafe variables, recursion, then wrong arities.
 */
import { RegoError, RegoErrors } from '../ast/errors.js';
import type { Body, Literal, Module, Rule, Term } from '../ast/nodes.js';
import { parseModule, type ParserOptions } from '../ast/parser.js';
import { createRegistry } from '../builtins/registry.js';
import type { BuiltinDef } from '../builtins/types.js';
import { foldBody, foldRule } from './fold.js';
import { checkRecursion } from './recursion.js';
import { GENERATED_PREFIX, SafetyChecker } from './safety.js';
import { checkLocals } from './locals.js';
import { rewritePrintBody, rewritePrintRule } from './print.js';
import { renameShadowingDecls } from './shadow.js';
import { rewriteWithValues } from './with.js';
import { LANGUAGE_DECLS } from '../eval/language.js';
import { arityMismatches, functionArity, invalidWithTargets, undefinedFunctions, type DeclOf } from './types.js';

export interface RuleSet {
  readonly path: readonly string[];
  /** The path joined by dots: the key of caches and of `ruleSets`. */
  readonly key: string;
  readonly kind: Rule['kind'];
  readonly rules: readonly Rule[];
  readonly defaultRule: Rule | null;
  /** The module of each rule, for resolving names in its body. */
  readonly modules: ReadonlyMap<Rule, ModuleScope>;
}

export interface ModuleScope {
  readonly pkg: readonly string[];
  /** Alias → full reference path (["data", "x", "y"] or ["input", …]). */
  readonly imports: ReadonlyMap<string, readonly string[]>;
  /** Rule names defined in this package (for bare references). */
  readonly ruleNames: ReadonlySet<string>;
}

export interface TreeNode {
  readonly children: Map<string, TreeNode>;
  ruleSet: RuleSet | null;
}

export interface CompiledPolicy {
  readonly modules: readonly Module[];
  readonly tree: TreeNode;
  readonly ruleSets: ReadonlyMap<string, RuleSet>;
}

export interface CompileOptions extends ParserOptions {
  /** The builtins calls may name (default: all of them). */
  readonly builtins?: ReadonlyMap<string, BuiltinDef>;
}

const newNode = (): TreeNode => ({ children: new Map(), ruleSet: null });

/**
 * Documents that cannot be both: a package and a rule at the same path, or a rule whose value is a leaf (anything
 * but a partial object) with rules below it.
 */
function treeConflicts(tree: TreeNode, modules: readonly Module[]): RegoError[] {
  const errors: RegoError[] = [];
  for (const m of modules) {
    const set = nodeAt(tree, m.pkg).ruleSet;
    const rule = set && (set.rules[0] ?? set.defaultRule)!;
    if (rule) errors.push(new RegoError('rego_type_error', `package ${m.pkg.join('.')} conflicts with rule data.${set.key} defined at ${rule.loc.file}:${rule.loc.row}`, rule.loc));
  }
  const below = (node: TreeNode, out: string[]): string[] => {
    for (const child of node.children.values()) {
      if (child.ruleSet) out.push(`data.${child.ruleSet.key}`);
      below(child, out);
    }
    return out;
  };
  const visit = (node: TreeNode): void => {
    const set = node.ruleSet;
    if (set && set.kind !== 'object') {
      const inner = below(node, []);
      if (inner.length) errors.push(new RegoError('rego_type_error', `rule data.${set.key} conflicts with [${inner.join(' ')}]`, (set.rules[0] ?? set.defaultRule)!.loc));
    }
    node.children.forEach(visit);
  };
  visit(tree);
  return errors;
}

/** The tree node at a path, created (with the nodes above it) if missing. */
function nodeAt(tree: TreeNode, path: readonly string[]): TreeNode {
  let node = tree;
  for (const part of path) {
    let child = node.children.get(part);
    if (!child) node.children.set(part, (child = newNode()));
    node = child;
  }
  return node;
}

export function compileModules(sources: readonly { file: string; source: string }[], options: CompileOptions = {}): CompiledPolicy {
  return compileParsed(parseModules(sources, options), options);
}

/** Every module parsed, or every parse error at once. */
export function parseModules(sources: readonly { file: string; source: string }[], options: ParserOptions = {}): Module[] {
  const errors: RegoError[] = [];
  const modules: Module[] = [];
  for (const { file, source } of sources) {
    try {
      modules.push(parseModule(source, file, options));
    } catch (error) {
      if (error instanceof RegoError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length) throw new RegoErrors(errors);
  return modules;
}

/** Parsed modules → a compiled policy (for callers that rewrite modules between parsing and compiling, as `opa test` does). */
export function compileParsed(modules: readonly Module[], options: CompileOptions = {}): CompiledPolicy {
  const errors: RegoError[] = [];

  const rulesByPkg = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = m.pkg.join('.');
    const names = rulesByPkg.get(key) ?? new Set<string>();
    for (const r of m.rules) names.add(r.path[m.pkg.length]!);
    rulesByPkg.set(key, names);
  }

  const grouped = new Map<string, { rules: Rule[]; defaultRule: Rule | null; modules: Map<Rule, ModuleScope> }>();
  for (const m of modules) {
    const imports = new Map<string, readonly string[]>();
    for (const imp of m.imports) {
      if (imp.path[0] !== 'data' && imp.path[0] !== 'input') continue;
      imports.set(imp.alias ?? imp.path[imp.path.length - 1]!, imp.path);
    }
    const scope: ModuleScope = { pkg: m.pkg, imports, ruleNames: rulesByPkg.get(m.pkg.join('.'))! };
    for (const r of m.rules) {
      const key = r.path.join('.');
      const g = grouped.get(key) ?? { rules: [] as Rule[], defaultRule: null as Rule | null, modules: new Map<Rule, ModuleScope>() };
      if (r.isDefault) {
        if (g.defaultRule) errors.push(new RegoError('rego_type_error', `multiple default rules data.${key} found`, r.loc));
        g.defaultRule = r;
      } else g.rules.push(r);
      for (let c: Rule | null = r; c; c = c.elseRule) g.modules.set(c, scope);
      grouped.set(key, g);
    }
  }

  const tree = newNode();
  const ruleSets = new Map<string, RuleSet>();
  // A package exists as a document (an empty object) even when it has no rules.
  for (const m of modules) nodeAt(tree, m.pkg);
  for (const [key, g] of grouped) {
    const all = g.defaultRule ? [...g.rules, g.defaultRule] : g.rules;
    const kinds = new Set(all.map((r) => r.kind));
    const arities = new Set(all.map((r) => r.args.length));
    if (kinds.size > 1 || arities.size > 1) {
      errors.push(new RegoError('rego_type_error', `conflicting rules data.${key} found`, all[0]!.loc));
      continue;
    }
    const set: RuleSet = { path: all[0]!.path, key, kind: all[0]!.kind, rules: g.rules, defaultRule: g.defaultRule, modules: g.modules };
    ruleSets.set(key, set);
    nodeAt(tree, set.path).ruleSet = set;
  }
  errors.push(...treeConflicts(tree, modules));
  if (errors.length) throw new RegoErrors(errors);

  // OPA's stage order: local declarations, undefined functions, safety, recursion, then types.
  const builtins = declarations(options.builtins ?? createRegistry());
  const allRules = [...ruleSets.values()].flatMap((set) => (set.defaultRule ? [...set.rules, set.defaultRule] : set.rules));
  const locals = checkLocals(allRules);
  if (locals.length) throw new RegoErrors(locals);
  const undefinedCalls = undefinedFunctions(allRules, (r) => scopeOfRule(r, ruleSets), ruleSets, builtins);
  if (undefinedCalls.length) throw new RegoErrors(undefinedCalls);
  const withTargets = invalidWithTargets(allRules, (r) => scopeOfRule(r, ruleSets), ruleSets, builtins);
  if (withTargets.length) throw new RegoErrors(withTargets);

  const safe = new Map<Rule, Rule>();
  for (const set of ruleSets.values()) {
    for (const rule of set.defaultRule ? [...set.rules, set.defaultRule] : set.rules) {
      const scope = set.modules.get(rule)!;
      const checker = checkerFor(scope, ruleSets, builtins);
      const local = renameShadowingDecls(rewriteWithValues(rewritePrintRule(rewriteArgs(rule))), (v) => isGlobalIn(scope, v));
      safe.set(rule, foldRule(checker.rule(local)));
      errors.push(...checker.errors());
    }
  }
  if (errors.length) throw new RegoErrors(errors);

  const compiled = new Map<string, RuleSet>();
  for (const [key, set] of ruleSets) {
    const modulesOf = new Map<Rule, ModuleScope>();
    const map = (r: Rule): Rule => {
      const out = safe.get(r)!;
      for (let c: Rule | null = out; c; c = c.elseRule) modulesOf.set(c, set.modules.get(r)!);
      return out;
    };
    compiled.set(key, { ...set, rules: set.rules.map(map), defaultRule: set.defaultRule && map(set.defaultRule), modules: modulesOf });
  }
  const relink = (node: TreeNode): void => {
    if (node.ruleSet) node.ruleSet = compiled.get(node.ruleSet.key)!;
    node.children.forEach(relink);
  };
  relink(tree);

  const recursion = checkRecursion(tree, compiled);
  if (recursion.length) throw new RegoErrors(recursion);
  const arity = arityMismatches([...safe.values()], (r) => scopeOfRule(r, compiled), compiled, builtins);
  if (arity.length) throw new RegoErrors(arity);
  return { modules, tree, ruleSets: compiled };
}

function scopeOfRule(rule: Rule, ruleSets: ReadonlyMap<string, RuleSet>): ModuleScope {
  return ruleSets.get(rule.path.join('.'))!.modules.get(rule)!;
}

const LANGUAGE = new Map(LANGUAGE_DECLS.map((d) => [d.name, d] as const));

function declarations(builtins: ReadonlyMap<string, BuiltinDef>): DeclOf {
  return (name) => builtins.get(name)?.decl ?? LANGUAGE.get(name);
}

const isGlobalIn = (scope: ModuleScope, v: string): boolean => v === 'input' || v === 'data' || scope.ruleNames.has(v) || scope.imports.has(v);

function checkerFor(scope: ModuleScope, ruleSets: ReadonlyMap<string, RuleSet>, builtins: DeclOf): SafetyChecker {
  return new SafetyChecker((v) => isGlobalIn(scope, v), (name) => functionArity(name, scope, ruleSets, builtins));
}

const QUERY_SCOPE: ModuleScope = { pkg: [], imports: new Map(), ruleNames: new Set() };

/** A query body in a safe order; unsafe variables are a RegoErrors. */
export function compileQuery(body: Body, policy: CompiledPolicy, builtins: ReadonlyMap<string, BuiltinDef>): Body {
  const checker = checkerFor(QUERY_SCOPE, policy.ruleSets, declarations(builtins));
  const out = checker.body(rewritePrintBody(body), new Set());
  const errors = checker.errors();
  if (errors.length) throw new RegoErrors(errors);
  return foldBody(out);
}

/**
 * Function arguments that must be computed (`f($"{x}")`, `f(g(y))`) become variables checked at the end of the
 * body, where the body's variables are bound — the safety order then puts them where they can run (as OPA does).
 */
function rewriteArgs(rule: Rule): Rule {
  if (rule.kind !== 'function' || !rule.args.some(computed)) return rule;
  const extra: Literal[] = [];
  const args = rule.args.map((a, i): Term => {
    if (!computed(a)) return a;
    const v: Term = { type: 'var', name: `${GENERATED_PREFIX}arg${i}__`, loc: a.loc };
    extra.push({ expr: { kind: 'unify', left: v, right: a }, negated: false, with: [], loc: a.loc });
    return v;
  });
  const withArgs = (r: Rule): Rule => ({ ...r, args, body: [...r.body, ...extra], elseRule: r.elseRule && withArgs(r.elseRule) });
  return withArgs(rule);
}

function computed(t: Term): boolean {
  switch (t.type) {
    case 'template':
    case 'call':
      return true;
    case 'array':
    case 'set':
      return t.items.some(computed);
    case 'object':
      return t.items.some(([k, v]) => computed(k) || computed(v));
    default:
      return false;
  }
}
