import { describe, expect, it } from 'vitest';
import { applyPatches } from './patch.js';
import { RObject, RSet, fromJSON, toJSON, type Value } from '../../values.js';

const patch = (doc: Value, ops: unknown) => applyPatches(doc, fromJSON(ops) as readonly Value[]);

describe('json.patch', () => {
  it('applies RFC 6902 operations, null values included', () => {
    const doc = fromJSON({ foo: null, list: [1, 2] });
    const out = patch(doc, [
      { op: 'move', from: '/foo', path: '/bar' },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'replace', path: 'list/0', value: 0 },
      { op: 'test', path: '/bar', value: null },
    ]);
    expect(toJSON(out!)).toEqual({ bar: null, list: [0, 2, 3] });
  });

  it('addresses set members by value and fails as a whole', () => {
    const doc = new RObject([['s', new RSet(['a', 'b'])]]);
    expect(toJSON(patch(doc, [{ op: 'add', path: '/s/c', value: 'c' }])!)).toEqual({ s: ['a', 'b', 'c'] });
    expect(patch(doc, [{ op: 'add', path: '/s/c', value: 'd' }])).toBeUndefined();
    expect(patch(doc, [{ op: 'remove', path: '/s/a' }, { op: 'remove', path: '/missing' }])).toBeUndefined();
    expect(patch(fromJSON([1]), [{ op: 'add', path: '/01', value: 2 }])).toBeUndefined();
  });
});
