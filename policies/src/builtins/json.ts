/**
 * json.remove, json.filter and json.patch (RFC 6902), on paths given as "a/b/0" strings or ["a", "b", 0] arrays.
 */
import { BuiltinError, operandTypeError } from './errors.js';
import { arg } from './operands.js';
import type { BuiltinDef } from './types.js';
import { applyPatches } from './json/patch.js';
import { compileSchema, type Sub } from './json/schema/compile.js';
import { validateDocument } from './json/schema/validate.js';
import { parseJsonExact } from './encoding.js';
import { re2ToRegExp } from './regex.js';
import { RObject, RSet, fromJSON, isArray, isObject, isSet, keyOf, toJSON, type Value } from '../values.js';

type Path = Value[];

function pathsOperand(v: Value, pos: number): Path[] {
  if (!isArray(v) && !isSet(v)) throw operandTypeError(pos, 'one of {set, array}', v);
  return [...(v as Iterable<Value>)].map((p) => {
    if (typeof p === 'string') return p.replace(/^\//, '').split('/').filter((s, _i, all) => s !== '' || all.length === 1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (isArray(p)) return [...p];
    throw operandTypeError(pos, 'one of {set, array} containing string paths or array of path segments', p);
  });
}

function keyFor(container: Value, seg: Value): Value | undefined {
  if (isArray(container)) {
    const n = typeof seg === 'number' ? seg : typeof seg === 'string' && /^\d+$/.test(seg) ? Number(seg) : NaN;
    return Number.isInteger(n) ? n : undefined;
  }
  return seg;
}

function child(container: Value, seg: Value): Value | undefined {
  const key = keyFor(container, seg);
  if (key === undefined) return undefined;
  if (isObject(container)) return container.get(key);
  if (isArray(container)) return container[key as number];
  if (isSet(container)) return container.has(key) ? key : undefined;
  return undefined;
}

function removePath(v: Value, path: Path): Value {
  if (!path.length) return v;
  const [head, ...rest] = path;
  const key = keyFor(v, head!);
  if (key === undefined) return v;
  if (isObject(v)) {
    if (!v.has(key)) return v;
    const out = new RObject(v.entries());
    if (rest.length) out.set(key, removePath(v.get(key)!, rest));
    else out.delete(key);
    return out;
  }
  if (isArray(v)) {
    const i = key as number;
    if (i >= v.length) return v;
    return rest.length ? v.map((x, j) => (j === i ? removePath(x, rest) : x)) : v.filter((_, j) => j !== i);
  }
  if (isSet(v) && v.has(key)) {
    const out = new RSet(v);
    if (!rest.length) out.delete(key);
    return out;
  }
  return v;
}

function filterPaths(v: Value, paths: Path[]): Value {
  if (paths.some((p) => p.length === 0)) return v;
  const groups = new Map<string, { seg: Value; rest: Path[] }>();
  for (const p of paths) {
    const k = JSON.stringify(p[0]);
    const g = groups.get(k) ?? { seg: p[0]!, rest: [] };
    g.rest.push(p.slice(1));
    groups.set(k, g);
  }
  if (isObject(v)) {
    const out = new RObject();
    for (const { seg, rest } of groups.values()) {
      const c = v.get(seg);
      if (c !== undefined) out.set(seg, filterPaths(c, rest));
    }
    return out;
  }
  if (isArray(v)) {
    const keep: Value[] = [];
    for (const { seg, rest } of [...groups.values()].sort((a, b) => Number(keyFor(v, a.seg)) - Number(keyFor(v, b.seg)))) {
      const c = child(v, seg);
      if (c !== undefined) keep.push(filterPaths(c, rest));
    }
    return keep;
  }
  if (isSet(v)) return new RSet([...groups.values()].map((g) => g.seg).filter((s) => v.has(s)));
  return v;
}

/** A schema or document operand: JSON text, or a Rego object/array taken as the JSON it marshals to. */
function jsonOperand(v: Value): Value {
  if (typeof v === 'string') {
    try {
      return fromJSON(parseJsonExact(v));
    } catch {
      throw new BuiltinError('invalid JSON string');
    }
  }
  if (isObject(v) || isArray(v)) return fromJSON(toJSON(v));
  throw new BuiltinError('wrong type, expected string or object');
}

const regexOrUndefined = (source: string): RegExp | undefined => {
  try {
    return re2ToRegExp(source);
  } catch {
    return undefined;
  }
};

/** Compiled schemas are pure functions of the schema value, so they are shared across queries. */
function schemaOf(v: Value, cache: Map<string, unknown>): Sub {
  const key = `jsonschema\u0000${keyOf(v)}`;
  let compiled = cache.get(key) as Sub | undefined;
  if (!compiled) {
    compiled = compileSchema(jsonOperand(v), regexOrUndefined);
    cache.set(key, compiled);
  }
  return compiled;
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'json.verify_schema', args: [arg('schema')], result: { kind: 'array' }, categories: ['object'] },
    impl: ([schema], ctx) => {
      try {
        schemaOf(schema!, ctx.sharedCache);
        return [true, null];
      } catch (e) {
        if (e instanceof BuiltinError) return [false, `jsonschema: ${e.message}`];
        throw e;
      }
    },
  },
  {
    decl: { name: 'json.match_schema', args: [arg('document'), arg('schema')], result: { kind: 'array' }, categories: ['object'] },
    impl: ([document, schema], ctx) => {
      const doc = jsonOperand(document!);
      const errors = validateDocument(schemaOf(schema!, ctx.sharedCache), doc);
      return [
        errors.length === 0,
        errors.map((e) => RObject.fromRecord({ error: `${e.field}: ${e.description}`, type: e.type, field: e.field, desc: e.description })),
      ];
    },
  },
  {
    decl: { name: 'json.remove', args: [arg('object'), arg('paths')], result: { kind: 'any' }, categories: ['object'] },
    impl: ([obj, paths]) => {
      if (!isObject(obj)) throw operandTypeError(1, 'object', obj!);
      return pathsOperand(paths!, 2).reduce<Value>((acc, p) => removePath(acc, p), obj);
    },
  },
  {
    decl: { name: 'json.filter', args: [arg('object'), arg('paths')], result: { kind: 'any' }, categories: ['object'] },
    impl: ([obj, paths]) => {
      if (!isObject(obj)) throw operandTypeError(1, 'object', obj!);
      return filterPaths(obj, pathsOperand(paths!, 2));
    },
  },
  {
    decl: { name: 'json.patch', args: [arg('object'), arg('patches')], result: { kind: 'any' }, categories: ['object'] },
    impl: ([obj, patches]) => {
      if (!isArray(patches)) throw operandTypeError(2, 'array', patches!);
      return applyPatches(obj!, patches);
    },
  },
];
