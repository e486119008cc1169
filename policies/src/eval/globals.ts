/**
 * What a bare name denotes in a module: `input`, `data`, an import, or a rule of the module's package. Resolved
 * once per module and name, since references to rules by name are the commonest terms in a policy.
 */
import type { ModuleScope } from '../compile/compiler.js';

export interface GlobalName {
  readonly root: 'input' | 'data';
  /** The keys from the root to the named document. */
  readonly prefix: readonly string[];
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
