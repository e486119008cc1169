import { describe, expect, it } from 'vitest';
import { RObject, equal, fromJSON, keyOf, toJSON } from './values.js';

describe('fromJSON', () => {
  it('converts objects when they are first read, with the same value as an eager conversion', () => {
    const json = { a: { b: [1, { c: 'x' }] }, n: null, big: 12345678901234567890n };
    const lazy = fromJSON(json) as RObject;
    const eager = new RObject([
      ['a', new RObject([['b', [1, new RObject([['c', 'x']])]]])],
      ['n', null],
      ['big', 12345678901234567890n],
    ]);
    expect(equal(lazy, eager)).toBe(true);
    expect(keyOf(fromJSON(json))).toBe(keyOf(eager));
    expect(toJSON(fromJSON(json))).toEqual(json);
    expect(((lazy.get('a') as RObject).get('b') as unknown[]).length).toBe(2);
  });

  it('reports a value that is not JSON when its object is read', () => {
    const v = fromJSON({ ok: 1, bad: { f: () => 1 } }) as RObject;
    expect(v.get('ok')).toBe(1);
    expect(() => (v.get('bad') as RObject).size).toThrow(TypeError);
  });
});

describe('RObject.sortedEntries', () => {
  it('follows the object when a builder changes it after a read', () => {
    const o = new RObject([['b', 1], ['a', 2]]);
    expect(o.sortedEntries().map(([k]) => k)).toEqual(['a', 'b']);
    o.set('0', 3);
    expect(o.sortedEntries().map(([k]) => k)).toEqual(['0', 'a', 'b']);
    o.delete('a');
    expect(toJSON(o)).toEqual({ '0': 3, b: 1 });
    expect(Object.keys(toJSON(o) as object)).toEqual(['0', 'b']);
  });
});
