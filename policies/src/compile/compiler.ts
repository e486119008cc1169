/**
 * Modules → a compiled policy: rules grouped by path into a tree the evaluator walks for `data` references, with
 * each module's imports resolved. Checks what the evaluator relies on (conflicting rule kinds, one default per rule).
 */
import { RegoError, RegoErrors } from '../ast/errors.js';
import type { Module, Rule } from '../ast/nodes.js';
import { parseModule, type ParserOptions } from '../ast/parser.js';

export interface RuleSet {
  readonly path: readonly string[];
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

export type CompileOptions = ParserOptions;

const newNode = (): TreeNode => ({ children: new Map(), ruleSet: null });

export function compileModules(sources: readonly { file: string; source: string }[], options: CompileOptions = {}): CompiledPolicy {
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
  for (const m of modules) {
    let node = tree;
    for (const part of m.pkg) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = newNode()));
      node = child;
    }
  }
  for (const [key, g] of grouped) {
    const all = g.defaultRule ? [...g.rules, g.defaultRule] : g.rules;
    const kinds = new Set(all.map((r) => r.kind));
    if (kinds.size > 1) {
      errors.push(new RegoError('rego_type_error', `conflicting rules data.${key} found`, all[0]!.loc));
      continue;
    }
    const set: RuleSet = { path: all[0]!.path, kind: all[0]!.kind, rules: g.rules, defaultRule: g.defaultRule, modules: g.modules };
    ruleSets.set(key, set);
    let node = tree;
    for (const part of set.path) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = newNode()));
      node = child;
    }
    node.ruleSet = set;
  }
  if (errors.length) throw new RegoErrors(errors);
  return { modules, tree, ruleSets };
}
