import type { BuiltinDef } from './types.js';

export const builtins: readonly BuiltinDef[] = [];
