/**
 * Assembling a virtual document from rules with reference heads (`p[q].r := v`, `p[q] contains x`, `p.a.r := 1`).
 * The structure the head references create is mergeable; the values the rules produce are leaves. Two rules may
 * meet in the structure, but writing into (or over) another rule's value is a conflict, as in OPA.
 */
import type { Location } from '../ast/tokens.js';
import { RObject, RSet, equal, isObject, keyOf, type Value } from '../values.js';
import { EvalError } from './errors.js';

type Slot = { kind: 'leaf'; value: Value } | { kind: 'set'; set: RSet } | { kind: 'struct'; keys: Map<string, [Value, Slot]> };
type Struct = Extract<Slot, { kind: 'struct' }>;

const conflict = (loc: Location | undefined): EvalError => new EvalError('eval_conflict_error', 'object keys must be unique', loc);

export class DocBuilder {
  readonly #root: Struct = { kind: 'struct', keys: new Map() };

  /** A single value at `path` (non-empty); the same value twice is fine. */
  put(path: readonly Value[], value: Value, loc: Location | undefined): void {
    const [parent, key] = this.#parent(path, loc);
    const prev = parent.keys.get(keyOf(key))?.[1];
    if (!prev) parent.keys.set(keyOf(key), [key, { kind: 'leaf', value }]);
    else if (prev.kind !== 'leaf' || !equal(prev.value, value)) throw conflict(loc);
  }

  /** A member of the set at `path`; with no member, just makes sure the (possibly empty) set exists. */
  add(path: readonly Value[], member: Value | undefined, loc: Location | undefined): void {
    const [parent, key] = this.#parent(path, loc);
    let slot = parent.keys.get(keyOf(key))?.[1];
    if (!slot) parent.keys.set(keyOf(key), [key, (slot = { kind: 'set', set: new RSet() })]);
    if (slot.kind !== 'set') throw conflict(loc);
    if (member !== undefined) slot.set.add(member);
  }

  /** Structure at `path` (an empty object unless something fills it). */
  struct(path: readonly Value[], loc: Location | undefined): void {
    if (path.length) this.#struct(path, loc);
  }

  value(): RObject {
    return toValue(this.#root) as RObject;
  }

  #parent(path: readonly Value[], loc: Location | undefined): [Struct, Value] {
    return [this.#struct(path.slice(0, -1), loc), path[path.length - 1]!];
  }

  #struct(path: readonly Value[], loc: Location | undefined): Struct {
    let node = this.#root;
    for (const key of path) {
      const entry = node.keys.get(keyOf(key));
      if (!entry) {
        const next: Struct = { kind: 'struct', keys: new Map() };
        node.keys.set(keyOf(key), [key, next]);
        node = next;
      } else if (entry[1].kind === 'struct') node = entry[1];
      else throw conflict(loc);
    }
    return node;
  }
}

function toValue(slot: Slot): Value {
  if (slot.kind === 'leaf') return slot.value;
  if (slot.kind === 'set') return slot.set;
  const out = new RObject();
  for (const [key, child] of slot.keys.values()) out.set(key, toValue(child));
  return out;
}

/** Base data and the virtual documents beside it: objects merge, and elsewhere the base document wins. */
export function mergeBase(base: Value, virtual: Value): Value {
  if (!isObject(base) || !isObject(virtual)) return base;
  const out = new RObject(base.entries());
  for (const [k, v] of virtual) {
    const b = out.get(k);
    out.set(k, b === undefined ? v : mergeBase(b, v));
  }
  return out;
}
