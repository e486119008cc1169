/**
 * json.remove, json.filter (json/paths.ts), json.patch (json/patch.ts) and JSON Schema validation (json/schema/).
 */
import { BuiltinError, operandTypeError } from './errors.js';
import { arg } from './operands.js';
import type { BuiltinDef } from './types.js';
import { applyPatches } from './json/patch.js';
import { filterTree, pathsTree, removeTree } from './json/paths.js';
import { compileSchema, type Sub } from './json/schema/compile.js';
import { validateDocument } from './json/schema/validate.js';
import { parseJsonExact } from './encoding.js';
import { re2ToRegExp } from './regex.js';
import { RObject, fromJSON, isArray, isObject, keyOf, toJSON, type Value } from '../values.js';

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
      return removeTree(obj, pathsTree(paths!));
    },
  },
  {
    decl: { name: 'json.filter', args: [arg('object'), arg('paths')], result: { kind: 'any' }, categories: ['object'] },
    impl: ([obj, paths]) => {
      if (!isObject(obj)) throw operandTypeError(1, 'object', obj!);
      return filterTree(obj, pathsTree(paths!));
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
