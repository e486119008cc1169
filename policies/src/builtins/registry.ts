import { BUILTIN_MODULES } from './all.js';
import type { BuiltinDef } from './types.js';

/** One registry per engine: name → definition. A duplicate name is a bug, reported at once. */
export function createRegistry(extra: readonly BuiltinDef[] = []): ReadonlyMap<string, BuiltinDef> {
  const map = new Map<string, BuiltinDef>();
  for (const def of [...BUILTIN_MODULES.flat(), ...extra]) {
    if (map.has(def.decl.name)) throw new Error(`builtin ${def.decl.name} is registered twice`);
    map.set(def.decl.name, def);
  }
  return map;
}
