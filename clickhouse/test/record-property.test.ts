/**
 * The record path against hostile input, as a seeded property test: every field of the call row, its spans, its
 * bodies and audit entries is fed lone surrogates, NUL and control characters, 1 MB strings, deep and cyclic JSON,
 * huge / NaN / Infinity numbers, BigInts and odd dates, through the store as the gateway uses it (record, audit,
 * committed). Afterwards every recorded call is in the store exactly once, with each well-formed value kept byte for
 * byte and every field that had to change named under `airlock.altered`; every audit entry is there and each
 * trail verifies. A share of the calls is refused by ClickHouse itself (a CHECK constraint, as an operator may
 * add): the batch holding them must be split until they stand alone, dead-lettered to the file, audited and
 * counted, while the rest of the batch is written. Run on embedded chdb and on the server adapter.
 *
 * AIRLOCK_PROPERTY_SEED replays a failing run (the seed is in every assertion message).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type AuditEntry, type StoreOptions, type TraceStore } from '../src/index.js';
import { startChdbHttpServer, type ChdbHttpServer } from './chdb-http-server.js';
import { callRow, spanRow } from './fixtures.js';

const SEED = Number(process.env.AIRLOCK_PROPERTY_SEED ?? Date.now() % 1_000_000);
const CALLS = 240;
const AUDIT_ENTRIES = 80;
/** Calls whose id starts so are refused by the store (the constraint below), wherever they sit in a batch. */
const REFUSED = 'refused-';

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function nested(depth: number): unknown {
  let v: unknown = { leaf: '\ud800' };
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

function cyclic(): unknown {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  return o;
}

class Hostile {
  readonly #rand: () => number;
  /** 1 MB strings cost a few ms each to encode and read back: a bounded number per run keeps the suite fast. */
  #megabytes = 10;

  constructor(seed: number) {
    this.#rand = prng(seed);
  }

  chance(p: number): boolean {
    return this.#rand() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#rand() * list.length)]!;
  }

  /** Short strings: valid ones the store must keep exactly, and malformed ones it must repair. */
  shortString(): string {
    return this.pick([
      '\ud800',
      'a\udfffb',
      '\udc00\ud800',
      'end\ud83d',
      'x\u0000y',
      '\u0000',
      '\u0001\u0002\u0008\u000b\u000c\u001b\u001f\u007f\u0085',
      '\ufffe\uffff\ufeff',
      '\u2028\u2029',
      '"\\\'\n\r\t`${}',
      "'; DROP TABLE calls; --",
      '{"json":"text"}',
      'é🙂𝄞中文',
      '\u{10ffff}',
      '',
    ]);
  }

  string(): string {
    if (this.#megabytes > 0 && this.chance(0.04)) {
      this.#megabytes--;
      return this.chance(0.5) ? 'M'.repeat(1 << 20) : 'ab\ud800\u0000'.repeat(1 << 18);
    }
    return this.chance(0.5) ? this.shortString() : `${this.shortString()}mid${this.shortString()}`;
  }

  /** Anything a buggy or hostile caller path could put where a column value belongs. */
  value(): unknown {
    if (this.chance(0.5)) return this.string();
    return this.pick<() => unknown>([
      () => NaN,
      () => Infinity,
      () => -Infinity,
      () => -0,
      () => 1e308,
      () => 2 ** 64,
      () => -1,
      () => 1.5,
      () => Number.MAX_SAFE_INTEGER + 2,
      () => 2n ** 70n,
      () => null,
      () => undefined,
      () => true,
      () => [],
      () => ({}),
      () => ['a', '\ud800', 1, null],
      () => ({ '\ud800': '\udfff', nul: '\u0000', n: NaN }),
      () => nested(this.chance(0.5) ? 300 : 100_000),
      () => cyclic(),
      () => new Date(NaN),
      () => new Date(8.64e15),
      () => '2026-02-30 12:00:00.000',
      () => '2026-13-01 00:00:00',
      () => '0000-00-00 00:00:00',
      () => '1899-12-31 23:59:59',
      () => '2300-01-01 00:00:00',
      () => '2026-11-24T12:00:00Z',
      () => '2026-11-24 24:00:00',
      () => 'yesterday',
      () => 8.64e15 + 1,
      () => -8.64e15,
      () => Symbol('s'),
    ])();
  }

  map(): unknown {
    if (this.chance(0.3)) return this.value();
    const out: Record<string, unknown> = {};
    for (let i = 0, n = Math.floor(this.#rand() * 4); i < n; i++) out[this.shortString() + i] = this.chance(0.7) ? this.string() : this.value();
    return out;
  }
}

const CALL_FIELDS = Object.keys(callRow({ call_id: 'x' })).filter((f) => f !== 'call_id');
const SPAN_FIELDS = Object.keys(spanRow({ span_id: 'x', call_id: 'x' })).filter((f) => f !== 'span_id' && f !== 'call_id');
const MAP_FIELDS = new Set(['labels', 'attributes', 'pii_counts']);
/** Columns of type String: a well-formed string given to one must be stored exactly. */
const STRING_COLUMNS = new Set([
  'tenant', 'team', 'user', 'key_id', 'workflow', 'run_id', 'step', 'trace_id', 'api', 'provider', 'deployment', 'requested_model',
  'served_model', 'error_code', 'error_message', 'decision', 'policy_revision', 'approval_id', 'parent_span_id', 'name', 'kind',
  'status_code', 'status_message', 'request_text', 'response_text',
]);
const READ_BACK = [...STRING_COLUMNS].filter((c) => !['parent_span_id', 'name', 'kind', 'status_code', 'status_message', 'request_text', 'response_text'].includes(c));

interface Planned {
  readonly id: string;
  /** The fields this call was given hostile values for, by table, with the value. */
  readonly call: Map<string, unknown>;
  readonly body: Map<string, unknown>;
  readonly spanIds: string[];
  readonly refused: boolean;
  readonly malformedId: boolean;
}

/** Overrides `share` of the fields with hostile values; remembers which. */
function hostileRow<T extends object>(h: Hostile, base: T, fields: readonly string[], share: number, into: Map<string, unknown>): T {
  const row = { ...base } as Record<string, unknown>;
  for (const f of fields) {
    if (!h.chance(share)) continue;
    const v = MAP_FIELDS.has(f) ? h.map() : h.value();
    row[f] = v;
    into.set(f, v);
  }
  return row as T;
}

const wellFormedString = (v: unknown): v is string => typeof v === 'string' && v.isWellFormed();

function propertySuite(name: string, options: (dir: string) => StoreOptions): void {
  describe(name, () => {
    let dir: string;
    let store: TraceStore;
    const errors: Error[] = [];
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'airlock-property-'));
      store = await openStore({ ...options(dir), flushIntervalMs: 60_000, retryIntervalMs: 60_000, audit: { checkpointIntervalMs: 0 }, onError: (e) => errors.push(e) });
      // A refusal by ClickHouse for the data, the whole batch at once: what the writer must isolate.
      await store.db.command(`ALTER TABLE calls ADD CONSTRAINT refuse_marked CHECK NOT startsWith(call_id, '${REFUSED}')`);
    });
    afterAll(async () => {
      await store.db.command('ALTER TABLE calls DROP CONSTRAINT refuse_marked').catch(() => undefined);
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    it(`stores every recorded call, span, body and audit entry whatever they hold (seed ${SEED})`, { timeout: 120_000 }, async () => {
      const h = new Hostile(SEED);
      const run = `r${SEED}-${name.length}`;
      const planned: Planned[] = [];
      const entries: AuditEntry[] = [];
      for (let i = 0; i < CALLS; i++) {
        const refused = i % 37 === 11;
        const raw = `${refused ? REFUSED : ''}${run}-c${i}-${h.chance(0.4) ? h.shortString() : ''}`;
        const call = new Map<string, unknown>();
        const body = new Map<string, unknown>();
        const spanIds: string[] = [];
        const spans = [0, 1].map((j) => {
          const spanId = `${raw}-s${j}${h.chance(0.3) ? h.shortString() : ''}`;
          spanIds.push(spanId.toWellFormed());
          return hostileRow(h, spanRow({ span_id: spanId, call_id: raw }), SPAN_FIELDS, 0.3, new Map());
        });
        const row = hostileRow(h, callRow({ call_id: raw }), CALL_FIELDS, 0.25, call);
        const bodyRow = hostileRow(h, { tenant: 'acme', received_at: row.received_at, call_id: raw, request_text: 'q', response_text: 'a' }, ['request_text', 'response_text', 'received_at'], 0.5, body);
        if (call.has('received_at') && !body.has('received_at')) body.set('received_at', row.received_at);
        store.record(row, spans, bodyRow);
        planned.push({ id: raw.toWellFormed(), call, body, spanIds, refused, malformedId: !raw.isWellFormed() });
        if (i % 3 === 0) {
          const details = h.chance(0.5) ? { v: h.value(), s: h.string() } : (h.value() as Record<string, unknown>);
          entries.push(store.audit.append({ tenant: h.chance(0.3) ? `${run}${h.shortString()}` : run, actor: h.string(), action: h.string(), subject: h.string(), details }));
        }
        // What the ingress does before each answer: the record is in the write-ahead file.
        if (i % 10 === 9) await store.committed();
      }
      while (entries.length < AUDIT_ENTRIES) entries.push(store.audit.append({ tenant: run, actor: h.string(), action: 'a', subject: h.string(), details: { n: h.value() } }));
      await store.committed();
      // The first flush writes the calls and dead-letters the refused ones; the audit entries about those follow.
      await store.writer.flush();
      await store.writer.flush();

      const seed = `seed ${SEED}`;
      expect(errors.map((e) => e.message), seed).toEqual([]);
      expect(store.writer.degraded, seed).toBe(false);

      // Every call not refused: stored exactly once (the raw count, no FINAL), its valid values kept, its repairs named.
      const stored = await store.db.query<Record<string, unknown> & { call_id: string; n: number | string; labels: Record<string, string> }>(
        `SELECT call_id, count() AS n, any(labels) AS labels, ${READ_BACK.map((c) => `any(\`${c}\`) AS \`${c}\``).join(', ')}
         FROM calls WHERE position(call_id, {run:String}) > 0 GROUP BY call_id SETTINGS prefer_column_name_to_alias = 1`,
        { run },
      );
      const byId = new Map(stored.map((r) => [r.call_id, r]));
      const kept = planned.filter((p) => !p.refused);
      const missing = kept.filter((p) => !byId.has(p.id)).map((p) => JSON.stringify(p.id));
      expect(missing, seed).toEqual([]);
      expect(stored.filter((r) => Number(r.n) !== 1).map((r) => r.call_id), seed).toEqual([]);
      expect(stored.length, seed).toBe(kept.length);
      for (const p of kept) {
        const r = byId.get(p.id)!;
        const altered = new Set((r.labels['airlock.altered'] ?? '').split(',').filter(Boolean));
        const touched = new Set([...p.call.keys(), ...[...p.body.keys()].map((f) => `call_bodies.${f}`)]);
        if (p.malformedId) touched.add('call_id').add('call_bodies.call_id');
        if (p.call.has('labels')) touched.add('labels');
        for (const f of altered) expect(touched.has(f), `${seed}: ${p.id} lists ${f} as altered, which it was not given`).toBe(true);
        for (const [f, v] of p.call) {
          if (!STRING_COLUMNS.has(f) || typeof v !== 'string') continue;
          if (v.isWellFormed()) expect(r[f], `${seed}: ${p.id}.${f} kept as given`).toBe(v);
          else {
            expect(r[f], `${seed}: ${p.id}.${f} repaired`).toBe(v.toWellFormed());
            expect(altered.has(f), `${seed}: ${p.id} names ${f} as altered`).toBe(true);
          }
        }
        for (const [f, v] of p.body) if (typeof v === 'string' && !v.isWellFormed()) expect(altered.has(`call_bodies.${f}`), `${seed}: ${p.id} names its body's ${f}`).toBe(true);
      }

      // Spans and bodies of every call, the refused ones included (only their call row was refused).
      const spans = await store.db.query<{ span_id: string; n: number | string }>(
        'SELECT span_id, count() AS n FROM spans WHERE position(span_id, {run:String}) > 0 GROUP BY span_id',
        { run },
      );
      const spanIds = new Set(spans.map((s) => s.span_id));
      expect(planned.flatMap((p) => p.spanIds).filter((s) => !spanIds.has(s)), seed).toEqual([]);
      expect(spans.filter((s) => Number(s.n) !== 1), seed).toEqual([]);
      const bodies = await store.db.query<{ call_id: string; request_text: string; response_text: string }>(
        'SELECT call_id, request_text, response_text FROM call_bodies WHERE position(call_id, {run:String}) > 0',
        { run },
      );
      expect(bodies.length, seed).toBe(planned.length);
      const bodyById = new Map(bodies.map((b) => [b.call_id, b]));
      for (const p of planned) {
        const b = bodyById.get(p.id);
        expect(b, `${seed}: body of ${p.id}`).toBeDefined();
        for (const f of ['request_text', 'response_text'] as const) {
          const v = p.body.get(f);
          if (wellFormedString(v)) expect(b![f], `${seed}: ${p.id} body ${f}`).toBe(v);
        }
      }

      // The refused calls: isolated (the rest of their batch is stored), in the dead-letter file, audited, counted.
      const refused = planned.filter((p) => p.refused).map((p) => p.id);
      expect(refused.length).toBeGreaterThan(5);
      expect(store.writer.stats.deadLettered, seed).toBe(refused.length);
      const walDir = options(dir).walDir ?? join(dir, 'wal');
      const letters = (await readFile(join(walDir, 'dead-letter.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { table: string; code: number; row: { call_id: string } });
      expect(letters.map((l) => l.row.call_id).sort(), seed).toEqual([...refused].sort());
      expect(new Set(letters.map((l) => `${l.table} ${l.code}`)), seed).toEqual(new Set(['calls 469']));
      const deadLetterAudits = await store.db.query<{ details: string }>("SELECT details FROM audit_trail WHERE action = 'store.dead_letter' AND subject = 'calls'");
      const audited = deadLetterAudits.flatMap((a) => (JSON.parse(a.details) as { ids: string[] }).ids);
      expect(audited.sort(), seed).toEqual(refused.map((id) => id.slice(0, 100)).sort());

      // Every audit entry, as appended (its hash covers what was stored), and every trail it touched verifies.
      const trail = await store.db.query<{ tenant: string; seq: number | string; hash: string; mac: string; details: string }>(
        'SELECT tenant, seq, hash, mac, details FROM audit_trail WHERE hash IN {hashes:Array(String)}',
        { hashes: entries.map((e) => e.hash) },
      );
      const byHash = new Map(trail.map((t) => [t.hash, t]));
      for (const e of entries) expect(byHash.get(e.hash), `${seed}: audit ${e.tenant} #${e.seq}`).toMatchObject({ tenant: e.tenant, seq: e.seq, mac: e.mac, details: e.details });
      for (const tenant of new Set([...entries.map((e) => e.tenant), 'acme'])) {
        const result = await store.audit.verify(tenant);
        expect(result, `${seed}: trail of ${JSON.stringify(tenant)}`).toMatchObject({ ok: true });
      }
      expect(store.writer.stats.altered, seed).toBeGreaterThan(CALLS);
    });
  });
}

propertySuite('record path on embedded chdb', (dir) => ({ kind: 'embedded', path: join(dir, 'clickhouse') }));

describe('record path on the server adapter against a real ClickHouse HTTP endpoint', () => {
  let server: ChdbHttpServer;
  let serverDir: string;
  beforeAll(async () => {
    serverDir = await mkdtemp(join(tmpdir(), 'airlock-property-server-'));
    server = await startChdbHttpServer(join(serverDir, 'data'));
  });
  afterAll(async () => {
    await server.kill();
    await rm(serverDir, { recursive: true, force: true });
  });
  propertySuite('server (@clickhouse/client)', (dir) => ({ kind: 'server', url: process.env.AIRLOCK_TEST_CLICKHOUSE_URL ?? server.url, walDir: join(dir, 'wal') }));
});
