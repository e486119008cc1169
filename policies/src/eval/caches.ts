/**
 * Caches that outlive one evaluation. They are bounded, so a gateway fed ever-new patterns or data objects cannot
 * grow without limit.
 */
import type { Term } from '../ast/nodes.js';
import type { RuleSet } from '../compile/compiler.js';
import type { GlobalName } from './globals.js';
import type { Value } from '../values.js';

/** A Map that forgets its oldest entry once it holds more than `limit`: cheap on the hit path (a plain get). */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    if (this.size > this.#limit) this.delete(this.keys().next().value as K);
    return this;
  }
}

/**
 * Values of stable rules and functions (see stable.ts) computed over one `data` document, for every later
 * evaluation over the same document: an evaluation consults it only while no `with` replaces data or functions.
 */
export class SharedMemo {
  readonly values = new Map<RuleSet, Value | undefined>();
  /**
   * Values of references with constant keys that lead into base documents only (no rules on the way or below), with
   * the name their head resolved to.
   */
  readonly baseRefs = new Map<Term, readonly [GlobalName, Value | undefined]>();
  readonly #calls = new Map<RuleSet, BoundedMap<string, Value | undefined>>();

  constructor(readonly stable: ReadonlySet<RuleSet>) {}

  /** Results of one function by the canonical key of its arguments (bounded: arguments often come from input). */
  calls(set: RuleSet): Map<string, Value | undefined> {
    let calls = this.#calls.get(set);
    if (!calls) this.#calls.set(set, (calls = new BoundedMap(CALLS_PER_FUNCTION)));
    return calls;
  }
}

const CALLS_PER_FUNCTION = 256;
