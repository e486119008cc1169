/**
 * Which rules and functions are "stable": their value depends only on `data` (and, for functions, the arguments),
 * so one evaluation can reuse what an earlier evaluation over the same data computed. A rule is stable when it
 * reads no `input`, uses no `with`, calls no print and no nondeterministic builtin, and everything it references
 * (rules, functions, documents under `data`) is stable. References are resolved as the evaluator resolves them,
 * conservatively: a name that could be a rule counts as one, and a `data` path with a computed key counts every
 * rule below its ground prefix.
 */
import type { Body, Literal, Rule, Term } from '../ast/nodes.js';
import type { BuiltinDef } from '../builtins/types.js';
import type { CompiledPolicy, ModuleScope, RuleSet, TreeNode } from '../compile/compiler.js';
import { EVALUATOR_FUNCTIONS, resolveCallee } from '../compile/types.js';
import { globalName } from './globals.js';

interface Uses {
  readonly sets: Set<RuleSet>;
  /** Reads input, or does something a cached value would not repeat (with, print, nondeterminism). */
  unstable: boolean;
}

export function stableRuleSets(policy: CompiledPolicy, builtins: ReadonlyMap<string, BuiltinDef>): ReadonlySet<RuleSet> {
  const uses = new Map<RuleSet, Uses>();
  for (const set of policy.ruleSets.values()) {
    const u: Uses = { sets: new Set(), unstable: false };
    for (const rule of set.defaultRule ? [...set.rules, set.defaultRule] : set.rules) {
      const scope = set.modules.get(rule);
      if (!scope) u.unstable = true;
      else for (let r: Rule | null = rule; r; r = r.elseRule) visitRule(r, { policy, builtins, scope, uses: u });
    }
    // An object rule's document includes the rules below it.
    if (set.kind === 'object') {
      const node = nodeAt(policy.tree, set.path);
      if (node) for (const child of node.children.values()) addSubtree(child, u.sets);
    }
    uses.set(set, u);
  }
  const stable = new Set([...uses].filter(([, u]) => !u.unstable).map(([set]) => set));
  for (let changed = true; changed; ) {
    changed = false;
    for (const set of stable) {
      for (const dep of uses.get(set)!.sets) {
        if (stable.has(dep)) continue;
        stable.delete(set);
        changed = true;
        break;
      }
    }
  }
  return stable;
}

interface Ctx {
  readonly policy: CompiledPolicy;
  readonly builtins: ReadonlyMap<string, BuiltinDef>;
  readonly scope: ModuleScope;
  readonly uses: Uses;
}

function visitRule(r: Rule, c: Ctx): void {
  for (const t of [r.key, r.value, ...(r.refRest ?? []), ...r.args]) visitTerm(t, c);
  visitBody(r.body, c);
}

function visitBody(body: Body, c: Ctx): void {
  for (const lit of body) visitLiteral(lit, c);
}

function visitLiteral(lit: Literal, c: Ctx): void {
  if (lit.with.length) c.uses.unstable = true;
  const e = lit.expr;
  switch (e.kind) {
    case 'term':
      return visitTerm(e.term, c);
    case 'unify':
    case 'assign':
      visitTerm(e.left, c);
      return visitTerm(e.right, c);
    case 'some':
      return;
    case 'somein':
      visitTerm(e.key, c);
      visitTerm(e.value, c);
      return visitTerm(e.coll, c);
    case 'every':
      visitTerm(e.key, c);
      visitTerm(e.value, c);
      visitTerm(e.coll, c);
      return visitBody(e.body, c);
    case 'group':
      return visitBody(e.body, c);
    case 'or':
      return e.branches.forEach((b) => visitBody(b, c));
  }
}

function visitTerm(t: Term | null, c: Ctx): void {
  if (!t) return;
  switch (t.type) {
    case 'scalar':
      return;
    case 'var':
      return useName(t.name, [], c);
    case 'ref': {
      if (t.head.type !== 'var') visitTerm(t.head, c);
      else {
        const ground: string[] = [];
        for (const p of t.path) {
          if (p.type !== 'scalar' || typeof p.value !== 'string') break;
          ground.push(p.value);
        }
        useName(t.head.name, ground, c);
      }
      return t.path.forEach((p) => visitTerm(p, c));
    }
    case 'array':
    case 'set':
      return t.items.forEach((x) => visitTerm(x, c));
    case 'object':
      return t.items.forEach(([k, v]) => (visitTerm(k, c), visitTerm(v, c)));
    case 'arraycomp':
    case 'setcomp':
      visitTerm(t.term, c);
      return visitBody(t.body, c);
    case 'objectcomp':
      visitTerm(t.key, c);
      visitTerm(t.value, c);
      return visitBody(t.body, c);
    case 'call': {
      const fn = resolveCallee(t.name, c.scope, c.policy.ruleSets);
      if (fn) c.uses.sets.add(fn);
      else if (EVALUATOR_FUNCTIONS.has(t.name) || c.builtins.get(t.name)?.decl.nondeterministic) c.uses.unstable = true;
      return t.args.forEach((a) => visitTerm(a, c));
    }
    case 'template':
      return t.parts.forEach((p) => typeof p !== 'string' && visitTerm(p, c));
    case 'with':
      c.uses.unstable = true;
      return;
    case 'membership':
      visitTerm(t.key, c);
      visitTerm(t.value, c);
      return visitTerm(t.coll, c);
  }
}

/** A reference to a global name followed by `path` (its ground keys): the rules whose values it may read. */
function useName(name: string, path: readonly string[], c: Ctx): void {
  const g = globalName(name, c.scope);
  if (!g) return;
  if (g.root === 'input') {
    c.uses.unstable = true;
    return;
  }
  let node: TreeNode | undefined = c.policy.tree;
  for (const key of [...g.prefix, ...path]) {
    // A rule on the way computes the whole document below it.
    if (node.ruleSet) c.uses.sets.add(node.ruleSet);
    node = node.children.get(key);
    if (!node) return;
  }
  addSubtree(node, c.uses.sets);
}

function addSubtree(node: TreeNode, out: Set<RuleSet>): void {
  if (node.ruleSet) out.add(node.ruleSet);
  for (const child of node.children.values()) addSubtree(child, out);
}

function nodeAt(tree: TreeNode, path: readonly string[]): TreeNode | undefined {
  let node: TreeNode | undefined = tree;
  for (const key of path) node = node?.children.get(key);
  return node;
}
