/**
 * JSON Schema (drafts 4, 6, 7, and gojsonschema's "hybrid" mode when $schema names none) parsed the way OPA's
 * gojsonschema parses it, with its error texts. Schemas and documents are Rego values already normalized to JSON
 * (string keys, arrays for sets).
 */
import { BuiltinError } from '../../errors.js';
import { RObject, isArray, isNumber, isObject, type RNumber, type Value } from '../../../values.js';
import { goJSON, rational, type Rat } from './text.js';

export type Draft = 4 | 6 | 7 | 'hybrid';
const atLeast = (d: Draft, n: 6 | 7): boolean => d === 'hybrid' || d >= n;

export const JSON_TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

export interface Sub {
  /** Draft 6+ boolean schemas. */
  pass?: boolean;
  ref?: Sub;
  types: string[];
  properties: [string, Sub][];
  additionalProperties?: boolean | Sub;
  patternProperties: [RegExp, Sub][];
  propertyNames?: Sub;
  dependencies: [string, string[] | Sub][];
  items?: Sub | Sub[];
  additionalItems?: boolean | Sub;
  multipleOf?: Rat;
  minimum?: Rat;
  maximum?: Rat;
  exclusiveMinimum?: Rat;
  exclusiveMaximum?: Rat;
  minLength?: number;
  maxLength?: number;
  pattern?: { re: RegExp; source: string };
  format?: string;
  minProperties?: number;
  maxProperties?: number;
  required: string[];
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: Sub;
  /** const and enum members as Go marshals them after a float round trip, which is how it compares them. */
  constText?: string;
  enumTexts?: string[];
  oneOf: Sub[];
  anyOf: Sub[];
  allOf: Sub[];
  not?: Sub;
  ifSchema?: Sub;
  thenSchema?: Sub;
  elseSchema?: Sub;
}

const fail = (message: string): never => {
  throw new BuiltinError(message);
};
const invalidType = (expected: string, given: string) => fail(`Invalid type. Expected: ${expected}, given: ${given}`);

const newSub = (): Sub => ({ types: [], properties: [], patternProperties: [], dependencies: [], required: [], uniqueItems: false, oneOf: [], anyOf: [], allOf: [] });

const DRAFTS: [RegExp, Draft][] = [
  [/^https?:\/\/json-schema\.org\/draft-04\/schema#?$/, 4],
  [/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/, 6],
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 7],
];

/** An exact integer operand (gojsonschema's mustBeInteger). */
function integerOf(v: Value | undefined): number | undefined {
  if (!isNumber(v)) return undefined;
  return Number.isInteger(Number(v)) ? Number(v) : undefined;
}

interface Context {
  readonly root: Value;
  /** Schemas compiled for $ref targets, so that recursive references terminate. */
  readonly refs: Map<Value, Sub>;
  readonly ids: Map<string, Value>;
  readonly compileRegex: (source: string) => RegExp | undefined;
}

/** Every `$id` / `id` in the document, resolved against its parent's base, so `$ref`s can find them. */
function collectIds(node: Value, base: string, draft: Draft, ids: Map<string, Value>): void {
  if (isArray(node)) {
    for (const x of node) collectIds(x, base, draft, ids);
    return;
  }
  if (!isObject(node)) return;
  const id = node.get(draft === 4 ? 'id' : '$id') ?? (draft === 'hybrid' ? node.get('id') : undefined);
  let here = base;
  if (typeof id === 'string') {
    here = resolveUrl(id, base);
    ids.set(here.replace(/#$/, ''), node);
  }
  for (const [, v] of node) collectIds(v, here, draft, ids);
}

function resolveUrl(ref: string, base: string): string {
  try {
    return new URL(ref, base || undefined).toString();
  } catch {
    return base && ref.startsWith('#') ? base.replace(/#.*$/, '') + ref : ref;
  }
}

function pointer(doc: Value, fragment: string): Value | undefined {
  if (fragment === '' || fragment === '/') return fragment === '' ? doc : isObject(doc) ? doc.get('') : undefined;
  let cur: Value | undefined = doc;
  for (const raw of fragment.replace(/^\//, '').split('/')) {
    const seg = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (isObject(cur)) cur = cur.get(seg);
    else if (isArray(cur) && /^\d+$/.test(seg)) cur = cur[Number(seg)];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function resolveRef(ref: string, base: string, ctx: Context): Value {
  const url = resolveUrl(ref, base);
  const hash = url.indexOf('#');
  const docUrl = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash + 1);
  const doc = docUrl === '' || docUrl === base.replace(/#.*$/, '') && !ctx.ids.has(docUrl) ? ctx.root : ctx.ids.get(docUrl);
  const target = doc === undefined ? undefined : pointer(doc, fragment);
  if (target === undefined) return fail(`Reference ${ref} could not be resolved`);
  return target;
}

function parse(node: Value, sub: Sub, draft: Draft, base: string, ctx: Context): void {
  if (atLeast(draft, 6) && typeof node === 'boolean') {
    sub.pass = node;
    return;
  }
  if (!isObject(node)) return fail('Expected: valid schema, given: Invalid JSON');
  const m = node;
  const str = (key: string): string | undefined => {
    const v = m.get(key);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : invalidType('string', key);
  };
  const child = (v: Value, here = base): Sub => {
    const s = newSub();
    parse(v, s, draft, here, ctx);
    return s;
  };
  const isSchema = (v: Value | undefined): v is Value => typeof v === 'boolean' || isObject(v);

  const idKey = draft === 4 ? 'id' : draft === 'hybrid' && m.has('id') ? 'id' : '$id';
  const id = str(idKey);
  const here = id === undefined ? base : resolveUrl(id, base);

  const defs = m.get('definitions');
  if (defs !== undefined) {
    if (!isObject(defs)) invalidType('array of schemas', 'definitions');
    for (const [, d] of (defs as RObject).sortedEntries()) {
      if (!isSchema(d)) invalidType('array of schemas', 'definitions');
      child(d, here);
    }
  }
  str('title');
  str('description');

  const ref = str('$ref');
  if (ref !== undefined) {
    const target = resolveRef(ref, here, ctx);
    if (typeof target !== 'boolean' && !isObject(target)) fail('valid schema must be of type object');
    let compiled = ctx.refs.get(target);
    if (!compiled) {
      compiled = newSub();
      ctx.refs.set(target, compiled);
      parse(target, compiled, draft, here, ctx);
    }
    sub.ref = compiled;
    return;
  }

  const type = m.get('type');
  if (type !== undefined) {
    const names = typeof type === 'string' ? [type] : isArray(type) ? type : invalidType('type', 'string/array of strings');
    for (const t of names as Value[]) {
      if (typeof t !== 'string') invalidType('type', 'string/array of strings');
      if (!JSON_TYPES.includes(t as string)) fail(`has a primitive type that is NOT VALID -- given: /${t as string}/ Expected valid values are:[${JSON_TYPES.join(' ')}]`);
      if (sub.types.includes(t as string)) fail(`${t as string} type is duplicated`);
      sub.types.push(t as string);
    }
  }

  const props = m.get('properties');
  if (props !== undefined) {
    if (!isObject(props)) fail('properties must be of type object');
    for (const [k, v] of (props as RObject).sortedEntries()) sub.properties.push([k as string, child(v, here)]);
  }

  const ap = m.get('additionalProperties');
  if (ap !== undefined) sub.additionalProperties = typeof ap === 'boolean' ? ap : isObject(ap) ? child(ap, here) : invalidType('boolean/valid schema', 'additionalProperties');

  const pp = m.get('patternProperties');
  if (pp !== undefined) {
    if (!isObject(pp)) invalidType('valid schema', 'patternProperties');
    for (const [k, v] of (pp as RObject).sortedEntries()) {
      const re = ctx.compileRegex(k as string);
      if (!re) fail(`Invalid regex pattern '${k as string}'`);
      sub.patternProperties.push([re!, child(v, here)]);
    }
  }

  const pn = m.get('propertyNames');
  if (pn !== undefined && atLeast(draft, 6)) sub.propertyNames = isSchema(pn) ? child(pn, here) : invalidType('valid schema', 'patternProperties');

  const deps = m.get('dependencies');
  if (deps !== undefined) {
    if (!isObject(deps)) fail('dependencies must be of type object');
    for (const [k, v] of (deps as RObject).sortedEntries()) {
      if (isArray(v)) {
        if (!v.every((x) => typeof x === 'string')) fail('dependency must be of type schema or array of strings');
        sub.dependencies.push([k as string, v as string[]]);
      } else if (isSchema(v)) sub.dependencies.push([k as string, child(v, here)]);
      else fail('dependency must be of type schema or array of strings');
    }
  }

  const items = m.get('items');
  if (items !== undefined) {
    if (isArray(items)) sub.items = items.map((x) => (isSchema(x) ? child(x, here) : invalidType('valid schema/array of schemas', 'items')));
    else sub.items = isSchema(items) ? child(items, here) : invalidType('valid schema/array of schemas', 'items');
  }
  const ai = m.get('additionalItems');
  if (ai !== undefined) sub.additionalItems = typeof ai === 'boolean' ? ai : isObject(ai) ? child(ai, here) : invalidType('boolean/valid schema', 'additionalItems');

  parseNumeric(m, sub, draft);
  parseCounts(m, sub);

  const pattern = str('pattern');
  if (pattern !== undefined) {
    const re = ctx.compileRegex(pattern);
    if (!re) fail('pattern must be a valid regex');
    sub.pattern = { re: re!, source: pattern };
  }
  sub.format = str('format');

  const required = m.get('required');
  if (required !== undefined) {
    if (!isArray(required)) fail('required must be of an array');
    for (const r of required as Value[]) {
      if (typeof r !== 'string') invalidType('string', 'required');
      if (sub.required.includes(r as string)) fail('required items must be unique');
      sub.required.push(r as string);
    }
  }

  const unique = m.get('uniqueItems');
  if (unique !== undefined) sub.uniqueItems = typeof unique === 'boolean' ? unique : fail('uniqueItems must be of a boolean');

  const contains = m.get('contains');
  if (contains !== undefined && atLeast(draft, 6)) sub.contains = child(contains, here);

  const constant = m.get('const');
  if (constant !== undefined && atLeast(draft, 6)) sub.constText = goJSON(constant);
  const en = m.get('enum');
  if (en !== undefined) {
    if (!isArray(en)) fail('enum must be of an array');
    sub.enumTexts = [];
    for (const e of en as Value[]) {
      const text = goJSON(e);
      if (sub.enumTexts.includes(text)) fail('enum items must be unique');
      sub.enumTexts.push(text);
    }
  }

  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const list = m.get(key);
    if (list === undefined) continue;
    if (!isArray(list)) fail(`${key} must be of an array`);
    sub[key] = (list as Value[]).map((x) => child(x, here));
  }
  const not = m.get('not');
  if (not !== undefined) sub.not = isSchema(not) ? child(not, here) : fail('not must be of an object');
  if (atLeast(draft, 7)) {
    for (const [key, field] of [['if', 'ifSchema'], ['then', 'thenSchema'], ['else', 'elseSchema']] as const) {
      const v = m.get(key);
      if (v !== undefined) sub[field] = isSchema(v) ? child(v, here) : fail(`${key} must be of an object`);
    }
  }
}

function parseNumeric(m: RObject, sub: Sub, draft: Draft): void {
  const num = (key: string): Rat | undefined => {
    const v = m.get(key);
    return isNumber(v) ? rational(v as RNumber) : undefined;
  };
  if (m.has('multipleOf')) {
    const v = num('multipleOf') ?? invalidType('number', 'multipleOf');
    if (v.num <= 0n) fail('multipleOf must be strictly greater than 0');
    sub.multipleOf = v;
  }
  if (m.has('minimum')) sub.minimum = num('minimum') ?? fail('minimum must be of a number');
  if (m.has('maximum')) sub.maximum = num('maximum') ?? fail('maximum must be of a number');
  for (const [key, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    const v = m.get(key);
    if (v === undefined) continue;
    const field = key === 'exclusiveMinimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
    if (typeof v === 'boolean' && (draft === 4 || draft === 'hybrid')) {
      // Draft 4 form: a flag that turns the bound exclusive.
      if (sub[bound] === undefined) fail(`${key} cannot be used without ${bound}`);
      if (v) {
        sub[field] = sub[bound];
        sub[bound] = undefined;
      }
    } else if (isNumber(v) && draft !== 4) sub[field] = rational(v);
    else invalidType(draft === 4 ? 'boolean' : draft === 'hybrid' ? 'boolean/number' : 'number', key);
  }
}

function parseCounts(m: RObject, sub: Sub): void {
  for (const key of ['minLength', 'maxLength', 'minProperties', 'maxProperties', 'minItems', 'maxItems'] as const) {
    const v = m.get(key);
    if (v === undefined) continue;
    const n = integerOf(v);
    if (n === undefined) fail(`${key} must be of an integer`);
    if (n! < 0) fail(`${key} must be greater than or equal to 0`);
    sub[key] = n;
  }
  if (sub.minLength !== undefined && sub.maxLength !== undefined && sub.minLength > sub.maxLength) fail('minLength cannot be greater than maxLength');
  if (sub.minProperties !== undefined && sub.maxProperties !== undefined && sub.minProperties > sub.maxProperties) fail('minProperties cannot be greater than maxProperties');
}

/** Compiles a schema document; throws BuiltinError with gojsonschema's message when it is not a valid schema. */
export function compileSchema(doc: Value, compileRegex: (source: string) => RegExp | undefined): Sub {
  let draft: Draft = 'hybrid';
  const declared = isObject(doc) ? doc.get('$schema') : undefined;
  if (typeof declared === 'string') draft = DRAFTS.find(([re]) => re.test(declared))?.[1] ?? 'hybrid';
  const ids = new Map<string, Value>();
  collectIds(doc, '', draft, ids);
  const root = newSub();
  const ctx: Context = { root: doc, refs: new Map([[doc, root]]), ids, compileRegex };
  parse(doc, root, draft, '', ctx);
  return root;
}

