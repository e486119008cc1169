/**
 * Runs OPA's conformance cases the way OPA's runner does (../shared/opa-conformance/README.md): every case compiled
 * and evaluated, results compared as sets of rows (numbers numerically), errors by code and message substring.
 *
 *   npm run conformance -w policies -- [--cases DIR] [--v0-compatible] [--json OUT] [--verbose] [--folders a,b,…]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { Engine, RObject, fromJSON, toJSON, type Value } from '../src/index.js';
import { compare, equal, isArray } from '../src/values.js';

const DEFAULT_CASES = fileURLToPath(new URL('../../../shared/opa-conformance/', import.meta.url));

interface Case {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
}

export interface ConformanceReport {
  total: number;
  passed: number;
  byTier: Record<string, { total: number; passed: number }>;
  byFolder: Record<string, { total: number; passed: number }>;
  failed: string[];
}

function runCase(c: Case, v0: boolean): { ok: boolean; why?: string } {
  let engine: Engine;
  try {
    engine = Engine.compile((c.modules ?? []).map((source, i) => ({ file: `test-${i}.rego`, source })), { v0Compatible: v0 });
  } catch (error) {
    return { ok: false, why: `compile: ${(error as Error).message}` };
  }
  let input: unknown = c.input;
  if (c.input_term !== undefined) {
    const rows = engine.query(`airlockinputterm = ${c.input_term}`);
    input = rows[0]?.airlockinputterm;
  }
  let rows: Record<string, Value>[] | undefined;
  let error: (Error & { code?: string }) | undefined;
  try {
    rows = engine.query(c.query, { input, data: c.data ?? {}, strict: c.strict_error === true, maxSteps: 200_000 });
  } catch (e) {
    error = e as Error & { code?: string };
  }
  if (c.want_error_code || c.want_error) {
    if (!error) return { ok: false, why: 'expected an error' };
    if (c.want_error_code && error.code !== c.want_error_code) return { ok: false, why: `code ${error.code} != ${c.want_error_code}: ${error.message}` };
    if (c.want_error && !error.message.includes(c.want_error)) return { ok: false, why: `message ${error.message}` };
    return { ok: true };
  }
  if (error) return { ok: false, why: `error: ${error.message}` };
  if (!c.want_result) return { ok: false, why: 'case has no expectation' };
  const got = rows!.map((row) => {
    const o = new RObject();
    for (const [k, v] of Object.entries(row)) {
      if (k.startsWith('__')) continue;
      let j = fromJSON(toJSON(v));
      if (c.sort_bindings && isArray(j)) j = [...j].sort(compare);
      o.set(k, j);
    }
    return o as Value;
  });
  const want = c.want_result.map((r) => fromJSON(r));
  const uniq = (xs: Value[]) => xs.filter((x, i) => xs.findIndex((y) => equal(x, y)) === i);
  const g = uniq(got);
  const w = uniq(want);
  const same = g.length === w.length && g.every((x) => w.some((y) => equal(x, y)));
  return same ? { ok: true } : { ok: false, why: `got ${JSON.stringify(g.map(toJSON), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}` };
}

export function runConformance(options: { cases?: string; v0?: boolean; folders?: readonly string[]; onCase?: (id: string, ok: boolean, why?: string) => void } = {}): ConformanceReport {
  const dir = options.cases ?? DEFAULT_CASES;
  const tiers = new Map<string, string>();
  if (existsSync(join(dir, 'TIERS.tsv'))) {
    for (const line of readFileSync(join(dir, 'TIERS.tsv'), 'utf8').trim().split('\n').slice(1)) {
      const [folder, tier] = line.split('\t');
      tiers.set(folder!, tier!);
    }
  }
  const report: ConformanceReport = { total: 0, passed: 0, byTier: {}, byFolder: {}, failed: [] };
  const folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).filter((name) => !options.folders || options.folders.includes(name)).sort();
  for (const folder of folders) {
    const tier = tiers.get(folder) ?? '3';
    const files = readdirSync(join(dir, folder)).filter((f) => f.endsWith('.yaml')).sort();
    for (const file of files) {
      const doc = parseYaml(readFileSync(join(dir, folder, file), 'utf8'), { intAsBigInt: true }) as { cases?: Case[] };
      (doc.cases ?? []).forEach((c, index) => {
        const id = `${folder}/${file}#${index}`;
        let result: { ok: boolean; why?: string };
        try {
          result = runCase(c, options.v0 ?? false);
        } catch (error) {
          result = { ok: false, why: `threw: ${(error as Error).message}` };
        }
        report.total++;
        const t = (report.byTier[tier] ??= { total: 0, passed: 0 });
        const f = (report.byFolder[folder] ??= { total: 0, passed: 0 });
        t.total++;
        f.total++;
        if (result.ok) {
          report.passed++;
          t.passed++;
          f.passed++;
        } else report.failed.push(id);
        options.onCase?.(id, result.ok, result.why);
      });
    }
  }
  return report;
}

const pct = (p: number, t: number): string => (t ? ((100 * p) / t).toFixed(1) : '100.0') + '%';

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { cases: { type: 'string' }, 'v0-compatible': { type: 'boolean' }, json: { type: 'string' }, verbose: { type: 'boolean' }, folders: { type: 'string' } } });
  const report = runConformance({
    ...(values.cases ? { cases: values.cases } : {}),
    v0: values['v0-compatible'] ?? false,
    ...(values.folders ? { folders: values.folders.split(',') } : {}),
    onCase: (id, ok, why) => {
      if (values.verbose && !ok) console.log(`FAIL ${id}: ${why}`);
    },
  });
  for (const [folder, f] of Object.entries(report.byFolder)) console.log(`${folder.padEnd(40)} ${String(f.passed).padStart(4)}/${String(f.total).padEnd(4)} ${pct(f.passed, f.total)}`);
  console.log('');
  for (const [tier, t] of Object.entries(report.byTier).sort()) console.log(`tier ${tier}: ${t.passed}/${t.total} ${pct(t.passed, t.total)}`);
  console.log(`overall: ${report.passed}/${report.total} ${pct(report.passed, report.total)}`);
  if (values.json) {
    const { byFolder: _f, ...out } = report;
    writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
  }
}
