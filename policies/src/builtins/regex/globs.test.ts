import { describe, expect, it } from 'vitest';
import { globsIntersect } from './globs.js';

describe('regex.globs_match', () => {
  it('decides intersections as glob-intersection does', () => {
    expect(globsIntersect('a.a.', '.b.b')).toBe(true);
    expect(globsIntersect('[a-z]+', '[0-9]*')).toBe(false);
    expect(globsIntersect('ab*c', 'a.+')).toBe(true);
    expect(globsIntersect('x\\.y', 'x[.]y')).toBe(true);
    expect(globsIntersect('abc', 'abd')).toBe(false);
  });

  it('reports the library errors', () => {
    expect(() => globsIntersect('+a', 'a')).toThrow("input:+a, pos:1, flag '+' must be preceded by a non-flag: the input provided is invalid");
    expect(() => globsIntersect('[z-a]', 'a')).toThrow("range is out of order: 'a' comes before 'z' in Unicode");
    expect(() => globsIntersect('[ab', 'a')).toThrow('found [ without matching ]');
  });
});
