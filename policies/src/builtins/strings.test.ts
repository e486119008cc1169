import { describe, expect, it } from 'vitest';
import { builtins, replaceAll } from './strings.js';
import type { BuiltinContext } from './types.js';
import type { Value } from '../values.js';

const call = (name: string, ...args: Value[]) => builtins.find((b) => b.decl.name === name)!.impl(args, {} as BuiltinContext);

describe('strings', () => {
  it('maps case rune by rune and trims Go whitespace', () => {
    expect(call('lower', 'ΑΣ İ')).toBe('ασ i');
    expect(call('upper', 'straße')).toBe('STRAßE');
    expect(call('trim_space', '\ufeff x \u0085')).toBe('\ufeff x');
  });

  it('replaces as strings.NewReplacer does', () => {
    expect(replaceAll('aaa', [['a', 'b'], ['aa', 'c']])).toBe('bbb');
    expect(replaceAll('ab', [['', '-']])).toBe('-a-b-');
  });
});
