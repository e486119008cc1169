/**
 * Validation as gojsonschema performs it: the same keyword order, the same error types and texts, and the same
 * scoring that picks which failed anyOf/oneOf branch to report.
 */
import type { Sub } from './compile.js';
import { checkFormat } from './formats.js';
import { compareRat, goJSON, goText, isIntegerRat, rational, type Rat } from './text.js';
import { RObject, isArray, isNumber, isObject, type RNumber, type Value } from '../../../values.js';

export interface SchemaError {
  readonly type: string;
  readonly field: string;
  readonly description: string;
}

class Result {
  errors: SchemaError[] = [];
  score = 0;

  add(type: string, context: string[], description: string): void {
    this.errors.push({ type, field: fieldOf(context), description });
    // With the +1 every validation step adds at its end, an error nets -1.
    this.score -= 2;
  }

  merge(other: Result): void {
    this.errors.push(...other.errors);
    this.score += other.score;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }
}

/** The context path without the leading "(root)." (the root itself stays "(root)"). */
const fieldOf = (context: string[]): string => (context.length === 1 ? '(root)' : context.slice(1).join('.'));

const typesText = (types: string[]): string => (types.length > 1 ? `[${types.join(',')}]` : types[0]!);

function given(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (isNumber(v)) return isIntegerRat(rational(v)) ? 'integer' : 'number';
  return isArray(v) ? 'array' : 'object';
}

function typeAllowed(sub: Sub, v: Value): boolean {
  if (!sub.types.length) return true;
  const t = given(v);
  return sub.types.includes(t) || (t === 'integer' && sub.types.includes('number'));
}

function validate(sub: Sub, v: Value, result: Result, context: string[]): void {
  if (sub.pass !== undefined) {
    if (!sub.pass) result.add('false', context, 'False always fails validation');
    return;
  }
  if (sub.ref) return validate(sub.ref, v, result, context);
  if (!typeAllowed(sub, v)) {
    result.add('invalid_type', context, `Invalid type. Expected: ${typesText(sub.types)}, given: ${given(v)}`);
    return;
  }
  validateSchema(sub, v, result, context);
  if (isNumber(v)) validateNumber(sub, v, result, context);
  if (isArray(v)) validateArray(sub, v, result, context);
  if (isObject(v)) validateObject(sub, v, result, context);
  validateCommon(sub, v, result, context);
  if (typeof v === 'string') validateString(sub, v, result, context);
  if (isObject(v)) {
    for (const [name, child] of sub.properties) {
      const x = v.get(name);
      if (x !== undefined) validate(child, x, result, [...context, name]);
    }
  }
  result.score++;
}

function sub(schema: Sub, v: Value, context: string[]): Result {
  const r = new Result();
  validate(schema, v, r, context);
  return r;
}

function validateSchema(s: Sub, v: Value, result: Result, context: string[]): void {
  if (s.anyOf.length) {
    let best: Result | undefined;
    let ok = false;
    for (const alt of s.anyOf) {
      const r = sub(alt, v, context);
      if (r.valid) {
        ok = true;
        break;
      }
      if (!best || r.score > best.score) best = r;
    }
    if (!ok) {
      result.add('number_any_of', context, 'Must validate at least one schema (anyOf)');
      if (best) result.merge(best);
    }
  }
  if (s.oneOf.length) {
    let valid = 0;
    let best: Result | undefined;
    for (const alt of s.oneOf) {
      const r = sub(alt, v, context);
      if (r.valid) valid++;
      else if (valid === 0 && (!best || r.score > best.score)) best = r;
    }
    if (valid !== 1) {
      result.add('number_one_of', context, 'Must validate one and only one schema (oneOf)');
      if (valid === 0 && best) result.merge(best);
    }
  }
  if (s.allOf.length) {
    let valid = 0;
    for (const part of s.allOf) {
      const r = sub(part, v, context);
      if (r.valid) valid++;
      result.merge(r);
    }
    if (valid !== s.allOf.length) result.add('number_all_of', context, 'Must validate all the schemas (allOf)');
  }
  if (s.not && sub(s.not, v, context).valid) result.add('number_not', context, 'Must not validate the schema (not)');
  if (s.dependencies.length && isObject(v)) {
    for (const [key, dep] of s.dependencies) {
      if (!v.has(key)) continue;
      if (Array.isArray(dep)) {
        for (const needed of dep as string[]) if (!v.has(needed)) result.add('missing_dependency', context, `Has a dependency on ${needed}`);
      } else validate(dep as Sub, v, result, context);
    }
  }
  if (s.ifSchema) {
    const cond = sub(s.ifSchema, v, context).valid;
    const branch = cond ? s.thenSchema : s.elseSchema;
    if (branch) {
      const r = sub(branch, v, context);
      if (!r.valid) {
        if (cond) result.add('condition_then', context, 'Must validate "then" as "if" was valid');
        else result.add('condition_else', context, 'Must validate "else" as "if" was not valid');
        result.merge(r);
      }
    }
  }
  result.score++;
}

function validateCommon(s: Sub, v: Value, result: Result, context: string[]): void {
  const field = fieldOf(context);
  if (s.constText !== undefined && goJSON(v) !== s.constText) result.add('const', context, `${field} does not match: ${s.constText}`);
  if (s.enumTexts !== undefined && !s.enumTexts.includes(goJSON(v))) {
    result.add('enum', context, `${field} must be one of the following: ${s.enumTexts.length ? s.enumTexts.join(', ') : '(none)'}`);
  }
  if (s.format !== undefined && !checkFormat(s.format, v)) result.add('format', context, `Does not match format '${s.format}'`);
  result.score++;
}

function validateArray(s: Sub, v: readonly Value[], result: Result, context: string[]): void {
  const at = (i: number) => [...context, String(i)];
  if (s.items && !Array.isArray(s.items)) v.forEach((x, i) => result.merge(sub(s.items as Sub, x, at(i))));
  else if (Array.isArray(s.items) && s.items.length) {
    const items = s.items as Sub[];
    for (let i = 0; i < items.length && i < v.length; i++) result.merge(sub(items[i]!, v[i]!, at(i)));
    if (items.length < v.length) {
      if (s.additionalItems === false) result.add('array_no_additional_items', context, 'No additional items allowed on array');
      else if (typeof s.additionalItems === 'object') for (let i = items.length; i < v.length; i++) result.merge(sub(s.additionalItems, v[i]!, at(i)));
    }
  }
  if (s.minItems !== undefined && v.length < s.minItems) result.add('array_min_items', context, `Array must have at least ${s.minItems} items`);
  if (s.maxItems !== undefined && v.length > s.maxItems) result.add('array_max_items', context, `Array must have at most ${s.maxItems} items`);
  if (s.uniqueItems) {
    const seen = new Map<string, number>();
    v.forEach((x, j) => {
      const text = goJSON(x);
      const i = seen.get(text);
      if (i !== undefined) result.add('unique', context, `array items[${i},${j}] must be unique`);
      seen.set(text, j);
    });
  }
  if (s.contains) {
    let best: Result | undefined;
    let ok = false;
    for (let i = 0; i < v.length; i++) {
      const r = sub(s.contains, v[i]!, at(i));
      if (r.valid) {
        ok = true;
        break;
      }
      if (!best || r.score > best.score) best = r;
    }
    if (!ok) {
      result.add('contains', context, 'At least one of the items must match');
      if (best) result.merge(best);
    }
  }
  result.score++;
}

function validateObject(s: Sub, v: RObject, result: Result, context: string[]): void {
  if (s.minProperties !== undefined && v.size < s.minProperties) result.add('array_min_properties', context, `Must have at least ${s.minProperties} properties`);
  if (s.maxProperties !== undefined && v.size > s.maxProperties) result.add('array_max_properties', context, `Must have at most ${s.maxProperties} properties`);
  for (const name of s.required) {
    if (v.has(name)) result.score++;
    else result.add('required', context, `${name} is required`);
  }
  const keys = v.sortedEntries().map(([k]) => k as string);
  for (const key of keys) {
    const x = v.get(key)!;
    const declared = s.properties.some(([name]) => name === key);
    let matched = false;
    for (const [re, schema] of s.patternProperties) {
      if (!re.test(key)) continue;
      matched = true;
      result.merge(sub(schema, x, [...context, key]));
    }
    if (matched) result.score++;
    if (declared || matched) continue;
    if (s.additionalProperties === false) result.add('additional_property_not_allowed', context, `Additional property ${key} is not allowed`);
    else if (typeof s.additionalProperties === 'object') result.merge(sub(s.additionalProperties, x, [...context, key]));
  }
  if (s.propertyNames) {
    for (const key of keys) {
      const r = sub(s.propertyNames, key, context);
      if (!r.valid) {
        result.add('invalid_property_name', context, `Property name of "${key}" does not match`);
        result.merge(r);
      }
    }
  }
  result.score++;
}

function validateString(s: Sub, v: string, result: Result, context: string[]): void {
  const runes = [...v].length;
  if (s.minLength !== undefined && runes < s.minLength) result.add('string_gte', context, `String length must be greater than or equal to ${s.minLength}`);
  if (s.maxLength !== undefined && runes > s.maxLength) result.add('string_lte', context, `String length must be less than or equal to ${s.maxLength}`);
  if (s.pattern && !s.pattern.re.test(v)) result.add('pattern', context, `Does not match pattern '${s.pattern.source}'`);
  result.score++;
}

function validateNumber(s: Sub, v: RNumber, result: Result, context: string[]): void {
  const x = rational(v);
  const check = (bound: Rat | undefined, bad: (c: number) => boolean, type: string, text: (b: string) => string) => {
    if (bound && bad(compareRat(x, bound))) result.add(type, context, text(goText(bound)));
  };
  if (s.multipleOf && !isIntegerRat({ num: x.num * s.multipleOf.den, den: x.den * s.multipleOf.num })) {
    result.add('multiple_of', context, `Must be a multiple of ${goText(s.multipleOf)}`);
  }
  check(s.maximum, (c) => c === 1, 'number_lte', (b) => `Must be less than or equal to ${b}`);
  check(s.exclusiveMaximum, (c) => c >= 0, 'number_lt', (b) => `Must be less than ${b}`);
  check(s.minimum, (c) => c === -1, 'number_gte', (b) => `Must be greater than or equal to ${b}`);
  check(s.exclusiveMinimum, (c) => c <= 0, 'number_gt', (b) => `Must be greater than ${b}`);
  result.score++;
}

export function validateDocument(schema: Sub, doc: Value): SchemaError[] {
  return sub(schema, doc, ['(root)']).errors;
}
