/**
 * bits.* over arbitrary-precision integers, as OPA computes them with big.Int (two's-complement semantics for
 * negative operands, like Go's And/Or/Xor/Not and arithmetic shifts).
 */
import { BuiltinError, OperandTypeError } from './errors.js';
import { NUMBER, arg, bigIntOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { normalizeInt, type Value } from '../values.js';

/** Left shifts past this many bits would build numbers no policy can hold; Go would exhaust memory instead. */
const MAX_SHIFT = 1n << 24n;

function shiftCount(args: readonly Value[]): bigint {
  const n = bigIntOperand(args, 2);
  if (n < 0n) throw new OperandTypeError('operand 2 must be an unsigned integer number but got a negative integer');
  return n;
}

const binary = (name: string, description: string, f: (a: bigint, b: bigint) => bigint, second?: (args: readonly Value[]) => bigint): BuiltinDef => ({
  decl: { name, args: [arg('x', NUMBER), arg('y', NUMBER)], result: NUMBER, description, categories: ['bits'] },
  impl: (args) => normalizeInt(f(bigIntOperand(args, 1), (second ?? ((a) => bigIntOperand(a, 2)))(args))),
});

export const builtins: readonly BuiltinDef[] = [
  binary('bits.and', 'bitwise and', (a, b) => a & b),
  binary('bits.or', 'bitwise or', (a, b) => a | b),
  binary('bits.xor', 'bitwise exclusive or', (a, b) => a ^ b),
  {
    decl: { name: 'bits.negate', args: [arg('x', NUMBER)], result: NUMBER, description: 'bitwise negation', categories: ['bits'] },
    impl: (args) => normalizeInt(~bigIntOperand(args, 1)),
  },
  binary('bits.lsh', 'shift left', (a, s) => {
    if (a === 0n) return 0n;
    if (s > MAX_SHIFT) throw new BuiltinError('shift count too large');
    return a << s;
  }, shiftCount),
  // BigInt's >> rounds toward negative infinity, as Go's Rsh does.
  binary('bits.rsh', 'shift right', (a, s) => (s > BigInt(a.toString(2).length) ? (a < 0n ? -1n : 0n) : a >> s), shiftCount),
];
