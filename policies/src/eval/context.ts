/**
 * What builtins see of the query (BuiltinContext). The clock, the random source and the per-query cache are made
 * on first use, and each use is reported: a value computed with them is the query's own, never shared.
 */
import type { BuiltinContext } from '../builtins/types.js';
import type { Value } from '../values.js';

export interface QueryContextOptions {
  readonly nowNs?: bigint | undefined;
  readonly sharedCache?: Map<string, unknown> | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly print?: ((line: string) => void) | undefined;
  readonly runtime?: Value | undefined;
}

export class QueryContext implements BuiltinContext {
  readonly sharedCache: Map<string, unknown>;
  readonly signal: AbortSignal | undefined;
  readonly print: ((line: string) => void) | undefined;
  readonly runtime: Value | undefined;
  readonly #onImpure: () => void;
  readonly #fixedNs: bigint | undefined;
  #nowNs: bigint | undefined;
  #cache: Map<string, unknown> | undefined;
  #seed = 0x2545f491;

  constructor(opts: QueryContextOptions, onImpure: () => void) {
    this.#fixedNs = opts.nowNs;
    this.sharedCache = opts.sharedCache ?? new Map();
    this.signal = opts.signal;
    this.print = opts.print;
    this.runtime = opts.runtime;
    this.#onImpure = onImpure;
  }

  /** Fixed for the whole query: the time it was first asked for (reading the clock costs, and most queries never do). */
  get nowNs(): bigint {
    this.#onImpure();
    return (this.#nowNs ??= this.#fixedNs ?? BigInt(Date.now()) * 1_000_000n);
  }

  get cache(): Map<string, unknown> {
    this.#onImpure();
    return (this.#cache ??= new Map());
  }

  /** xorshift32, seeded per query. */
  random(): number {
    this.#onImpure();
    let seed = this.#seed;
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    this.#seed = seed;
    return (seed >>> 0) / 4294967296;
  }
}
