import { describe, expect, it } from 'vitest';
import { builtins } from './aggregates.js';
import { RSet, type Value } from '../values.js';
import type { BuiltinContext } from './types.js';

const call = (name: string, x: Value) => builtins.find((b) => b.decl.name === name)!.impl([x], {} as BuiltinContext);

describe('aggregates', () => {
  it('keeps integer folds exact and accumulates floats like big.Float', () => {
    expect(call('sum', [2n ** 62n, 2n ** 62n])).toBe(2n ** 63n);
    expect(call('product', new RSet([2 ** 40, 2 ** 41]))).toBe(2n ** 81n);
    expect(call('sum', [0.1, 0.2])).toBe(0.3);
    expect(call('product', [0.1, 3])).toBe(0.3);
  });

  it('uses OPA operand errors', () => {
    expect(() => call('sum', new RSet(['a']))).toThrow('operand 1 must be set of numbers but got set containing string');
    expect(() => call('max', 'x')).toThrow('operand 1 must be one of {set, array} but got string');
  });
});
