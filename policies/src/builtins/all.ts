/**
 * Every builtin namespace module. Each module exports `builtins: readonly BuiltinDef[]`; add one import and one
 * entry per namespace file.
 */
import type { BuiltinDef } from './types.js';

export const BUILTIN_MODULES: readonly (readonly BuiltinDef[])[] = [];
