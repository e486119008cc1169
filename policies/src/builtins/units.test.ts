import { describe, expect, it } from 'vitest';
import { builtins } from './units.js';
import type { BuiltinContext } from './types.js';

const call = (name: string, s: string) => builtins.find((b) => b.decl.name === name)!.impl([s], {} as BuiltinContext);

describe('units', () => {
  it('units.parse keeps integers exact and rounds the rest to 10 decimals', () => {
    expect(call('units.parse', '10Ei')).toBe(11529215046068469760n);
    expect(call('units.parse', '1m')).toBe(0.001);
    expect(call('units.parse', '1.23456789019m')).toBe(0.0012345679);
    expect(call('units.parse', '1e3K')).toBe(1_000_000);
  });

  it('units.parse_bytes truncates a 64-bit float product', () => {
    expect(call('units.parse_bytes', '1.1EiB')).toBe(1268213655067531673n);
    expect(call('units.parse_bytes', '0.5kb')).toBe(500);
    expect(() => call('units.parse_bytes', '1b')).toThrow('units.parse_bytes: byte unit b not recognized');
  });
});
