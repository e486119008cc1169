/**
 * json.patch as OPA applies it (RFC 6902 over its edit tree): paths are JSON pointers or arrays of segments, sets
 * are addressed by their members, and any failed operation makes the whole result undefined.
 */
import { RObject, RSet, equal, isArray, isNumber, isObject, isSet, type Value } from '../../values.js';

type Path = readonly Value[];

/** Thrown for any patch failure; the builtin turns it into "no result". */
export class PatchFailure extends Error {}

const fail = (why: string): never => {
  throw new PatchFailure(why);
};

/** OPA's parsePath: "" is the root, leading slashes are dropped, ~1 and ~0 unescaped. */
export function parsePath(p: Value): Path {
  if (isArray(p)) return p;
  if (typeof p !== 'string') return fail('path must be a string or an array');
  if (p === '') return [];
  return p.replace(/^\/+/, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The edit tree's toIndex: integers, digit strings without leading zeros, or "-" for the end. */
function toIndex(length: number, key: Value): number {
  if (isNumber(key)) return Number.isInteger(Number(key)) ? Number(key) : fail('invalid number type for indexing');
  if (typeof key !== 'string') return fail('invalid type for indexing');
  if (key === '-') return length;
  if (!/^[+-]?\d+$/.test(key)) return fail('invalid string for indexing');
  if (key !== '0' && key.startsWith('0')) return fail('leading zeros are not allowed in JSON paths');
  return Number(key);
}

function childOf(doc: Value, key: Value): Value {
  if (isObject(doc)) {
    const v = doc.get(key);
    return v === undefined ? fail('path does not exist') : v;
  }
  if (isSet(doc)) return doc.has(key) ? key : fail('path does not exist');
  if (isArray(doc)) {
    const i = toIndex(doc.length, key);
    return i >= 0 && i < doc.length ? doc[i]! : fail('path does not exist');
  }
  return fail('expected composite type');
}

function withChild(doc: Value, key: Value, child: Value): Value {
  if (isObject(doc)) return new RObject(doc.entries()).set(key, child);
  if (isSet(doc)) {
    // A set member is its own key: editing it replaces the member.
    const out = new RSet(doc);
    out.delete(key);
    return out.add(child);
  }
  const arr = doc as readonly Value[];
  const i = toIndex(arr.length, key);
  return arr.map((x, j) => (j === i ? child : x));
}

/** Applies `leaf` to the container holding the path's last segment, rebuilding the containers above it. */
function editAt(doc: Value, path: Path, leaf: (container: Value, key: Value) => Value): Value {
  const [head, ...rest] = path;
  if (rest.length === 0) return leaf(doc, head!);
  return withChild(doc, head!, editAt(childOf(doc, head!), rest, leaf));
}

export function getAt(doc: Value, path: Path): Value {
  return path.reduce<Value>((cur, key) => childOf(cur, key), doc);
}

export function insertAt(doc: Value, path: Path, value: Value): Value {
  if (path.length === 0) return value;
  return editAt(doc, path, (c, key) => {
    if (isObject(c)) return new RObject(c.entries()).set(key, value);
    if (isSet(c)) return equal(key, value) ? new RSet(c).add(value) : fail('set key does not equal value to be inserted');
    if (isArray(c)) {
      const i = toIndex(c.length, key);
      if (i < 0 || i > c.length) fail('index for array insertion out of bounds');
      return [...c.slice(0, i), value, ...c.slice(i)];
    }
    return fail('expected composite type');
  });
}

/** Removes the value at path; removing the root leaves nothing (undefined). */
export function deleteAt(doc: Value, path: Path): Value | undefined {
  if (path.length === 0) return undefined;
  return editAt(doc, path, (c, key) => {
    if (isObject(c)) {
      if (!c.has(key)) fail('cannot delete child key that does not exist');
      const out = new RObject(c.entries());
      out.delete(key);
      return out;
    }
    if (isSet(c)) {
      if (!c.has(key)) fail('cannot delete child key that does not exist');
      const out = new RSet(c);
      out.delete(key);
      return out;
    }
    if (isArray(c)) {
      const i = toIndex(c.length, key);
      if (i < 0 || i >= c.length) fail('index for array delete out of bounds');
      return c.filter((_, j) => j !== i);
    }
    return fail('expected composite type');
  });
}

function attribute(op: RObject, name: string): Value {
  const v = op.get(name);
  return v === undefined ? fail(`missing '${name}' attribute`) : v;
}

/** Applies the patch operations in order; undefined when any of them fails, as OPA's json.patch is then undefined. */
export function applyPatches(source: Value, operations: readonly Value[]): Value | undefined {
  let doc: Value | undefined = source;
  try {
    for (const o of operations) {
      if (!isObject(o)) return undefined;
      const op = attribute(o, 'op');
      if (typeof op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op)) return undefined;
      const path = parsePath(attribute(o, 'path'));
      const from = op === 'move' || op === 'copy' ? parsePath(attribute(o, 'from')) : [];
      const value = op === 'add' || op === 'replace' || op === 'test' ? attribute(o, 'value') : null;
      if (doc === undefined) return undefined;
      const current: Value = doc;
      switch (op) {
        case 'add':
          doc = insertAt(current, path, value);
          break;
        case 'remove':
          doc = deleteAt(current, path);
          break;
        case 'replace': {
          const removed = deleteAt(current, path);
          doc = removed === undefined ? (path.length === 0 ? value : undefined) : insertAt(removed, path, value);
          break;
        }
        case 'move': {
          const chunk = getAt(current, from);
          const removed = deleteAt(current, from);
          doc = removed === undefined ? (path.length === 0 ? chunk : undefined) : insertAt(removed, path, chunk);
          break;
        }
        case 'copy':
          doc = insertAt(current, path, getAt(current, from));
          break;
        case 'test':
          if (!equal(getAt(current, path), value)) return undefined;
      }
    }
  } catch (e) {
    if (e instanceof PatchFailure) return undefined;
    throw e;
  }
  return doc;
}
