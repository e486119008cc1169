import { describe, expect, it } from 'vitest';
import { goSprintf } from './sprintf.js';
import { RObject } from '../../values.js';

describe('sprintf (Go fmt over OPA operand conversion)', () => {
  it('formats ints, floats and strings as Go does', () => {
    expect(goSprintf('%d|%5d|%-5d|%05d|%x|%#x|%X|%o|%b|%+d', [42, 42, 42, -42, 255, 255, 255, 8, 5, 3])).toBe('42|   42|42   |-0042|ff|0xff|FF|10|101|+3');
    expect(goSprintf('%v %v %v %v', [1.5, 1234567.5, 0.00001, 100000.5])).toBe('1.5 1.2345675e+06 1e-05 100000.5');
    expect(goSprintf('%.2f %8.3f %e %.3g %g', [3.14159, 2.5, 1234.5678, 1234.5678, 0.5])).toBe('3.14    2.500 1.234568e+03 1.23e+03 0.5');
    expect(goSprintf('%s %q %5.2s| %x', ['hi', 'a"b\n', 'hello', 'hi'])).toBe('hi "a\\"b\\n"    he| 6869');
    expect(goSprintf('%v %v', [2n ** 70n, new RObject([['a', [1, true]]])])).toBe('1180591620717411303424 {"a": [1, true]}');
  });

  it('reports mismatches the way fmt does, integers included', () => {
    expect(goSprintf('%.2f', [5])).toBe('%!f(int=5)');
    expect(goSprintf('%d', ['x'])).toBe('%!d(string=x)');
    expect(goSprintf('%t', [true])).toBe('%!t(string=true)');
    expect(goSprintf('%s %s', ['a'])).toBe('a %!s(MISSING)');
    expect(goSprintf('%s', ['a', 1, 2.5])).toBe('a%!(EXTRA int=1, float64=2.5)');
  });
});
