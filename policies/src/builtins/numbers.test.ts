import { describe, expect, it } from 'vitest';
import { builtins } from './numbers.js';
import type { BuiltinContext } from './types.js';
import { RSet, type Value } from '../values.js';

const call = (name: string, ...args: Value[]) => builtins.find((b) => b.decl.name === name)!.impl(args, {} as BuiltinContext);

describe('arithmetic', () => {
  it('keeps integers exact and computes floats at big.Float precision', () => {
    expect(call('plus', 2n ** 70n, 1)).toBe(2n ** 70n + 1n);
    expect(call('plus', 0.1, 0.2)).toBe(0.3);
    expect(call('div', 0.3, 0.1)).toBe(3);
    expect(call('div', 7, 2)).toBe(3.5);
  });

  it('reports minus operand errors in OPA order', () => {
    expect(() => call('minus', new RSet([1]), 1)).toThrow('operand 2 must be set but got number');
    expect(() => call('minus', new RSet([1]), 'x')).toThrow('operand 2 must be number but got string');
    expect(() => call('minus', 'x', 1)).toThrow('operand 1 must be one of {number, set} but got string');
  });
});
