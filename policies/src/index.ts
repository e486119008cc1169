/**
 * The Rego engine's public surface: compile modules once, evaluate queries or documents many times.
 */
import type { Body, Rule } from './ast/nodes.js';
import { parseQuery } from './ast/parser.js';
import { createRegistry } from './builtins/registry.js';
import type { BuiltinDef } from './builtins/types.js';
import { compileModules, type CompileOptions, type CompiledPolicy, type RuleSet } from './compile/compiler.js';
import { EvalError } from './eval/errors.js';
import { SharedMemo } from './eval/caches.js';
import { Evaluation } from './eval/evaluator.js';
import { stableRuleSets } from './eval/stable.js';
import { RObject, RSet, fromJSON, isObject, toJSON, type Value } from './values.js';

export { RegoError, RegoErrors } from './ast/errors.js';
export { EvalError } from './eval/errors.js';
export { readBundle, readBundles, loadPaths, type BundleFiles, type LoadOptions } from './bundle.js';
export { runTests, renameDuplicateTests, type TestResult, type SubResult, type RunOptions } from './tester/runner.js';
export { prettyReport, jsonReport, summarize, goDuration } from './tester/reporter.js';
export { compileModules, type CompiledPolicy, type CompileOptions } from './compile/compiler.js';
export { parseModule, parseQuery } from './ast/parser.js';
export type { Body, Expr, Literal, Term } from './ast/nodes.js';
export { fromJSON, toJSON, stringifyJSON, RObject, RSet, type Value } from './values.js';
export { PolicyInputSchema, ENTITY_TYPES as POLICY_ENTITY_TYPES, type PolicyInput } from './contract/policy-input.js';
export { PolicyDecisionSchema, type PolicyDecision, type Hold } from './contract/policy-decision.js';

export interface EvaluateOptions {
  /** The input document (JSON or Rego value). */
  readonly input?: unknown;
  /** The base `data` document (JSON or Rego value). */
  readonly data?: unknown;
  /** Builtin errors fail the evaluation (the gateway's mode) instead of making the expression undefined. */
  readonly strict?: boolean;
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  readonly nowNs?: bigint;
  readonly print?: (line: string) => void;
  /** What opa.runtime() returns (OPA's runtime information: env, version, …); `{}` when absent. */
  readonly runtime?: unknown;
}

/** A rule that contributed to a result: where it is and how often its body succeeded. */
export interface FiredRule {
  readonly rule: string;
  readonly file: string;
  readonly row: number;
  readonly times: number;
}

/** Rego values pass as they are (told by their methods too, should they come from another copy of this module). */
const asValue = (x: unknown): Value | undefined =>
  x === undefined ? undefined : x instanceof RObject || x instanceof RSet || (x instanceof Object && ('sortedEntries' in x || 'sorted' in x)) ? (x as Value) : fromJSON(x);

/** The data document when none is given; shared, so the values of stable rules over it are too. */
const EMPTY_DATA = new RObject();

/** A compiled policy plus its builtins: reuse it for every evaluation. */
export class Engine {
  readonly #builtins: ReadonlyMap<string, BuiltinDef>;
  readonly #queries = new Map<string, Body>();
  /** Values of stable rules per data document (by identity: a document given as a Rego value is immutable). */
  readonly #memos = new WeakMap<object, SharedMemo>();
  #stable: ReadonlySet<RuleSet> | undefined;

  constructor(readonly policy: CompiledPolicy, extraBuiltins: readonly BuiltinDef[] = []) {
    this.#builtins = createRegistry(extraBuiltins);
  }

  static compile(modules: readonly { file: string; source: string }[], options: CompileOptions = {}): Engine {
    return new Engine(compileModules(modules, options));
  }

  /** Like document(), plus the rules whose bodies succeeded on the way, with file:line (for explanations). */
  explain(path: readonly string[], opts: EvaluateOptions = {}): { value: unknown; fired: FiredRule[] } {
    const counts = new Map<Rule, number>();
    const ev = this.#evaluation(opts, (rule) => counts.set(rule, (counts.get(rule) ?? 0) + 1));
    const v = ev.document(path);
    if (ev.strictError) throw ev.strictError;
    const fired = [...counts].map(([r, times]) => ({ rule: `data.${r.path.join('.')}`, file: r.loc.file, row: r.loc.row, times }));
    return { value: v === undefined ? undefined : toJSON(v), fired: fired.sort((a, b) => a.file.localeCompare(b.file) || a.row - b.row) };
  }

  #evaluation(opts: EvaluateOptions, onRuleFired?: (rule: Rule) => void): Evaluation {
    const input = asValue(opts.input);
    const data = asValue(opts.data) ?? EMPTY_DATA;
    // Explanations list every rule that fired, so they evaluate everything afresh.
    const memo = onRuleFired ? undefined : this.#memo(data);
    const { strict, maxSteps, signal, nowNs, print } = opts;
    const runtime = asValue(opts.runtime);
    return new Evaluation(this.policy, { builtins: this.#builtins, memo, input, data, strict, maxSteps, signal, nowNs, print, runtime, onRuleFired });
  }

  /** Only documents that are objects are shared: a JSON document is converted afresh on every evaluation anyway. */
  #memo(data: Value): SharedMemo | undefined {
    if (!isObject(data)) return undefined;
    let memo = this.#memos.get(data);
    if (!memo) this.#memos.set(data, (memo = new SharedMemo((this.#stable ??= stableRuleSets(this.policy, this.#builtins)))));
    return memo;
  }

  /** Every solution of a query, as bindings of its variables (Rego values). Throws EvalError. */
  query(query: string | Body, opts: EvaluateOptions = {}): Record<string, Value>[] {
    let body = typeof query === 'string' ? this.#queries.get(query) : query;
    if (!body) this.#queries.set(query as string, (body = parseQuery(query as string)));
    const ev = this.#evaluation(opts);
    const rows = ev.query(body);
    if (ev.strictError) throw ev.strictError;
    return rows;
  }

  /** The value of a document such as `data.airlock.decision` (path without `data`), as JSON; undefined when undefined. */
  document(path: readonly string[], opts: EvaluateOptions = {}): unknown {
    const ev = this.#evaluation(opts);
    const v = ev.document(path);
    if (ev.strictError) throw ev.strictError;
    return v === undefined ? undefined : toJSON(v);
  }

  /** Runs every `test_*` rule: name → passed (true), failed (false) or the error. */
  runTests(opts: EvaluateOptions = {}): { name: string; passed: boolean; error?: string; file: string; row: number }[] {
    const results: { name: string; passed: boolean; error?: string; file: string; row: number }[] = [];
    for (const [key, set] of this.policy.ruleSets) {
      const name = set.path[set.path.length - 1]!;
      if (!name.startsWith('test_') || set.kind === 'function') continue;
      const rule = set.rules[0] ?? set.defaultRule!;
      try {
        const v = this.document(set.path, opts);
        results.push({ name: `data.${key}`, passed: v === true, file: rule.loc.file, row: rule.loc.row });
      } catch (error) {
        results.push({ name: `data.${key}`, passed: false, error: (error as Error).message, file: rule.loc.file, row: rule.loc.row });
      }
    }
    return results.sort((a, b) => a.name.localeCompare(b.name));
  }
}

export function isEvalError(error: unknown): error is EvalError {
  return error instanceof EvalError;
}

/** The governance bundle that ships with Airlock. */
export const DEFAULT_BUNDLE_DIR = new URL('../bundles/default/', import.meta.url).pathname;
