import { describe, expect, it } from 'vitest';
import { builtins, parseJsonExact } from './encoding.js';
import type { BuiltinContext } from './types.js';
import { fromJSON, toJSON, type Value } from '../values.js';

const call = (name: string, ...args: Value[]) => builtins.find((b) => b.decl.name === name)!.impl(args, {} as BuiltinContext) as Value;

describe('yaml (as sigs.k8s.io/yaml over yaml.v2)', () => {
  it('reads YAML 1.1 scalars but keeps timestamps as strings', () => {
    expect(toJSON(call('yaml.unmarshal', 'a: yes\nb: off\nc: 0777\nd: 2001-12-14\n<<: {m: 1}\n'))).toEqual({ a: true, b: false, c: 511, d: '2001-12-14', m: 1 });
  });

  it('writes yaml.v2 layout and quoting', () => {
    expect(call('yaml.marshal', fromJSON({ k: ['a', 'yes'], n: 1 }))).toBe('k:\n- a\n- "yes"\n"n": 1\n');
  });
});

describe('json.marshal', () => {
  it('escapes HTML characters and sorts keys as encoding/json does', () => {
    expect(call('json.marshal', fromJSON({ b: '<&>', a: 1 }))).toBe('{"a":1,"b":"\\u003c\\u0026\\u003e"}');
  });
});

describe('parseJsonExact', () => {
  it('keeps big integers exact without touching strings or fractions', () => {
    expect(parseJsonExact('{"a":"\\u0000123","b":12345678901234567890,"c":1.12345678901234567890}')).toEqual({ a: '\u0000123', b: 12345678901234567890n, c: 1.1234567890123457 });
  });
});
