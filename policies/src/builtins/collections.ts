/**
 * Sets, arrays, objects and type tests.
 */
import { OperandTypeError, operandTypeError } from './errors.js';
import { ANY, BOOLEAN, STRING, arg, arrayOperand, intOperand, objectOperand, setOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RObject, RSet, equal, isArray, isObject, isSet, typeName, type Value } from '../values.js';

const is = (name: string, test: (v: Value) => boolean): BuiltinDef => ({ decl: { name, args: [arg('x')], result: BOOLEAN, categories: ['types'] }, impl: ([x]) => test(x!) });

function unionObjects(a: RObject, b: RObject): RObject {
  const out = new RObject(a.entries());
  for (const [k, v] of b) {
    const prev = out.get(k);
    out.set(k, isObject(prev) && isObject(v) ? unionObjects(prev, v) : v);
  }
  return out;
}

/** OPA's getObjectKeysParam: keys to keep or drop come as an array, a set, or an object's keys. */
function keysOf(v: Value, pos: number): Value[] {
  if (isArray(v)) return [...v];
  if (isSet(v)) return [...v];
  if (isObject(v)) return v.keys();
  throw operandTypeError(pos, 'one of {object, set, array}', v);
}

/** object.subset: objects recurse per key; arrays must contain sub as a contiguous run; sets by membership. */
function subset(sup: Value, sub: Value): boolean {
  if (isObject(sup) && isObject(sub)) {
    return [...sub].every(([k, v]) => {
      const w = sup.get(k);
      if (w === undefined) return false;
      if (equal(w, v)) return true;
      return ((isObject(w) && isObject(v)) || (isSet(w) && isSet(v)) || (isArray(w) && isArray(v))) && subset(w, v);
    });
  }
  if (isSet(sup) && isSet(sub)) return [...sub].every((m) => sup.has(m));
  if (isArray(sup) && isArray(sub)) {
    if (sub.length > sup.length) return false;
    for (let i = 0; i + sub.length <= sup.length; i++) if (sub.every((v, j) => equal(sup[i + j]!, v))) return true;
    return false;
  }
  if (isArray(sup) && isSet(sub)) {
    // As OPA counts: true once every member was seen while walking the array (so an empty array holds nothing).
    let unmatched = sub.size;
    return sup.some((x) => {
      if (sub.has(x)) unmatched--;
      return unmatched === 0;
    });
  }
  throw new OperandTypeError('both arguments object.subset must be of the same type or array and set');
}

function walk(value: Value, path: Value[], out: Value[]): void {
  out.push([[...path], value]);
  if (isArray(value)) value.forEach((v, i) => walk(v, [...path, i], out));
  else if (isObject(value)) for (const [k, v] of value.sortedEntries()) walk(v, [...path, k], out);
  else if (isSet(value)) for (const v of value.sorted()) walk(v, [...path, v], out);
}

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'walk', args: [arg('x')], result: { kind: 'array' }, relation: true, categories: ['graph'] }, impl: ([x]) => {
    const out: Value[] = [];
    walk(x!, [], out);
    return out;
  } },
  is('is_number', (x) => typeName(x) === 'number'),
  is('is_string', (x) => typeof x === 'string'),
  is('is_boolean', (x) => typeof x === 'boolean'),
  is('is_array', (x) => isArray(x)),
  is('is_set', (x) => isSet(x)),
  is('is_object', (x) => isObject(x)),
  is('is_null', (x) => x === null),
  { decl: { name: 'type_name', args: [arg('x')], result: STRING, categories: ['types'] }, impl: ([x]) => typeName(x!) },
  {
    decl: { name: 'and', infix: '&', args: [arg('x'), arg('y')], result: { kind: 'set' }, categories: ['sets'] },
    impl: (a) => {
      const x = setOperand(a, 1);
      const y = setOperand(a, 2);
      return new RSet([...x].filter((m) => y.has(m)));
    },
  },
  {
    decl: { name: 'or', infix: '|', args: [arg('x'), arg('y')], result: { kind: 'set' }, categories: ['sets'] },
    impl: (a) => new RSet([...setOperand(a, 1), ...setOperand(a, 2)]),
  },
  {
    // Deprecated in favour of `-`, still offered for v0 policies.
    decl: { name: 'set_diff', args: [arg('a'), arg('b')], result: { kind: 'set' }, categories: ['sets'] },
    impl: (a) => {
      const x = setOperand(a, 1);
      const y = setOperand(a, 2);
      return new RSet([...x].filter((m) => !y.has(m)));
    },
  },
  {
    decl: { name: 'intersection', args: [arg('xs')], result: { kind: 'set' }, categories: ['sets'] },
    impl: (a) => {
      const sets = [...setOperand(a, 1)];
      if (!sets.every(isSet)) throw operandTypeError(1, 'set[set[any]]', a[0]!);
      if (!sets.length) return new RSet();
      return new RSet([...(sets[0] as RSet)].filter((m) => sets.every((s) => (s as RSet).has(m))));
    },
  },
  {
    decl: { name: 'union', args: [arg('xs')], result: { kind: 'set' }, categories: ['sets'] },
    impl: (a) => {
      const sets = [...setOperand(a, 1)];
      if (!sets.every(isSet)) throw operandTypeError(1, 'set[set[any]]', a[0]!);
      return new RSet(sets.flatMap((s) => [...(s as RSet)]));
    },
  },
  { decl: { name: 'array.concat', args: [arg('x'), arg('y')], result: { kind: 'array' } }, impl: (a) => [...arrayOperand(a, 1), ...arrayOperand(a, 2)] },
  {
    decl: { name: 'array.flatten', args: [arg('x')], result: { kind: 'array' } },
    impl: (a) => {
      // One level only: nested arrays inside the elements stay as they are.
      return arrayOperand(a, 1).flatMap((x) => (isArray(x) ? x : [x]));
    },
  },
  { decl: { name: 'array.reverse', args: [arg('x')], result: { kind: 'array' } }, impl: (a) => [...arrayOperand(a, 1)].reverse() },
  {
    decl: { name: 'array.slice', args: [arg('x'), arg('start'), arg('stop')], result: { kind: 'array' } },
    impl: (a) => {
      const arr = arrayOperand(a, 1);
      const start = Math.max(0, intOperand(a, 2));
      const stop = Math.min(arr.length, intOperand(a, 3));
      return start >= stop ? [] : arr.slice(start, stop);
    },
  },
  {
    decl: { name: 'object.get', args: [arg('object'), arg('key'), arg('default')], result: ANY, categories: ['objects'] },
    impl: (a) => {
      const obj = objectOperand(a, 1);
      const key = a[1]!;
      if (isArray(key)) {
        let cur: Value | undefined = obj;
        for (const k of key) {
          cur = isObject(cur) ? cur.get(k) : isArray(cur) && typeof k === 'number' ? cur[k] : isSet(cur) && cur.has(k) ? k : undefined;
          if (cur === undefined) return a[2]!;
        }
        return cur;
      }
      return obj.get(key) ?? a[2]!;
    },
  },
  { decl: { name: 'object.keys', args: [arg('object')], result: { kind: 'set' } }, impl: (a) => new RSet(objectOperand(a, 1).keys()) },
  {
    decl: { name: 'object.remove', args: [arg('object'), arg('keys')], result: { kind: 'object' } },
    impl: (a) => {
      const obj = objectOperand(a, 1);
      const drop = new RSet(keysOf(a[1]!, 2));
      return new RObject([...obj].filter(([k]) => !drop.has(k)));
    },
  },
  {
    decl: { name: 'object.filter', args: [arg('object'), arg('keys')], result: { kind: 'object' } },
    impl: (a) => {
      const obj = objectOperand(a, 1);
      const keep = new RSet(keysOf(a[1]!, 2));
      return new RObject([...obj].filter(([k]) => keep.has(k)));
    },
  },
  { decl: { name: 'object.union', args: [arg('a'), arg('b')], result: { kind: 'object' } }, impl: (a) => unionObjects(objectOperand(a, 1), objectOperand(a, 2)) },
  {
    decl: { name: 'object.union_n', args: [arg('objects')], result: { kind: 'object' } },
    impl: (a) => {
      const list = arrayOperand(a, 1);
      return list.reduce<RObject>((acc, o) => {
        if (!isObject(o)) throw operandTypeError(1, 'array[object]', a[0]!);
        return unionObjects(acc, o);
      }, new RObject());
    },
  },
  { decl: { name: 'object.subset', args: [arg('super'), arg('sub')], result: BOOLEAN }, impl: ([sup, sub]) => subset(sup!, sub!) },
];
