/**
 * json.filter and json.remove as OPA computes them: the paths become a tree of keys with null leaves (a shorter
 * path wins over a longer one below it), which is then matched against the document. Array elements are matched
 * by their index written as a string, as OPA's tree keys them; set members by themselves.
 */
import { OperandTypeError, operandTypeError } from '../errors.js';
import { RObject, RSet, isArray, isObject, isSet, typeName, type Value } from '../../values.js';

type Path = readonly Value[];

/** OPA's parsePath for these builtins: "" is the root, leading slashes go, ~1 and ~0 are unescaped. */
function parsePath(p: Value): Path {
  if (isArray(p)) return p;
  if (typeof p !== 'string') throw new OperandTypeError(`operand 2 must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`);
  if (p === '') return [];
  return p.replace(/^\/+/, '').split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function pathsTree(paths: Value): RObject {
  if (!isArray(paths) && !isSet(paths)) throw operandTypeError(2, 'one of {set, array}', paths);
  const root = new RObject();
  for (const p of isArray(paths) ? paths : paths.sorted()) {
    const path = parsePath(p);
    if (!path.length) continue;
    let node = root;
    let covered = false;
    for (const key of path.slice(0, -1)) {
      const next = node.get(key);
      if (next === undefined) {
        const fresh = new RObject();
        node.set(key, fresh);
        node = fresh;
      } else if (next === null) {
        covered = true;
        break;
      } else node = next as RObject;
    }
    if (!covered) node.set(path[path.length - 1]!, null);
  }
  return root;
}

/** The document without the tree's leaves; undefined where a leaf removes the value itself. */
export function removeTree(doc: Value, tree: Value | undefined): Value | undefined {
  if (tree === undefined || (tree !== null && !isObject(tree))) return doc;
  if (tree === null) return undefined;
  if (isObject(doc)) {
    const out = new RObject();
    for (const [k, v] of doc) {
      const kept = removeTree(v, tree.get(k));
      if (kept !== undefined) out.set(k, kept);
    }
    return out;
  }
  if (isSet(doc)) {
    const out = new RSet();
    for (const m of doc) {
      const kept = removeTree(m, tree.get(m));
      if (kept !== undefined) out.add(kept);
    }
    return out;
  }
  if (isArray(doc)) {
    const out: Value[] = [];
    doc.forEach((x, i) => {
      const kept = removeTree(x, tree.get(String(i)));
      if (kept !== undefined) out.push(kept);
    });
    return out;
  }
  return doc;
}

/** Only what the tree selects; a null leaf keeps the whole value below it. */
export function filterTree(doc: Value, tree: Value): Value {
  if (tree === null || !isObject(tree)) return doc;
  if (isObject(doc)) {
    const out = new RObject();
    for (const [k, v] of doc) {
      const sub = tree.get(k);
      if (sub !== undefined) out.set(k, filterTree(v, sub));
    }
    return out;
  }
  if (isSet(doc)) {
    const out = new RSet();
    for (const m of doc) {
      const sub = tree.get(m);
      if (sub !== undefined) out.add(filterTree(m, sub));
    }
    return out;
  }
  if (isArray(doc)) {
    const out: Value[] = [];
    doc.forEach((x, i) => {
      const sub = tree.get(String(i));
      if (sub !== undefined) out.push(filterTree(x, sub));
    });
    return out;
  }
  return doc;
}
