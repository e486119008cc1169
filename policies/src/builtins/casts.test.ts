import { describe, expect, it } from 'vitest';
import { Engine } from '../index.js';

/** The deprecated and debugging builtins OPA keeps in its capabilities for v0 policies. */
const value = (expr: string): unknown => Engine.compile([{ file: 't.rego', source: `package t\n\np := ${expr}\n` }]).document(['t', 'p']);
const strictError = (expr: string): string => {
  try {
    Engine.compile([{ file: 't.rego', source: `package t\n\np := ${expr}\n` }]).document(['t', 'p'], { strict: true });
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('deprecated builtins', () => {
  it('casts a value of the named type through, and arrays and sets into each other', () => {
    expect(value('cast_set([1, 1, 2])')).toEqual([1, 2]);
    expect(value('cast_array({2, 1})')).toEqual([1, 2]);
    expect(value('cast_array([3, 1])')).toEqual([3, 1]);
    expect(value('cast_string("s")')).toBe('s');
    expect(value('cast_boolean(false)')).toBe(false);
    expect(value('cast_null(null)')).toBeNull();
    expect(value('cast_object({"a": 1})')).toEqual({ a: 1 });
    expect(strictError('cast_string(1)')).toMatch(/cast_string: operand 1 must be string but got number/);
    expect(strictError('cast_set("x")')).toMatch(/cast_set: operand 1 must be one of \{array, set\} but got string/);
  });

  it('keeps set_diff, net.cidr_overlap, re_match, any, all and trace', () => {
    expect(value('set_diff({1, 2, 3}, {2})')).toEqual([1, 3]);
    expect(value('net.cidr_overlap("10.0.0.0/8", "10.1.2.3")')).toBe(true);
    expect(value('net.cidr_overlap("10.0.0.0/8", "11.1.2.3")')).toBe(false);
    expect(value('net.cidr_overlap("10.0.0.0/8", "not-an-ip")')).toBe(false);
    expect(value('re_match("^a+$", "aaa")')).toBe(true);
    expect(value('[any([false, true]), all([true, false])]')).toEqual([true, false]);
    expect(value('trace("note")')).toBe(true);
  });
});
