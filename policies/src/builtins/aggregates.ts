/**
 * Aggregates as OPA computes them: sums and products of integers are exact; with any other number they are
 * accumulated in big.Float (64-bit mantissa) and then taken as the nearest float64.
 */
import { OperandTypeError, operandTypeError } from './errors.js';
import { ANY, NUMBER, arg } from './operands.js';
import type { BuiltinDef } from './types.js';
import { addBin, mulBin, readFloat, toNumber, type BinFloat } from './bigfloat.js';
import { compare, isArray, isNumber, isObject, isSet, normalizeInt, typeName, type RNumber, type Value } from '../values.js';

/** Members of an array or set operand; OPA names the types in this order for these builtins. */
function members(v: Value, expected = 'one of {set, array}'): readonly Value[] {
  if (isArray(v)) return v;
  if (isSet(v)) return v.sorted();
  throw operandTypeError(1, expected, v);
}

function numbers(v: Value): RNumber[] {
  const kind = isArray(v) ? 'array' : 'set';
  return members(v).map((x) => {
    if (!isNumber(x)) throw new OperandTypeError(`operand 1 must be ${kind} of numbers but got ${kind} containing ${typeName(x)}`);
    return x;
  });
}

const isInt = (n: RNumber): boolean => typeof n === 'bigint' || Number.isInteger(n);

function fold(ns: RNumber[], init: bigint, int: (a: bigint, b: bigint) => bigint, float: (a: BinFloat, b: BinFloat) => BinFloat): RNumber {
  if (ns.every(isInt)) return normalizeInt(ns.reduce<bigint>((acc, n) => int(acc, BigInt(n)), init));
  // Each operand is read at 64-bit precision and each step rounds again, as big.Float does.
  return toNumber(ns.reduce<BinFloat>((acc, n) => float(acc, readFloat(n)), { m: init, e: 0 }));
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'count', args: [arg('collection')], result: NUMBER, categories: ['aggregates'] },
    impl: ([x]) => {
      if (typeof x === 'string') return [...x].length;
      if (isArray(x)) return x.length;
      if (isObject(x) || isSet(x)) return x.size;
      throw operandTypeError(1, 'one of {array, object, set, string}', x!);
    },
  },
  {
    decl: { name: 'sum', args: [arg('collection')], result: NUMBER, categories: ['aggregates'] },
    impl: ([x]) => fold(numbers(x!), 0n, (a, b) => a + b, addBin),
  },
  {
    decl: { name: 'product', args: [arg('collection')], result: NUMBER, categories: ['aggregates'] },
    impl: ([x]) => fold(numbers(x!), 1n, (a, b) => a * b, mulBin),
  },
  {
    decl: { name: 'max', args: [arg('collection')], result: ANY, categories: ['aggregates'] },
    impl: ([x]) => {
      const items = members(x!);
      return items.length ? items.reduce((a, b) => (compare(a, b) >= 0 ? a : b)) : undefined;
    },
  },
  {
    decl: { name: 'min', args: [arg('collection')], result: ANY, categories: ['aggregates'] },
    impl: ([x]) => {
      const items = members(x!);
      return items.length ? items.reduce((a, b) => (compare(a, b) <= 0 ? a : b)) : undefined;
    },
  },
  { decl: { name: 'sort', args: [arg('collection')], result: { kind: 'array' }, categories: ['aggregates'] }, impl: ([x]) => [...members(x!)].sort(compare) },
  { decl: { name: 'all', args: [arg('collection')], result: { kind: 'boolean' } }, impl: ([x]) => members(x!, 'one of {array, set}').every((v) => v === true) },
  { decl: { name: 'any', args: [arg('collection')], result: { kind: 'boolean' } }, impl: ([x]) => members(x!, 'one of {array, set}').some((v) => v === true) },
];
