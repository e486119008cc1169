/**
 * `opa test` over this engine: which rules are tests, how duplicates are named, and what each result holds, as in
 * OPA's tester package. A test is a rule whose name (the first part of its head's ground prefix that starts so)
 * starts with `test_`; `todo_test_` marks one as skipped. v0 allows a name twice in a package: the second and later
 * rules are renamed `test_x#01`, `#02`, … in file order, and each runs on its own. A test passes when its value is
 * `true`; a partial-object test (`test_cases[note] if …`) has a sub-result per key instead.
 */
import { performance } from 'node:perf_hooks';
import type { Module, Rule } from '../ast/nodes.js';
import { compileParsed, parseModules, type CompileOptions } from '../compile/compiler.js';
import { Engine } from '../index.js';
import type { Value } from '../values.js';

export const TEST_PREFIX = 'test_';
export const SKIP_PREFIX = 'todo_test_';

export interface SubResult {
  readonly name: string;
  readonly fail: boolean;
  readonly subResults: ReadonlyMap<string, SubResult>;
}

export interface TestResult {
  /** `data.pkg`, as OPA prints it. */
  readonly package: string;
  /** The rule's name below the package, `#NN` included for duplicates (`test_x#01`, `p.q.test_y`). */
  readonly name: string;
  readonly location: { readonly file: string; readonly row: number; readonly col: number };
  readonly durationNs: number;
  readonly fail: boolean;
  readonly skip: boolean;
  readonly error?: Error;
  /** What the test printed, one line each. */
  readonly output: readonly string[];
  readonly subResults: ReadonlyMap<string, SubResult>;
}

export interface RunOptions extends CompileOptions {
  readonly data?: Value;
  /** Only tests whose full name (`data.pkg.test_x`) matches this regular expression. */
  readonly run?: string;
  readonly maxSteps?: number;
  /** What opa.runtime() returns; `opa test` gives the process environment as `env`. */
  readonly runtime?: unknown;
}

/** The index in a rule's path (after its package) of its test name, or -1 when it is no test. */
function testNameIndex(rule: Rule, pkgLength: number): number {
  for (let i = pkgLength; i < rule.path.length; i++) {
    const part = rule.path[i]!;
    if (part.startsWith(TEST_PREFIX) || part.startsWith(SKIP_PREFIX)) return i;
  }
  return -1;
}

const renamed = (rule: Rule, at: number, name: string): Rule => ({
  ...rule,
  path: rule.path.map((p, i) => (i === at ? name : p)),
  elseRule: rule.elseRule && renamed(rule.elseRule, at, name),
});

/** OPA's RewriteDuplicateTestNames stage: the first rule keeps its name, later ones get `#01`, `#02`, … */
export function renameDuplicateTests(modules: readonly Module[]): Module[] {
  const seen = new Map<string, number>();
  return modules.map((m) => ({
    ...m,
    rules: m.rules.map((rule) => {
      const at = testNameIndex(rule, m.pkg.length);
      if (at < 0 || !rule.path[at]!.startsWith(TEST_PREFIX) || rule.isDefault) return rule;
      const key = rule.path.slice(0, at + 1).join('.');
      const count = seen.get(key) ?? 0;
      seen.set(key, count + 1);
      return count ? renamed(rule, at, `${rule.path[at]}#${String(count).padStart(2, '0')}`) : rule;
    }),
  }));
}

const isJSONObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A leaf passes when it is true; an object has a sub-result per key, in key order, and fails when one does. */
function subResults(v: Record<string, unknown>): Map<string, SubResult> {
  const out = new Map<string, SubResult>();
  for (const name of Object.keys(v).sort()) {
    const x = v[name];
    if (isJSONObject(x)) {
      const subs = subResults(x);
      out.set(name, { name, fail: [...subs.values()].some((s) => s.fail), subResults: subs });
    } else out.set(name, { name, fail: x !== true, subResults: new Map() });
  }
  return out;
}

/**
 * Compiles the modules (with duplicate test names rewritten) and runs every test, in file order and, within a
 * file, in rule order. Parse and compile errors are thrown (RegoErrors), as `opa test` reports them before any test.
 */
export function runTests(sources: readonly { file: string; source: string }[], options: RunOptions = {}): TestResult[] {
  const modules = renameDuplicateTests([...parseModules(sources, options)].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)));
  const engine = new Engine(compileParsed(modules, options));
  const filter = options.run ? new RegExp(options.run) : undefined;
  const results: TestResult[] = [];
  for (const m of modules) {
    const pkg = `data.${m.pkg.join('.')}`;
    for (const rule of m.rules) {
      const at = testNameIndex(rule, m.pkg.length);
      if (at < 0 || rule.kind === 'function') continue;
      const path = rule.path.slice(0, at + 1);
      const name = path.slice(m.pkg.length).join('.');
      if (filter && !filter.test(`${pkg}.${name}`)) continue;
      const location = { file: rule.loc.file, row: rule.loc.row, col: rule.loc.col };
      const base = { package: pkg, name, location, output: [] as string[], subResults: new Map<string, SubResult>() };
      if (path[at]!.startsWith(SKIP_PREFIX)) {
        results.push({ ...base, durationNs: 0, fail: false, skip: true });
        continue;
      }
      const t0 = performance.now();
      try {
        const value = engine.document(path, { data: options.data, maxSteps: options.maxSteps, runtime: options.runtime, print: (line) => base.output.push(line) });
        const durationNs = Math.round((performance.now() - t0) * 1e6);
        if (rule.kind === 'object' && !rule.multi && isJSONObject(value)) {
          const subs = subResults(value);
          results.push({ ...base, durationNs, fail: [...subs.values()].some((s) => s.fail), skip: false, subResults: subs });
        } else results.push({ ...base, durationNs, fail: value !== true, skip: false });
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        results.push({ ...base, durationNs: Math.round((performance.now() - t0) * 1e6), fail: false, skip: false, error });
      }
    }
  }
  return results;
}
