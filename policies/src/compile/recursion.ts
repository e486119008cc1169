/**
 * Recursion is an error at compile time (OPA's checkRecursion): rules form a dependency graph through the
 * documents and functions they reference, and a rule that can reach itself is reported with the cycle.
 * A reference with dynamic parts depends on every rule it could reach (an over-approximation, as in OPA).
 */
import { forEachChild } from '../ast/children.js';
import { RegoError } from '../ast/errors.js';
import type { Body, Literal, Rule, Term } from '../ast/nodes.js';
import type { ModuleScope, RuleSet, TreeNode } from './compiler.js';

/** The rule sets a ref could read, by matching it against the rule tree (vars and non-strings match any child). */
type Part = string | null | false;

/** A ref's parts for matching: a name, null for a dynamic part (any child), false for a key no rule can have. */
function partOf(t: Term): Part {
  if (t.type !== 'scalar') return null;
  return typeof t.value === 'string' ? t.value : false;
}

function reachable(tree: TreeNode, parts: readonly Part[], out: Set<RuleSet>): void {
  const walk = (node: TreeNode, i: number): void => {
    if (node.ruleSet) out.add(node.ruleSet);
    if (i === parts.length) {
      const all = (n: TreeNode): void => {
        if (n.ruleSet) out.add(n.ruleSet);
        for (const c of n.children.values()) all(c);
      };
      return all(node);
    }
    const p = parts[i] ?? null;
    if (p === false) return;
    if (p === null) for (const c of node.children.values()) walk(c, i + 1);
    else {
      const c = node.children.get(p);
      if (c) walk(c, i + 1);
    }
  };
  walk(tree, 0);
}

/** The data paths (a null part is dynamic) a term refers to, names resolved through the module's scope. */
function refsOf(t: Term | null, scope: ModuleScope, locals: ReadonlySet<string>, out: Part[][]): void {
  if (!t) return;
  const resolve = (name: string): string[] | undefined => {
    if (locals.has(name)) return undefined;
    if (name === 'data') return [];
    const imported = scope.imports.get(name);
    if (imported) return imported[0] === 'data' ? [...imported.slice(1)] : undefined;
    if (scope.ruleNames.has(name)) return [...scope.pkg, name];
    return undefined;
  };
  const sub = (x: Term | null): void => refsOf(x, scope, locals, out);
  switch (t.type) {
    case 'var': {
      const path = resolve(t.name);
      if (path) out.push(path);
      return;
    }
    case 'ref': {
      if (t.head.type === 'var') {
        const path = resolve(t.head.name);
        if (path) {
          const parts: Part[] = [...path];
          for (const p of t.path) parts.push(partOf(p));
          out.push(parts);
        }
      } else sub(t.head);
      return t.path.forEach(sub);
    }
    case 'call': {
      const parts = t.name.split('.');
      const path = resolve(parts[0]!);
      if (path) out.push([...path, ...parts.slice(1)]);
      return t.args.forEach(sub);
    }
    default:
      return forEachChild(t, sub, (b) => bodyRefs(b, scope, locals, out));
  }
}

function bodyRefs(body: Body, scope: ModuleScope, locals: ReadonlySet<string>, out: Part[][]): void {
  for (const lit of body) literalRefs(lit, scope, locals, out);
}

function literalRefs(lit: Literal, scope: ModuleScope, locals: ReadonlySet<string>, out: Part[][]): void {
  const sub = (t: Term | null): void => refsOf(t, scope, locals, out);
  const e = lit.expr;
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
      sub(e.coll);
      break;
    case 'every':
      sub(e.coll);
      bodyRefs(e.body, scope, locals, out);
      break;
    case 'group':
      bodyRefs(e.body, scope, locals, out);
      break;
    case 'or':
      e.branches.forEach((b) => bodyRefs(b, scope, locals, out));
      break;
    default:
      break;
  }
  for (const w of lit.with) sub(w.value);
}

/** Vars a rule declares locally (`:=`, `some`, function arguments), which shadow rule names. */
function declared(rule: Rule): Set<string> {
  const out = new Set<string>();
  const pattern = (t: Term | null): void => {
    if (!t) return;
    if (t.type === 'var') out.add(t.name);
    else if (t.type === 'array') t.items.forEach(pattern);
    else if (t.type === 'object') t.items.forEach(([, v]) => pattern(v));
  };
  rule.args.forEach(pattern);
  const visit = (body: Body): void => {
    for (const lit of body) {
      const e = lit.expr;
      if (e.kind === 'assign') pattern(e.left);
      else if (e.kind === 'some') e.vars.forEach((v) => out.add(v));
      else if (e.kind === 'somein') (pattern(e.key), pattern(e.value));
    }
  };
  for (let r: Rule | null = rule; r; r = r.elseRule) visit(r.body);
  return out;
}

export function checkRecursion(tree: TreeNode, ruleSets: ReadonlyMap<string, RuleSet>): RegoError[] {
  const deps = new Map<RuleSet, Set<RuleSet>>();
  for (const set of ruleSets.values()) {
    const out = new Set<RuleSet>();
    for (const rule of set.defaultRule ? [...set.rules, set.defaultRule] : set.rules) {
      const scope = set.modules.get(rule)!;
      const locals = declared(rule);
      const paths: Part[][] = [];
      for (let r: Rule | null = rule; r; r = r.elseRule) {
        for (const t of [r.key, r.value, ...(r.refRest ?? []), ...r.args]) refsOf(t, scope, locals, paths);
        bodyRefs(r.body, scope, locals, paths);
      }
      for (const p of paths) reachable(tree, p, out);
    }
    deps.set(set, out);
  }
  const errors: RegoError[] = [];
  for (const set of ruleSets.values()) {
    const cycle = pathTo(set, set, deps);
    if (!cycle) continue;
    const names = [set, ...cycle].map((s) => `data.${s.path.join('.')}`);
    const rule = set.rules[0] ?? set.defaultRule!;
    errors.push(new RegoError('rego_recursion_error', `rule ${names[0]} is recursive: ${names.join(' -> ')}`, rule.loc));
  }
  return errors;
}

/** A path of dependencies from `from` that ends at `to` (depth first), or undefined. */
function pathTo(from: RuleSet, to: RuleSet, deps: ReadonlyMap<RuleSet, ReadonlySet<RuleSet>>): RuleSet[] | undefined {
  const visited = new Set<RuleSet>();
  const dfs = (node: RuleSet): RuleSet[] | undefined => {
    for (const next of deps.get(node) ?? []) {
      if (next === to) return [next];
      if (visited.has(next)) continue;
      visited.add(next);
      const rest = dfs(next);
      if (rest) return [next, ...rest];
    }
    return undefined;
  };
  return dfs(from);
}
