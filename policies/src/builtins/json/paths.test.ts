import { describe, expect, it } from 'vitest';
import { filterTree, pathsTree, removeTree } from './paths.js';
import { fromJSON, toJSON, type Value } from '../../values.js';

const filter = (doc: unknown, paths: unknown) => toJSON(filterTree(fromJSON(doc), pathsTree(fromJSON(paths))));
const remove = (doc: unknown, paths: unknown) => toJSON(removeTree(fromJSON(doc), pathsTree(fromJSON(paths))) as Value);

describe('json.filter / json.remove paths', () => {
  it('lets a shorter path win and indexes arrays by their string index', () => {
    expect(filter({ a: { b: 1, c: 2 } }, ['a/b', 'a'])).toEqual({ a: { b: 1, c: 2 } });
    expect(filter({ a: [1, 2, 3] }, ['a/2', ['a', 0]])).toEqual({ a: [3] });
    expect(remove({ a: [1, 2, 3] }, [['a', '1']])).toEqual({ a: [1, 3] });
  });

  it('treats the empty path as selecting nothing', () => {
    expect(filter({ a: 1 }, [''])).toEqual({});
    expect(remove({ a: 1 }, [''])).toEqual({ a: 1 });
  });
});
