/**
 * What a bare name denotes in a module: `input`, `data`, an import, or a rule of the module's package. Resolved
 * once per module and name, since references to rules by name are the commonest terms in a policy.
 */
import type { ModuleScope, TreeNode } from '../compile/compiler.js';

export interface GlobalName {
  readonly root: 'input' | 'data';
  /** The keys from the root to the named document. */
  readonly prefix: readonly string[];
  /** The node of the rules whose document this is, when no rule above computes it (see ruleNode). */
  node?: TreeNode | null;
}

const RESOLVED = new WeakMap<ModuleScope, Map<string, GlobalName | null>>();

/** The document a name refers to, or null when the name is not a global in the scope (a local variable). */
export function globalName(name: string, scope: ModuleScope): GlobalName | null {
  let byName = RESOLVED.get(scope);
  if (!byName) RESOLVED.set(scope, (byName = new Map()));
  let found = byName.get(name);
  if (found === undefined) byName.set(name, (found = resolve(name, scope)));
  return found;
}

function resolve(name: string, scope: ModuleScope): GlobalName | null {
  if (name === 'input' || name === 'data') return { root: name, prefix: [] };
  const imported = scope.imports.get(name);
  if (imported) return { root: imported[0] as 'input' | 'data', prefix: imported.slice(1) };
  if (scope.ruleNames.has(name)) return { root: 'data', prefix: [...scope.pkg, name] };
  return null;
}

/**
 * The tree node of the rules a name denotes, when the name is exactly their document; null otherwise. Cached on the
 * name: a module scope, and so its names, belongs to one policy (names without a module resolve to no rules).
 */
export function ruleNode(g: GlobalName, tree: TreeNode): TreeNode | null {
  if (g.node === undefined) {
    let node: TreeNode | undefined = g.root === 'data' && g.prefix.length ? tree : undefined;
    for (let j = 0; node && j < g.prefix.length; j++) node = node.ruleSet ? undefined : node.children.get(g.prefix[j]!);
    g.node = node?.ruleSet ? node : null;
  }
  return g.node;
}
