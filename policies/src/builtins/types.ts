/**
 * The contract between the evaluator and the builtins: a declaration (name, typed args, result, flags) and one
 * implementation signature. Each namespace module exports `BuiltinDef[]`; `registry.ts` assembles them per engine.
 */
import type { Value } from '../values.js';

/** A type in a builtin's signature, as OPA's type checker and capabilities.json describe it. */
export type BuiltinType =
  | { kind: 'any'; of?: BuiltinType[] }
  | { kind: 'null' | 'boolean' | 'number' | 'string' }
  | { kind: 'array'; of?: BuiltinType }
  | { kind: 'set'; of?: BuiltinType }
  | { kind: 'object'; key?: BuiltinType; value?: BuiltinType };

export interface BuiltinArg {
  readonly name: string;
  readonly type: BuiltinType;
  readonly description?: string;
}

export interface BuiltinDecl {
  /** OPA's full name, e.g. `strings.replace_n`; infix operators use OPA's names (`plus`, `equal`, `lt`, …). */
  readonly name: string;
  /** The operator symbol for infix builtins (`+`, `==`, `<`, …). */
  readonly infix?: string;
  readonly args: readonly BuiltinArg[];
  /** Absent for builtins that return nothing useful (OPA's "void" builtins such as `print`). */
  readonly result?: BuiltinType;
  readonly description?: string;
  readonly categories?: readonly string[];
  /** Depends on time, randomness or the outside world: results are cached per query, never across queries. */
  readonly nondeterministic?: boolean;
  /** True when the builtin may produce several results (e.g. `walk`): the implementation returns them all. */
  readonly relation?: boolean;
  /** True when the builtin takes any number of operands (e.g. `print`). */
  readonly variadic?: boolean;
}

export interface CallLocation {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

/** What a builtin may know of its surroundings; nothing else (no global clock, no Math.random). */
export interface BuiltinContext {
  /** Nanoseconds since the epoch, fixed for the whole query (time.now_ns returns this). */
  readonly nowNs: bigint;
  /** Seeded per query; use instead of Math.random. */
  readonly random: () => number;
  /** Per-query cache, keyed by builtin name + operands, for nondeterministic builtins and expensive compilations. */
  readonly cache: Map<string, unknown>;
  /** Cache shared across queries of one engine, for pure compilations (regexes, glob patterns). */
  readonly sharedCache: Map<string, unknown>;
  readonly location?: CallLocation;
  readonly signal?: AbortSignal;
  /** Sink for print(); absent means print output is dropped. */
  readonly print?: (line: string) => void;
  /** Environment for opa.runtime(). */
  readonly runtime?: Value;
}

/**
 * The one implementation signature. Return a value, or `undefined` for "no result" (the expression is undefined).
 * Relation builtins return an array of results (each a Value) instead.
 * Throw `BuiltinError` / `OperandTypeError` (see errors.ts) on failure; never throw anything else deliberately.
 */
export type BuiltinImpl = (args: readonly Value[], ctx: BuiltinContext) => Value | undefined | readonly Value[];

export interface BuiltinDef {
  readonly decl: BuiltinDecl;
  readonly impl: BuiltinImpl;
}
