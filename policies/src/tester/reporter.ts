/**
 * `opa test` output, byte for byte where this engine knows what OPA knows: the pretty report (results grouped by
 * file, PASS/FAIL/SKIPPED/ERROR totals) and the JSON report. Evaluation traces are the one thing missing: the
 * FAILURES section of `-v` lists the failed tests and sub-results without OPA's trace lines.
 */
import type { SubResult, TestResult } from './runner.js';

const HL = '-'.repeat(80);

/** Go's time.Duration.String(), which OPA prints after each test: `0s`, `812ns`, `1.5µs`, `2.25ms`, `1m3.5s`. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const n = Math.abs(Math.round(ns));
  const frac = (v: number, digits: number): string => {
    const whole = Math.floor(v / 10 ** digits);
    const rest = String(v % 10 ** digits).padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : String(whole);
  };
  if (n < 1e3) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${frac(n, 3)}µs`;
  if (n < 1e9) return `${sign}${frac(n, 6)}ms`;
  const h = Math.floor(n / 3.6e12);
  const m = Math.floor((n % 3.6e12) / 6e10);
  const s = frac(n % 6e10, 9);
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

export const passed = (r: TestResult): boolean => !r.fail && !r.skip && !r.error;

function outcome(r: TestResult): string {
  if (passed(r)) return 'PASS';
  if (r.fail) return 'FAIL';
  if (r.skip) return 'SKIPPED';
  return 'ERROR';
}

/** `data.pkg.test_x: PASS (1.2ms)`, as Result.String() without sub-results. */
export function resultLine(r: TestResult): string {
  const head = `${r.package}.${r.name}: ${outcome(r)}`;
  return r.skip ? head : `${head} (${goDuration(r.durationNs)})`;
}

/** Depth-first, keys in order, with each entry's lineage. */
function* iterSubResults(subs: ReadonlyMap<string, SubResult>, prefix: string[] = []): Generator<[string[], SubResult]> {
  for (const sr of subs.values()) {
    const lineage = [...prefix, sr.name];
    yield [lineage, sr];
    yield* iterSubResults(sr.subResults, lineage);
  }
}

const subLine = (lineage: readonly string[], sr: SubResult): string => `${'  '.repeat(lineage.length)}${sr.name}: ${sr.fail ? 'FAIL' : 'PASS'}`;

/** Totals as OPA counts them: a test with sub-results counts its leaf sub-results instead of itself. */
export function summarize(results: readonly TestResult[]): { pass: number; fail: number; skip: number; error: number; total: number } {
  let pass = 0;
  let fail = 0;
  let skip = 0;
  let error = 0;
  for (const r of results) {
    if (r.skip) skip++;
    else if (r.error) error++;
    else if (r.subResults.size) {
      for (const [, sr] of iterSubResults(r.subResults)) {
        if (!sr.subResults.size) sr.fail ? fail++ : pass++;
      }
    } else if (r.fail) fail++;
    else pass++;
  }
  return { pass, fail, skip, error, total: pass + fail + skip + error };
}

/** The pretty report: with `verbose`, every test (and a FAILURES section first); else only those that did not pass. */
export function prettyReport(results: readonly TestResult[], verbose = false): string {
  const lines: string[] = [];
  const totals = summarize(results);
  const failures = results.filter((r) => r.fail);
  if (totals.fail > 0 && verbose) {
    lines.push('FAILURES', HL);
    for (const f of failures) {
      lines.push(resultLine(f), '');
      for (const [lineage, sr] of iterSubResults(f.subResults)) if (sr.fail) lines.push(subLine(lineage, sr));
      if (f.subResults.size) lines.push('');
    }
    lines.push('SUMMARY', HL);
  }
  let dirty = false;
  let lastFile: string | undefined;
  for (const r of results) {
    if (verbose || !passed(r)) {
      if (r.location.file !== lastFile) {
        if (lastFile !== undefined) lines.push('');
        lines.push(`${r.location.file}:`);
        lastFile = r.location.file;
      }
      dirty = true;
      lines.push(resultLine(r));
      for (const [lineage, sr] of iterSubResults(r.subResults)) if (sr.fail || verbose) lines.push(subLine(lineage, sr));
      if (r.output.length) lines.push('', ...r.output.map((l) => `  ${l}`), '');
    }
    if (r.error) lines.push(`  ${r.error.message}`);
  }
  if (dirty) lines.push(HL);
  if (totals.pass) lines.push(`PASS: ${totals.pass}/${totals.total}`);
  if (totals.fail) lines.push(`FAIL: ${totals.fail}/${totals.total}`);
  if (totals.skip) lines.push(`SKIPPED: ${totals.skip}/${totals.total}`);
  if (totals.error) lines.push(`ERROR: ${totals.error}/${totals.total}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

function subResultsJSON(subs: ReadonlyMap<string, SubResult>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const sr of subs.values()) out[sr.name] = { name: sr.name, ...(sr.fail ? { fail: true } : {}), ...(sr.subResults.size ? { sub_results: subResultsJSON(sr.subResults) } : {}) };
  return out;
}

/** An error as Go marshals it: a topdown error's code, message and location; any other error as `{}`. */
function errorJSON(error: Error): Record<string, unknown> {
  if ('code' in error && 'detail' in error) {
    const loc = (error as { location?: { file: string; row: number; col: number } }).location;
    return { code: error.code, message: error.detail, ...(loc ? { location: { file: loc.file, row: loc.row, col: loc.col } } : {}) };
  }
  return {};
}

/** `opa test --format json`: the results as an indented array, fields in OPA's order, empty ones left out. */
export function jsonReport(results: readonly TestResult[]): string {
  const rows = results.map((r) => ({
    location: r.location,
    package: r.package,
    name: r.name,
    ...(r.error ? { error: errorJSON(r.error) } : {}),
    ...(r.fail ? { fail: true } : {}),
    ...(r.skip ? { skip: true } : {}),
    duration: r.durationNs,
    ...(r.output.length ? { output: Buffer.from(r.output.map((l) => `${l}\n`).join('')).toString('base64') } : {}),
    ...(r.subResults.size ? { sub_results: subResultsJSON(r.subResults) } : {}),
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}
