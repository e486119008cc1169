import { BuiltinError, operandTypeError } from './errors.js';
import { ANY, NUMBER, arg, collectionOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { compare, isArray, isNumber, isObject, isSet, normalizeInt, type RNumber, type Value } from '../values.js';

function numbers(args: readonly Value[], name: string): RNumber[] {
  const items = collectionOperand(args, 1);
  return items.map((v) => {
    if (!isNumber(v)) throw new BuiltinError(`${name}: expected number`);
    return v;
  });
}

const exact = (ns: RNumber[]) => ns.every((n) => typeof n === 'bigint' || Number.isInteger(n));

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
    impl: (args) => {
      const ns = numbers(args, 'sum');
      return exact(ns) ? normalizeInt(ns.reduce<bigint>((a, b) => a + BigInt(b), 0n)) : ns.reduce<number>((a, b) => a + Number(b), 0);
    },
  },
  {
    decl: { name: 'product', args: [arg('collection')], result: NUMBER, categories: ['aggregates'] },
    impl: (args) => {
      const ns = numbers(args, 'product');
      return exact(ns) ? normalizeInt(ns.reduce<bigint>((a, b) => a * BigInt(b), 1n)) : ns.reduce<number>((a, b) => a * Number(b), 1);
    },
  },
  {
    decl: { name: 'max', args: [arg('collection')], result: ANY, categories: ['aggregates'] },
    impl: (args) => {
      const items = collectionOperand(args, 1);
      return items.length ? items.reduce((a, b) => (compare(a, b) >= 0 ? a : b)) : undefined;
    },
  },
  {
    decl: { name: 'min', args: [arg('collection')], result: ANY, categories: ['aggregates'] },
    impl: (args) => {
      const items = collectionOperand(args, 1);
      return items.length ? items.reduce((a, b) => (compare(a, b) <= 0 ? a : b)) : undefined;
    },
  },
  { decl: { name: 'sort', args: [arg('collection')], result: { kind: 'array' }, categories: ['aggregates'] }, impl: (args) => [...collectionOperand(args, 1)].sort(compare) },
  { decl: { name: 'all', args: [arg('collection')], result: { kind: 'boolean' } }, impl: (args) => collectionOperand(args, 1).every((v) => v === true) },
  { decl: { name: 'any', args: [arg('collection')], result: { kind: 'boolean' } }, impl: (args) => collectionOperand(args, 1).some((v) => v === true) },
];
