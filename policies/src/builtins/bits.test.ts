import { describe, expect, it } from 'vitest';
import { builtins } from './bits.js';
import type { BuiltinContext } from './types.js';
import type { Value } from '../values.js';

const call = (name: string, ...args: Value[]) => builtins.find((b) => b.decl.name === name)!.impl(args, {} as BuiltinContext);

describe('bits', () => {
  it('works on big and negative integers as big.Int does', () => {
    expect(call('bits.and', -1, 2n ** 70n)).toBe(2n ** 70n);
    expect(call('bits.negate', 0)).toBe(-1);
    expect(call('bits.rsh', -5, 1)).toBe(-3);
    expect(call('bits.rsh', -5, 100)).toBe(-1);
    expect(call('bits.lsh', 1, 64)).toBe(2n ** 64n);
  });

  it('rejects floats and negative shift counts with OPA type errors', () => {
    expect(() => call('bits.or', 1, 1.5)).toThrow('operand 2 must be integer number but got floating-point number');
    expect(() => call('bits.lsh', 1, -1)).toThrow('operand 2 must be an unsigned integer number but got a negative integer');
  });
});
