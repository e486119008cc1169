/**
 * Rego values at run time.
 *
 * Scalars are plain JS values so the hot path allocates nothing: null, boolean, string, and numbers as `number`,
 * or as `bigint` for integers outside JS's safe range (OPA keeps integers exact). Arrays are plain readonly arrays.
 * Objects and sets may hold any value as a key or member, so they are classes keyed by a canonical string.
 */
export type Value = null | boolean | number | bigint | string | readonly Value[] | RObject | RSet;
export type RNumber = number | bigint;

/** OPA's sort order of types (ast.Compare): null < boolean < number < string < array < object < set. */
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';
const TYPE_RANK: Record<TypeName, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

export function typeName(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      if (Array.isArray(v)) return 'array';
      return v instanceof RObject ? 'object' : 'set';
  }
}

export const isNumber = (v: Value | undefined): v is RNumber => typeof v === 'number' || typeof v === 'bigint';
export const isArray = (v: Value | undefined): v is readonly Value[] => Array.isArray(v);
export const isObject = (v: Value | undefined): v is RObject => v instanceof RObject;
export const isSet = (v: Value | undefined): v is RSet => v instanceof RSet;

/** Integers stay exact: a bigint within the safe range becomes a number, so each integer has one representation. */
export function normalizeInt(n: bigint): RNumber {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

function numberKey(n: RNumber): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Number.isFinite(n)) return BigInt(n).toString();
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * A canonical string for a value: equal values (in Rego's sense, so 1 and 1.0 alike) give equal keys.
 * Strings are their own key unless they start with the escape character, so the common case costs nothing.
 */
export function keyOf(v: Value): string {
  if (typeof v === 'string') return v.charCodeAt(0) === 0 ? '\u0000s' + v : v;
  return '\u0000' + innerKey(v);
}

function innerKey(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 't' : 'f';
    case 'number':
    case 'bigint':
      return '#' + numberKey(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map(innerKey).join(',') + ']';
  if (v instanceof RObject) {
    return '{' + v.sortedEntries().map(([k, x]) => innerKey(k) + ':' + innerKey(x)).join(',') + '}';
  }
  return '<' + (v as RSet).sorted().map(innerKey).join(',') + '>';
}

export class RObject {
  /** Made when first needed: a lazy JSON object (see fromJSON) often goes unread, and then needs no map at all. */
  #entries: Map<string, readonly [Value, Value]> | undefined;
  /** A JSON object not converted yet (see fromJSON): its entries are made when first read. */
  #json: Record<string, unknown> | undefined;
  /** The entries in key order, kept until the object changes: values of rules over data are printed and keyed again and again. */
  #sorted: readonly (readonly [Value, Value])[] | undefined;

  constructor(entries?: Iterable<readonly [Value, Value]>) {
    if (entries === undefined) return;
    const map = new Map<string, readonly [Value, Value]>();
    for (const [k, v] of entries) map.set(keyOf(k), [k, v]);
    this.#entries = map;
  }

  /** A JSON object as parsed, its members converted when the object is first read (most of an input goes unread). */
  static lazyJSON(json: Record<string, unknown>): RObject {
    const o = new RObject();
    o.#json = json;
    return o;
  }

  #map(): Map<string, readonly [Value, Value]> {
    let entries = this.#entries;
    if (entries === undefined) {
      entries = new Map();
      const json = this.#json;
      // Converted in full before it is kept, so a member that is not JSON fails every read, not just the first.
      if (json !== undefined) {
        for (const k in json) entries.set(keyOf(k), [k, fromJSON(json[k])]);
        this.#json = undefined;
      }
      this.#entries = entries;
    }
    return entries;
  }

  /** Builds from a JSON-like record with string keys (the fast path for input and data documents). */
  static fromRecord(record: Record<string, Value>): RObject {
    const o = new RObject();
    const map = o.#map();
    for (const k of Object.keys(record)) map.set(keyOf(k), [k, record[k] as Value]);
    return o;
  }

  get size(): number {
    return this.#map().size;
  }

  get(key: Value): Value | undefined {
    return this.#map().get(keyOf(key))?.[1];
  }

  has(key: Value): boolean {
    return this.#map().has(keyOf(key));
  }

  /** Mutates: only for builders that own a fresh object (comprehensions, builtins building a result). */
  set(key: Value, value: Value): this {
    this.#map().set(keyOf(key), [key, value]);
    this.#sorted = undefined;
    return this;
  }

  delete(key: Value): boolean {
    this.#sorted = undefined;
    return this.#map().delete(keyOf(key));
  }

  keys(): Value[] {
    return [...this.#map().values()].map((e) => e[0]);
  }

  values(): Value[] {
    return [...this.#map().values()].map((e) => e[1]);
  }

  entries(): IterableIterator<readonly [Value, Value]> {
    return this.#map().values();
  }

  sortedEntries(): readonly (readonly [Value, Value])[] {
    return (this.#sorted ??= Array.from(this.#map().values()).sort(byKey));
  }

  [Symbol.iterator](): IterableIterator<readonly [Value, Value]> {
    return this.#map().values();
  }
}

export class RSet {
  readonly #members: Map<string, Value>;

  constructor(members: Iterable<Value> = []) {
    this.#members = new Map();
    for (const m of members) this.#members.set(keyOf(m), m);
  }

  get size(): number {
    return this.#members.size;
  }

  has(v: Value): boolean {
    return this.#members.has(keyOf(v));
  }

  /** Mutates: only for builders that own a fresh set. */
  add(v: Value): this {
    this.#members.set(keyOf(v), v);
    return this;
  }

  delete(v: Value): boolean {
    return this.#members.delete(keyOf(v));
  }

  values(): IterableIterator<Value> {
    return this.#members.values();
  }

  sorted(): Value[] {
    return [...this.#members.values()].sort(compare);
  }

  [Symbol.iterator](): IterableIterator<Value> {
    return this.#members.values();
  }
}

export function compareNumbers(a: RNumber, b: RNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed: compare exactly where the float is integral, else by the float's side of the integer.
  const [big, num, sign] = typeof a === 'bigint' ? [a, b as number, 1] : [b as bigint, a as number, -1];
  if (Number.isInteger(num)) {
    const n = BigInt(num);
    return sign * (big < n ? -1 : big > n ? 1 : 0);
  }
  const floor = BigInt(Math.floor(num));
  return sign * (big <= floor ? -1 : 1);
}

/** OPA's total order over values (ast.Compare), used for sorting sets, object keys, and comparison operators. */
const byKey = (a: readonly [Value, Value], b: readonly [Value, Value]): number => compare(a[0], b[0]);

export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      return compareNumbers(a as RNumber, b as RNumber);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSeq(a as readonly Value[], b as readonly Value[]);
    case 'object': {
      const ea = (a as RObject).sortedEntries();
      const eb = (b as RObject).sortedEntries();
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const c = compare(ea[i]![0], eb[i]![0]) || compare(ea[i]![1], eb[i]![1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    case 'set':
      return compareSeq((a as RSet).sorted(), (b as RSet).sorted());
  }
}

/** Go compares strings bytewise (UTF-8), which differs from UTF-16 order for astral characters. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

function compareSeq(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeName(a);
  if (ta !== typeName(b)) return false;
  switch (ta) {
    case 'number':
      return compareNumbers(a as RNumber, b as RNumber) === 0;
    case 'array': {
      const xa = a as readonly Value[];
      const xb = b as readonly Value[];
      return xa.length === xb.length && xa.every((x, i) => equal(x, xb[i]!));
    }
    case 'object': {
      const oa = a as RObject;
      const ob = b as RObject;
      if (oa.size !== ob.size) return false;
      for (const [k, v] of oa) {
        const w = ob.get(k);
        if (w === undefined || !equal(v, w)) return false;
      }
      return true;
    }
    case 'set': {
      const sa = a as RSet;
      const sb = b as RSet;
      if (sa.size !== sb.size) return false;
      for (const m of sa) if (!sb.has(m)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * JSON (as parsed, possibly with bigint for exact large integers) → Rego value. Objects are converted when first
 * read, so the JSON must not change while the value is in use (an evaluation reads only part of its input).
 */
export function fromJSON(x: unknown): Value {
  if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return normalizeInt(x);
  if (Array.isArray(x)) return x.map(fromJSON);
  if (typeof x === 'object') return RObject.lazyJSON(x as Record<string, unknown>);
  throw new TypeError(`cannot convert ${typeof x} to a Rego value`);
}

/**
 * Rego value → JSON-compatible JS value, as OPA's ast.JSON does: sets become arrays in sort order, and non-string
 * object keys become their JSON text. Large integers stay `bigint`; use `stringifyJSON` to print them exactly.
 */
export function toJSON(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof RObject) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.sortedEntries()) out[typeof k === 'string' ? k : stringifyJSON(toJSON(k))] = toJSON(x);
    return out;
  }
  return (v as RSet).sorted().map(toJSON);
}

/** JSON text that prints bigint exactly (JSON.stringify throws on bigint). */
export function stringifyJSON(x: unknown): string {
  if (typeof x === 'bigint') return x.toString();
  if (x === null || typeof x !== 'object') {
    if (typeof x === 'number' && !Number.isFinite(x)) return 'null';
    return JSON.stringify(x);
  }
  if (Array.isArray(x)) return '[' + x.map(stringifyJSON).join(',') + ']';
  return '{' + Object.entries(x).map(([k, y]) => JSON.stringify(k) + ':' + stringifyJSON(y)).join(',') + '}';
}

/** Rego term text of a value, as OPA prints terms (sprintf %v, error messages): sets as {…}, empty set as set(). */
export function formatValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'number':
    case 'bigint':
      return numberKey(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  if (v instanceof RObject) {
    return '{' + v.sortedEntries().map(([k, x]) => formatValue(k) + ': ' + formatValue(x)).join(', ') + '}';
  }
  const s = v as RSet;
  return s.size === 0 ? 'set()' : '{' + s.sorted().map(formatValue).join(', ') + '}';
}
