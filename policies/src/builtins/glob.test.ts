import { describe, expect, it } from 'vitest';
import { builtins } from './glob.js';
import type { BuiltinContext } from './types.js';
import type { Value } from '../values.js';

const match = (pattern: string, delimiters: Value, s: string) => builtins[0]!.impl([pattern, delimiters, s], { sharedCache: new Map() } as unknown as BuiltinContext);

describe('glob.match (gobwas/glob syntax)', () => {
  it('nests alternatives and keeps lists delimiter-blind', () => {
    expect(match('{a,{b,c*}}x', [], 'cdx')).toBe(true);
    expect(match('{,a}b', [], 'b')).toBe(true);
    expect(match('a[.]b', [], 'a.b')).toBe(true);
    expect(match('a?b', [], 'a.b')).toBe(false);
    expect(match('*', null, 'a.b/c')).toBe(true);
  });

  it('rejects unterminated syntax and non-rune delimiters', () => {
    expect(() => match('{a,b', [], 'a')).toThrow('unexpected end of input');
    expect(() => match('a', ['ab'], 'a')).toThrow('operand 2 must be array of runes');
  });
});
