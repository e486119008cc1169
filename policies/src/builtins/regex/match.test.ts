import { describe, expect, it } from 'vitest';
import { findAll, replaceAll, split } from './match.js';

const re = (s: string) => new RegExp(s, 'gu');

describe("Go's regexp iteration", () => {
  it('skips empty matches abutting a match', () => {
    expect(findAll(re('a*'), 'baaac').map((f) => f.match[0])).toEqual(['', 'aaa', '']);
    expect(findAll(re('a'), 'aaa', 2)).toHaveLength(2);
  });

  it('splits without captures or a leading empty piece', () => {
    expect(split(re('(,)'), 'a,b')).toEqual(['a', 'b']);
    expect(split(re('x*'), 'axbc')).toEqual(['a', 'b', 'c']);
    expect(split(re(','), '')).toEqual(['']);
  });

  it('replaces with Expand templates', () => {
    expect(replaceAll(re('a*'), 'baaac', '-')).toBe('-b-c-');
    expect(replaceAll(re('(?<x>a)(b)?'), 'ab a', '[${x}$2$1x$$]')).toBe('[ab$] [a$]');
  });
});
