/**
 * The store's behaviour on real ClickHouse, the same suite and SQL on both adapters: embedded chdb, and a ClickHouse
 * HTTP endpoint started for the test (or the server AIRLOCK_TEST_CLICKHOUSE_URL names).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chTime, entryHash, exportAudit, migrate, openStore, type StoreOptions, type TraceStore } from '../src/index.js';
import { startChdbHttpServer, type ChdbHttpServer } from './chdb-http-server.js';
import { callRow, spanRow } from './fixtures.js';

const at = (min: number, sec = 0, ms = 0): string => chTime(Date.UTC(2026, 10, 24, 12, min, sec, ms));

function storeSuite(name: string, options: (dir: string) => StoreOptions): void {
  describe(name, () => {
    let dir: string;
    let store: TraceStore;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'airlock-ch-'));
      store = await openStore({ ...options(dir), flushIntervalMs: 50 });
    });
    afterAll(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('migrations are recorded and idempotent', async () => {
      expect(await migrate(store.db)).toEqual([]);
      const names = (await store.db.query<{ name: string }>('SELECT name FROM schema_migrations FINAL ORDER BY version')).map((r) => r.name);
      expect(names).toEqual(['0001_create_calls', '0002_create_call_bodies', '0003_create_spans', '0004_create_audit_log', '0005_create_api_keys', '0006_create_audit_trail', '0007_create_approval_events']);
    });

    it('records calls with spans and bodies, lists them newest first with a cursor, and scopes by tenant', async () => {
      for (let i = 0; i < 5; i++) {
        store.record(
          callRow({ call_id: `c${i}`, received_at: at(1, i), status: i === 4 ? 502 : 200, team: i % 2 ? 'risk' : 'support' }),
          [spanRow({ span_id: `s${i}`, call_id: `c${i}` })],
          { tenant: 'acme', received_at: at(1, i), call_id: `c${i}`, request_text: `prompt <EMAIL_1> ${i}`, response_text: 'ok' },
        );
      }
      store.record(callRow({ call_id: 'other-tenant', tenant: 'globex', received_at: at(1, 9) }), []);
      await store.writer.flush();
      const page1 = await store.calls.list('acme', { limit: 2 });
      expect(page1.calls.map((c) => c.call_id)).toEqual(['c4', 'c3']);
      const page2 = await store.calls.list('acme', { limit: 2, cursor: page1.next! });
      expect(page2.calls.map((c) => c.call_id)).toEqual(['c2', 'c1']);
      expect((await store.calls.list('acme', { team: 'risk' })).calls.map((c) => c.call_id)).toEqual(['c3', 'c1']);
      expect((await store.calls.list('acme', { status: 'error' })).calls.map((c) => c.call_id)).toEqual(['c4']);
      store.record(callRow({ call_id: 'pii-email', received_at: chTime(Date.UTC(2026, 10, 24, 11, 0, 1)), pii_counts: { EMAIL: 2 } }), []);
      store.record(callRow({ call_id: 'pii-phone', received_at: chTime(Date.UTC(2026, 10, 24, 11, 0, 2)), pii_counts: { PHONE: 1, EMAIL: 0 } }), []);
      await store.writer.flush();
      expect((await store.calls.list('acme', { pii: 'EMAIL' })).calls.map((c) => c.call_id)).toEqual(['pii-email']);
      expect((await store.calls.list('acme', { pii: 'PHONE,IBAN' })).calls.map((c) => c.call_id)).toEqual(['pii-phone']);
      expect((await store.calls.list('acme', { pii: 'any' })).calls.map((c) => c.call_id)).toEqual(['pii-phone', 'pii-email']);
      expect((await store.calls.list('globex', { pii: 'any' })).calls).toEqual([]);
      expect((await store.calls.list('globex', {})).calls.map((c) => c.call_id)).toEqual(['other-tenant']);
      const one = await store.calls.get('acme', 'c2');
      expect(one?.call).toMatchObject({ call_id: 'c2', requested_model: 'gpt-4o', input_tokens: 10 });
      expect(one?.spans).toHaveLength(1);
      expect(one?.body).toMatchObject({ request_text: 'prompt <EMAIL_1> 2' });
      expect(await store.calls.get('globex', 'c2')).toBeNull();
      expect(await store.calls.trace('globex', one!.call.trace_id as string)).toEqual([]);
    });

    it('serves runs in order and the bottleneck and process-map views', async () => {
      const steps = [
        ['extract', 0, 1000],
        ['classify', 2000, 500],
        ['approve', 5000, 3000],
      ] as const;
      for (const run of ['r1', 'r2']) {
        for (const [step, offset, duration] of steps) {
          const ms = Date.UTC(2026, 10, 24, 13, 0, 0) + offset + (run === 'r2' ? 60_000 : 0);
          store.record(callRow({ call_id: `${run}-${step}`, received_at: chTime(ms), workflow: 'invoice', run_id: run, step, duration_ms: duration }), []);
        }
      }
      await store.writer.flush();
      expect((await store.calls.run('acme', 'r1')).map((c) => c.step)).toEqual(['extract', 'classify', 'approve']);
      // Another tenant sees none of acme's run, steps or transitions.
      expect(await store.calls.run('globex', 'r1')).toEqual([]);
      expect(await store.metrics.steps('globex', { workflow: 'invoice' })).toEqual([]);
      expect(await store.metrics.transitions('globex', { workflow: 'invoice' })).toEqual([]);
      const byStep = Object.fromEntries((await store.metrics.steps('acme', { workflow: 'invoice' })).map((s) => [s.step as string, s]));
      expect(Number(byStep.approve!.calls)).toBe(2);
      expect(Number(byStep.approve!.p50_ms)).toBe(3000);
      // classify starts 2000 ms after extract started and 1000 ms after it ended.
      expect(Number(byStep.classify!.avg_wait_ms)).toBe(1000);
      expect(Number(byStep.approve!.avg_wait_ms)).toBe(2500);
      const transitions = await store.metrics.transitions('acme', { workflow: 'invoice' });
      expect(transitions.map((t) => [t.from_step, t.to_step, Number(t.count), Number(t.avg_ms)])).toEqual([
        ['classify', 'approve', 2, 3000],
        ['extract', 'classify', 2, 2000],
      ]);
      const map = await store.metrics.processMap('acme', { workflow: 'invoice' });
      expect(map).toMatchObject({ workflow: 'invoice', runs: 2, truncated: false, variants: [{ path: ['extract', 'classify', 'approve'], runs: 2, share: 1, median_ms: 8000 }] });
      expect(map.edges.find((e) => e.source === 'classify' && e.target === 'approve')).toMatchObject({ count: 2, median_ms: 2500, on_top_path: true });
      expect(map.nodes[0]).toMatchObject({ id: 'approve', kind: 'model', count: 2, median_ms: 3000, total_ms: 6000 });
      expect((await store.metrics.processMap('acme', { workflow: 'invoice', max_runs: 1 })).runs).toBe(1);
      expect(await store.metrics.processMap('globex', { workflow: 'invoice' })).toMatchObject({ runs: 0, nodes: [], edges: [] });
    });

    it('computes KPIs per bucket and group', async () => {
      const rows = await store.metrics.kpis('acme', { from: '2026-11-24T12:00:00Z', to: '2026-11-24T12:59:59Z', bucket: 'hour', group_by: 'team' });
      const support = rows.find((r) => r.key === 'support')!;
      expect(Number(support.calls)).toBe(3);
      expect(Number(support.errors)).toBe(1);
      expect(Number(support.cost_micros)).toBe(225);
    });

    it('keeps a tamper-evident audit chain per tenant and names the first broken link', async () => {
      for (let i = 0; i < 4; i++) store.audit.append({ tenant: 'acme', actor: 'admin', action: 'key.created', subject: `key_${i}`, details: { i } });
      store.audit.append({ tenant: 'other', actor: 'admin', action: 'key.created', subject: 'key_x' });
      await store.writer.flush();
      expect(await store.audit.verify('acme')).toMatchObject({ ok: true, entries: 4, sealed: true });
      expect(await store.audit.verify('initech')).toMatchObject({ ok: true, entries: 0 });
      const entries = await store.audit.entries('acme');
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect((await store.audit.entries('other')).map((e) => [e.tenant, e.seq])).toEqual([['other', 1]]);
      expect(entries[1]!.prev_hash).toBe(entries[0]!.hash);
      expect(entryHash(entries[2]!)).toBe(entries[2]!.hash);
      expect(exportAudit(entries, 'csv').split('\n')[0]).toBe('tenant,seq,at,actor,action,subject,details,prev_hash,hash,mac');
      expect(exportAudit(entries, 'jsonl').trim().split('\n')).toHaveLength(4);

      // A rewritten entry (a newer row for seq 2 with changed details but the old hash) is caught.
      const forged = { ...entries[1]!, details: '{"i":99}' };
      await store.db.insert('audit_trail', [forged]);
      expect(await store.audit.verify('acme')).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: expect.stringMatching(/changed after it was written/) } });
      await store.db.insert('audit_trail', [{ ...entries[1]! }]);
      expect((await store.audit.verify('acme')).ok).toBe(true);

      await store.db.command("DELETE FROM audit_trail WHERE tenant = 'acme' AND seq = 3");
      expect(await store.audit.verify('acme')).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
      // Another tenant's trail is unaffected, and says nothing of acme's.
      expect(await store.audit.verify('other')).toMatchObject({ ok: true, entries: 1 });
    });

    it('stores API keys shared between replicas, with revocation', async () => {
      const key = await store.keys.insert({ id: 'key_a', hash: 'a'.repeat(64), prefix: 'alk_abcd', tenant: 'acme', team: 't', user: 'u', roles: ['user'] });
      expect(key.revoked_at).toBeNull();
      expect((await store.keys.findByHash('a'.repeat(64)))?.id).toBe('key_a');
      await store.keys.insert({ id: 'key_b', hash: 'b'.repeat(64), prefix: 'alk_bcde', tenant: 'globex', team: 't', user: 'u', roles: ['admin'] });
      // A tenant neither lists nor revokes another tenant's key: to it, that key does not exist.
      expect(await store.keys.revoke('globex', 'key_a')).toBe(false);
      expect((await store.keys.list('globex')).map((k) => k.id)).toEqual(['key_b']);
      expect(await store.keys.revoke('acme', 'key_a')).toBe(true);
      const listed = await store.keys.list('acme');
      expect(listed.map((k) => k.id)).toEqual(['key_a']);
      expect(listed[0]!.revoked_at).not.toBeNull();
      expect((await store.keys.list('globex'))[0]!.revoked_at).toBeNull();
      expect(await store.keys.revoke('acme', 'nope')).toBe(false);
    });
  });
}

storeSuite('embedded (chdb)', (dir) => ({ kind: 'embedded', path: join(dir, 'clickhouse') }));

describe('server adapter against a real ClickHouse HTTP endpoint', () => {
  let server: ChdbHttpServer;
  let serverDir: string;
  beforeAll(async () => {
    serverDir = await mkdtemp(join(tmpdir(), 'airlock-ch-server-'));
    server = await startChdbHttpServer(join(serverDir, 'data'));
  });
  afterAll(async () => {
    await server.kill();
    await rm(serverDir, { recursive: true, force: true });
  });
  storeSuite('server (@clickhouse/client)', (dir) => ({ kind: 'server', url: process.env.AIRLOCK_TEST_CLICKHOUSE_URL ?? server.url, walDir: join(dir, 'wal') }));
});
