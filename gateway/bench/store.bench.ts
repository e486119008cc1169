/**
 * What recording costs. First the write-ahead file alone, per call (a call row, its spans, its bodies and a policy
 * decision audit entry, made fit for their tables and appended, then the group write the answer waits for), with 1
 * and 16 calls answered per event-loop turn and with fsync in the background or before every answer. Then the
 * gateway with the store on (embedded chdb, write-ahead file, batches) beside the same gateway with it off, in
 * interleaved rounds of one run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchWriter, WriteAheadLog, chTime, type ClickHouseAdapter } from '@airlock/clickhouse';
import { startBenchServers } from './proxy-overhead.bench.js';
import { pooledRounds, summarize, type LoadTarget } from './load.js';

const WAL_CALLS = Number(process.env.BENCH_WAL_CALLS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_STORE_ROUNDS ?? 6);
const REQUESTS = { 1: Number(process.env.BENCH_REQUESTS_C1 ?? 500), 16: Number(process.env.BENCH_REQUESTS_C16 ?? 2000) } as const;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
/** The target for the write-ahead file, per call. */
const WAL_TARGET_US = 10;

/** Accepts every batch at once, so the figures are the write-ahead file's and not ClickHouse's. */
const nullStore: ClickHouseAdapter = {
  kind: 'embedded',
  command: async () => undefined,
  query: async <T>() => [] as T[],
  insert: async () => undefined,
  insertEncoded: async () => undefined,
  close: async () => undefined,
};

/** The rows one answered chat call leaves, as the pipeline makes them. */
function callRows(i: number) {
  const at = chTime(Date.now());
  const call = {
    tenant: 'default', received_at: at, call_id: `call_${i.toString(16).padStart(32, '0')}`, team: 'platform', user: 'ann', key_id: 'key_0123456789abcdef',
    workflow: 'invoice', run_id: 'run_1', step: 'extract', trace_id: 'a'.repeat(32), api: 'openai.chat', provider: 'openai', deployment: 'openai/gpt-4o',
    requested_model: 'gpt-4o', served_model: 'gpt-4o-2024-08-06', stream: false, status: 200, error_code: '', error_message: '', first_byte_ms: 312.5,
    duration_ms: 840.25, input_tokens: 512, output_tokens: 128, cached_input_tokens: 0, cost_micros: 2560, attempts: 1, decision: 'allow',
    decision_reasons: [], policy_revision: 'f'.repeat(64), pii_counts: { EMAIL: 1 }, approval_id: '', labels: { bundle: 'airlock-default', team: 'platform' },
  };
  const span = (id: string, name: string, kind: string) => ({
    tenant: 'default', start_time: at, trace_id: 'a'.repeat(32), span_id: `${id}${i.toString(16).padStart(14, '0')}`, parent_span_id: '', call_id: call.call_id,
    name, kind, duration_ms: 420, status_code: 'OK', status_message: '',
    attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': '512', 'gen_ai.usage.output_tokens': '128' },
  });
  const body = { tenant: 'default', received_at: at, call_id: call.call_id, request_text: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Summarise the invoice for <EMAIL_1>. '.repeat(8) }] }), response_text: JSON.stringify({ choices: [{ message: { content: 'The invoice totals 1,250 EUR. '.repeat(6) } }] }) };
  const audit = { tenant: 'default', seq: i + 1, at, actor: 'key_0123456789abcdef', action: 'policy.decision', subject: call.call_id, details: '{"decision":"allow","reasons":[]}', prev_hash: 'b'.repeat(64), hash: 'c'.repeat(64), mac: 'd'.repeat(64) };
  return { call, spans: [span('s', 'POST /v1/chat/completions', 'SERVER'), span('p', 'policy', 'INTERNAL'), span('c', 'chat gpt-4o', 'CLIENT')], body, audit };
}

type Rows = ReturnType<typeof callRows>;

/** The tables a call's rows go to, in the order the store queues them. */
function* tabled(r: Rows): Generator<[string, Record<string, unknown>]> {
  yield ['call_bodies', r.body];
  yield ['calls', r.call];
  for (const s of r.spans) yield ['spans', s];
  yield ['audit_trail', r.audit];
}

/**
 * µs per call (CPU, which other processes on a busy machine do not inflate, and wall), `perTurn` calls answered per event-loop turn: `wal` times the write-ahead file alone (each row
 * appended, then the group write awaited, as an answer waits for it); `writer` times the store's whole enqueue
 * (rows made fit for their tables, logged, buffered).
 */
async function perCall(kind: 'wal' | 'writer', perTurn: number, fsyncMs: number): Promise<{ cpu: number; wall: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-wal-bench-'));
  // The writer encodes each row once, for the file and for its insert (ClickHouseAdapter.insertEncoded): the file's
  // own cost is the write of text that exists anyway; the encoding counts in the whole enqueue.
  const rows = Array.from({ length: WAL_CALLS }, (_, i) => [...tabled(callRows(i))]);
  const encoded = rows.map((call) => call.map(([t, r]) => [t, JSON.stringify(r)] as const));
  const wal = new WriteAheadLog(dir, { fsyncMs });
  const writer = new BatchWriter(nullStore, { walDir: join(dir, 'writer'), fsyncMs, maxRows: 10_000, flushIntervalMs: 3_600_000 });
  if (kind === 'wal') wal.open();
  else await writer.start();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < WAL_CALLS; i += perTurn) {
    for (let j = i; j < Math.min(WAL_CALLS, i + perTurn); j++) {
      if (kind === 'wal') for (const [table, json] of encoded[j]!) wal.append(table, json);
      else for (const [table, row] of rows[j]!) writer.enqueue(table, row);
    }
    await (kind === 'wal' ? wal.commit() : writer.commit());
  }
  const wall = ((performance.now() - t0) * 1000) / WAL_CALLS;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / WAL_CALLS;
  wal.close();
  await writer.close();
  await rm(dir, { recursive: true, force: true });
  return { cpu, wall };
}

async function storeOnBesideOff(): Promise<void> {
  const [off, on] = [await startBenchServers(), await startBenchServers({ BENCH_STORE: 'embedded' })];
  try {
    const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say ok.' }] });
    const target = (urls: Record<string, string>): LoadTarget => ({ origin: urls.gateway!, path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${urls.key}` }, body });
    const targets = { 'store off': target(off.urls), 'store on (chdb)': target(on.urls) };
    for (const concurrency of [1, 16] as const) {
      const pooled = await pooledRounds(targets, { concurrency, requests: REQUESTS[concurrency], rounds: ROUNDS, warmup: WARMUP });
      const base = pooled['store off']!;
      const baseRps = (base.n / base.ms) * 1000;
      const baseMean = summarize(base.lat).mean;
      console.log(`\ngateway, store on beside off, concurrency ${concurrency} (${ROUNDS} interleaved rounds × ${REQUESTS[concurrency]} requests)`);
      console.log('target               mean ms   p99 ms   added mean   req/s   vs store off   errors');
      for (const [name, p] of Object.entries(pooled)) {
        const s = summarize(p.lat);
        const rps = (p.n / p.ms) * 1000;
        console.log(`${name.padEnd(20)} ${s.mean.toFixed(3).padStart(7)} ${s.p99.toFixed(3).padStart(8)} ${(s.mean - baseMean).toFixed(3).padStart(12)} ${rps.toFixed(0).padStart(7)} ${((rps / baseRps) * 100).toFixed(1).padStart(13)}% ${String(p.errors).padStart(8)}`);
      }
    }
  } finally {
    off.stop();
    on.stop();
  }
}

export async function benchWriteAhead(): Promise<void> {
  console.log(`write-ahead file, per call (a call row, 3 spans, its bodies, 1 audit entry; ${WAL_CALLS} calls; target ≤ ${WAL_TARGET_US} µs)`);
  console.log('calls per turn   fsync_ms   write-ahead file µs (rows as encoded for the insert; cpu / wall)   whole enqueue µs (made fit + logged + buffered; cpu / wall)');
  for (const fsyncMs of [1_000, 0]) {
    for (const perTurn of [1, 16]) {
      await perCall('wal', perTurn, fsyncMs); // warm-up
      const wal = await perCall('wal', perTurn, fsyncMs);
      await perCall('writer', perTurn, fsyncMs);
      const writer = await perCall('writer', perTurn, fsyncMs);
      const mark = fsyncMs > 0 ? (wal.cpu <= WAL_TARGET_US ? '  within target' : '  ABOVE target') : '  fsync before each answer';
      const pair = (r: { cpu: number; wall: number }, width: number) => `${r.cpu.toFixed(2)} / ${r.wall.toFixed(2)}`.padStart(width);
      console.log(`${String(perTurn).padStart(14)} ${String(fsyncMs).padStart(10)} ${pair(wal, 67)} ${pair(writer, 30)}${mark}`);
    }
  }
}

export async function benchStore(): Promise<void> {
  await benchWriteAhead();
  await storeOnBesideOff();
}
