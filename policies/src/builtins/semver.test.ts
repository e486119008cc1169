import { describe, expect, it } from 'vitest';
import { compareSemver, parseSemver } from './semver.js';

const cmp = (a: string, b: string) => compareSemver(parseSemver(a)!, parseSemver(b)!);

describe('semver', () => {
  it('parses as OPA does', () => {
    expect(parseSemver('v1.2.3-rc.1+build.5')).toEqual({ core: [1n, 2n, 3n], pre: 'rc.1' });
    expect(parseSemver('1.2')).toBeUndefined();
    expect(parseSemver('1.2.3-')).toEqual({ core: [1n, 2n, 3n], pre: '' });
    expect(parseSemver('1.2.3-a..b')).toBeUndefined();
    expect(parseSemver('1.2.99999999999999999999')).toBeUndefined();
  });

  it('orders pre-releases per SemVer §11', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 1; i < order.length; i++) expect(cmp(order[i - 1]!, order[i]!)).toBe(-1);
    expect(cmp('1.0.0+a', '1.0.0+b')).toBe(0);
  });
});
