/**
 * `npm run bench -w clickhouse`: ingest rate (spans/s through the adapter, JSONEachRow batches) and the latency of
 * each analytics query over generated calls (10M by default; BENCH_CALLS to change), on embedded chdb.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore, chTimeMicros, type SpanRow } from '../src/index.js';
import { DEFAULT_MAX_ROWS } from '../src/writer/batch-writer.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 10_000_000);
const SPANS = Number(process.env.BENCH_SPANS ?? 500_000);
/** The batch size the store's writer flushes at, so the rate is the one the gateway gets. */
const SPAN_BATCH = DEFAULT_MAX_ROWS;
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 20);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const dir = await mkdtemp(join(tmpdir(), 'airlock-ch-bench-'));
const store = await openStore({ kind: 'embedded', path: join(dir, 'clickhouse') });
try {
  const base = Date.UTC(2026, 10, 1) * 1000;
  const batch = (offset: number): SpanRow[] =>
    Array.from({ length: SPAN_BATCH }, (_, i) => ({
      tenant: `t${(offset + i) % 3}`,
      start_time: chTimeMicros(base + (offset + i) * 1000),
      trace_id: ((offset + i) * 2654435761).toString(16).padStart(32, '0').slice(-32),
      span_id: (offset + i).toString(16).padStart(16, '0'),
      parent_span_id: '',
      call_id: `call_${offset + i}`,
      name: 'chat gpt-4o',
      kind: 'CLIENT',
      duration_ms: 120 + (i % 400),
      status_code: 'OK',
      status_message: '',
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': String(i % 900) },
    }));
  let ingestMs = 0;
  for (let offset = 0; offset < SPANS; offset += SPAN_BATCH) {
    const rows = batch(offset);
    const t0 = performance.now();
    await store.db.insert('spans', rows);
    ingestMs += performance.now() - t0;
  }
  console.log(`ingest: ${SPANS} spans in ${(ingestMs / 1000).toFixed(2)} s = ${Math.round(SPANS / (ingestMs / 1000))} spans/s (target ≥ 100000), batches of ${SPAN_BATCH}`);

  const t0 = performance.now();
  await store.db.command(`
    INSERT INTO calls
    SELECT
      concat('t', toString(number % 3)) AS tenant,
      toDateTime64('2026-10-25 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number * 2592000000, ${CALLS})) AS received_at,
      concat('call_', toString(number)) AS call_id,
      ['support', 'risk', 'sales', 'platform'][number % 4 + 1] AS team,
      concat('user', toString(number % 97)) AS user,
      concat('key_', toString(number % 211)) AS key_id,
      ['invoice', 'claims', 'onboarding'][intDiv(number, 5) % 3 + 1] AS workflow,
      concat('run_', toString(intDiv(number, 5))) AS run_id,
      ['extract', 'classify', 'review', 'approve', 'notify'][number % 5 + 1] AS step,
      lower(hex(number)) AS trace_id,
      'openai.chat' AS api,
      ['openai', 'anthropic'][number % 2 + 1] AS provider,
      '' AS deployment,
      ['gpt-4o', 'claude-sonnet', 'gpt-4o-mini'][number % 3 + 1] AS requested_model,
      requested_model AS served_model,
      number % 7 = 0 AS stream,
      if(number % 53 = 0, 502, 200) AS status,
      if(status = 200, '', 'GW_ERR_UPSTREAM') AS error_code,
      '' AS error_message,
      50 + (number * 7919) % 400 AS first_byte_ms,
      200 + (number * 104729) % 3000 AS duration_ms,
      (number * 31) % 2000 AS input_tokens,
      (number * 17) % 800 AS output_tokens,
      0 AS cached_input_tokens,
      input_tokens * 3 + output_tokens * 15 AS cost_micros,
      1 AS attempts,
      'allow' AS decision, [] AS decision_reasons, '' AS policy_revision, map() AS pii_counts, '' AS approval_id, map() AS labels
    FROM numbers(${CALLS})`);
  console.log(`generated ${CALLS} calls in ${((performance.now() - t0) / 1000).toFixed(1)} s (INSERT … SELECT FROM numbers)`);
  await store.db.command('OPTIMIZE TABLE calls FINAL');

  const week = { from: '2026-11-10', to: '2026-11-17' };
  const queries: [string, () => Promise<unknown>][] = [
    ['calls list, first page (7 days)', () => store.calls.list('t1', { ...week, limit: 50 })],
    ['calls list, team + model + errors', () => store.calls.list('t1', { ...week, team: 'risk', model: 'gpt-4o', status: 'error', limit: 50 })],
    ['one call with spans', () => store.calls.get('t1', 'call_4000000')],
    ['one workflow run', () => store.calls.run('t1', 'run_800000')],
    ['KPIs by model, hourly (7 days)', () => store.metrics.kpis('t1', { ...week, bucket: 'hour', group_by: 'model' })],
    ['KPIs by team, daily (30 days)', () => store.metrics.kpis('t1', { bucket: 'day', group_by: 'team' })],
    ['steps / bottlenecks (7 days)', () => store.metrics.steps('t1', { ...week, workflow: 'invoice' })],
    ['transitions / process map (7 days)', () => store.metrics.transitions('t1', { ...week, workflow: 'invoice' })],
  ];
  console.log(`\nanalytics over ${CALLS} calls (${QUERY_RUNS} runs each, ms; target p95 ≤ 300)`);
  console.log('query                                   p50       p95');
  for (const [name, run] of queries) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) {
      const q0 = performance.now();
      await run();
      times.push(performance.now() - q0);
    }
    times.sort((a, b) => a - b);
    console.log(`${name.padEnd(38)} ${percentile(times, 0.5).toFixed(1).padStart(7)} ${percentile(times, 0.95).toFixed(1).padStart(9)}`);
  }
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
