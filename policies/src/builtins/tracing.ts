/**
 * `trace(note)`: OPA adds the note to the evaluation's trace (shown by `opa eval --explain`) and succeeds. This
 * engine keeps no trace, so the note only needs to be a string.
 */
import { STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'trace', args: [arg('note', STRING)], result: { kind: 'boolean' }, categories: ['tracing'] }, impl: (args) => (stringOperand(args, 1), true) },
];
