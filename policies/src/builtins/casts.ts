/**
 * OPA's deprecated casts, still in its capabilities for v0 policies: each passes a value of its type through
 * (cast_array and cast_set convert between arrays and sets) and is a type error for anything else.
 */
import { operandTypeError } from './errors.js';
import { arg } from './operands.js';
import type { BuiltinDef, BuiltinType } from './types.js';
import { RSet, isArray, isObject, isSet, type Value } from '../values.js';

const cast = (name: string, result: BuiltinType, expected: string, convert: (x: Value) => Value | undefined): BuiltinDef => ({
  decl: { name, args: [arg('x')], result, categories: ['casts'] },
  impl: ([x]) => {
    const out = convert(x!);
    if (out === undefined) throw operandTypeError(1, expected, x!);
    return out;
  },
});

export const builtins: readonly BuiltinDef[] = [
  cast('cast_array', { kind: 'array' }, 'one of {array, set}', (x) => (isArray(x) ? x : isSet(x) ? [...x.sorted()] : undefined)),
  cast('cast_set', { kind: 'set' }, 'one of {array, set}', (x) => (isSet(x) ? x : isArray(x) ? new RSet(x) : undefined)),
  cast('cast_string', { kind: 'string' }, 'string', (x) => (typeof x === 'string' ? x : undefined)),
  cast('cast_boolean', { kind: 'boolean' }, 'boolean', (x) => (typeof x === 'boolean' ? x : undefined)),
  cast('cast_null', { kind: 'null' }, 'null', (x) => (x === null ? x : undefined)),
  cast('cast_object', { kind: 'object' }, 'object', (x) => (isObject(x) ? x : undefined)),
];
