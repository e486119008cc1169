import { describe, expect, it } from 'vitest';
import { re2ToRegExp } from '../regex.js';

const m = (pattern: string, s: string) => re2ToRegExp(pattern).test(s);

describe('RE2 patterns in JavaScript', () => {
  it('translates what JavaScript spells differently', () => {
    expect(m('^[[:alpha:]]+[[:digit:]]$', 'abc1')).toBe(true);
    expect(m('^[[:^digit:]]+$', 'ab-')).toBe(true);
    expect(m('^\\pL+$', 'héllo')).toBe(true);
    expect(m('^\\p{Greek}+$', 'αβγ')).toBe(true);
    expect(m('\\Aab\\z', 'ab')).toBe(true);
    expect(m('^\\Q.*\\E$', '.*')).toBe(true);
    expect(m('^\\x{41}\\101$', 'AA')).toBe(true);
    expect(m('^a\\-b\\_?$', 'a-b')).toBe(true);
    expect(m('^x{2}{$', 'xx{')).toBe(true);
  });

  it('scopes flag groups', () => {
    expect(m('^a(?i)b$', 'aB')).toBe(true);
    expect(m('^a(?i)b$', 'AB')).toBe(false);
    expect(m('^(?i:[a-c]x)y$', 'BXy')).toBe(true);
    expect(m('(?s:a.b)', 'a\nb')).toBe(true);
    expect(re2ToRegExp('(?U)a+').exec('aaa')![0]).toBe('a');
  });

  it('rejects what RE2 does not support, in Go words', () => {
    expect(() => re2ToRegExp('a(?=b)')).toThrow('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(() => re2ToRegExp('(a)\\1')).toThrow('invalid escape sequence: `\\1`');
    expect(() => re2ToRegExp('a{1001}')).toThrow('invalid repeat count: `{1001}`');
    expect(() => re2ToRegExp('(ab')).toThrow('missing closing ): `(ab`');
  });
});
