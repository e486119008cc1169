/**
 * No request can blind the record, through a running gateway with its default policy bundle and embedded chdb:
 * a chat call whose model is a lone UTF-16 surrogate (a raw `\ud800` JSON escape), sent with an ordinary user key,
 * once made ClickHouse refuse every later batch. Now it is stored, repaired and marked altered, and the calls after
 * it are all stored, with the audit trail intact. A call ClickHouse does refuse (a constraint an operator added)
 * is isolated from its batch into the dead-letter file, audited and counted in /metrics.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let stateDir: string;
let walDir: string;
let userKey: string;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(gw.url + path, { ...init, headers: { authorization: `Bearer ${gw.adminKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

/** A chat call with the body sent as given (so it can hold JSON escapes no JS string literal survives). */
async function chat(rawBody: string): Promise<{ status: number; id: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${userKey}` }, body: rawBody });
  await res.arrayBuffer();
  return { status: res.status, id: res.headers.get('x-airlock-call-id')! };
}

const good = (i: number): string => JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: `good call ${i}` }] });

async function storedCalls(ids: readonly string[]): Promise<Map<string, { requested_model: string; labels: Record<string, string>; n: number }>> {
  const rows = await gw.app.airlock.store!.db.query<{ call_id: string; requested_model: string; labels: Record<string, string>; n: number | string }>(
    'SELECT call_id, any(requested_model) AS requested_model, any(labels) AS labels, count() AS n FROM calls WHERE call_id IN {ids:Array(String)} GROUP BY call_id',
    { ids },
  );
  return new Map(rows.map((r) => [r.call_id, { ...r, n: Number(r.n) }]));
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  // The audit keys and checkpoints go beside the write-ahead directory: a directory of this test's own.
  stateDir = await mkdtemp(join(tmpdir(), 'airlock-hostile-'));
  walDir = join(stateDir, 'wal');
  gw = await startGateway({
    ...fakeUpstreamConfig(upstream),
    store: { kind: 'embedded', path: 'data/clickhouse', wal_dir: walDir },
    policy: { enabled: true, watch: false },
  });
  // An ordinary key: role user, in a team of its own.
  userKey = (await gw.keyStore.create({ tenant: 'default', team: 'platform', user: 'mallory', roles: ['user'] })).plainKey;
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('a request holding a lone surrogate', () => {
  it('is recorded repaired and marked altered; the 20 calls after it are all stored; the audit trail stays intact', async () => {
    expect((await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ team: 'risk', user: 'before' }) })).status).toBe(201);
    const bad = await chat('{"model":"\\ud800","messages":[{"role":"user","content":"hi"}]}');
    expect(bad.status).toBeLessThan(500);
    // Every other recorded string at once: the caller's user, metadata and message name, the text itself.
    const bad2 = await chat('{"model":"gpt-test","user":"\\udfff","metadata":{"k":"\\ud800"},"messages":[{"role":"user","name":"x\\udc00","content":"lone \\ud83d and NUL \\u0000"}]}');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await chat(good(i));
      expect(r.status).toBe(200);
      ids.push(r.id);
    }
    expect((await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ team: 'risk', user: 'after' }) })).status).toBe(201);
    await gw.app.airlock.store!.writer.flush();

    const stored = await storedCalls([bad.id, bad2.id, ...ids]);
    expect(ids.filter((id) => stored.get(id)?.n !== 1)).toEqual([]);
    expect(stored.get(bad.id)).toMatchObject({ requested_model: '\ufffd', n: 1 });
    expect(stored.get(bad.id)!.labels['airlock.altered']!.split(',')).toContain('requested_model');
    expect(stored.get(bad2.id)).toMatchObject({ n: 1 });
    // The bodies are stored as JSON text, where a lone surrogate is an escape: kept exactly, nothing to repair.
    const [body] = await gw.app.airlock.store!.db.query<{ request_text: string }>('SELECT request_text FROM call_bodies WHERE call_id = {id:String}', { id: bad2.id });
    expect(JSON.parse(body!.request_text)).toMatchObject({ user: '\udfff', metadata: { k: '\ud800' }, messages: [{ name: 'x\udc00', content: 'lone \ud83d and NUL \u0000' }] });
    for (const id of ids) expect(stored.get(id)!.labels['airlock.altered']).toBeUndefined();
    expect(gw.app.airlock.store!.writer.stats).toMatchObject({ deadLettered: 0, failures: 0 });
    expect(gw.app.airlock.store!.writer.degraded).toBe(false);

    const verify = (await (await admin('/admin/audit/verify')).json()) as { ok: boolean; entries: number };
    expect(verify).toMatchObject({ ok: true });
    const trail = await gw.app.airlock.store!.audit.entries('default');
    const created = trail.filter((e) => e.action === 'key.created').map((e) => JSON.parse(e.details) as Record<string, unknown>);
    expect(created.map((d) => JSON.stringify(d))).toEqual(expect.arrayContaining([expect.stringContaining('before'), expect.stringContaining('after')]));
  });

  it('a call ClickHouse refuses is isolated from its batch, dead-lettered, audited and counted; the rest is written', async () => {
    const store = gw.app.airlock.store!;
    await store.db.command("ALTER TABLE calls ADD CONSTRAINT refuse_model CHECK requested_model != 'refused-by-store'");
    try {
      const before = [];
      for (let i = 0; i < 5; i++) before.push((await chat(good(100 + i))).id);
      const refused = await chat(JSON.stringify({ model: 'refused-by-store', messages: [{ role: 'user', content: 'x' }] }));
      const after = [];
      for (let i = 0; i < 5; i++) after.push((await chat(good(200 + i))).id);
      // All eleven in one batch; the audit entry about the refused row is written by the next.
      await store.writer.flush();
      await store.writer.flush();

      const stored = await storedCalls([...before, refused.id, ...after]);
      expect([...before, ...after].filter((id) => stored.get(id)?.n !== 1)).toEqual([]);
      expect(stored.has(refused.id)).toBe(false);
      const letters = (await readFile(join(walDir, 'dead-letter.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { table: string; row: { call_id: string } });
      expect(letters).toMatchObject([{ table: 'calls', row: { call_id: refused.id } }]);
      const entries = await store.audit.entries('default');
      const audited = entries.filter((e) => e.action === 'store.dead_letter');
      expect(audited).toHaveLength(1);
      expect(JSON.parse(audited[0]!.details)).toMatchObject({ rows: 1, ids: [refused.id], code: 469 });
      const metrics = await (await admin('/metrics')).text();
      expect(metrics).toMatch(/^airlock_store_rows\{outcome="dead_lettered"\} 1$/m);
      expect(((await (await admin('/admin/audit/verify')).json()) as { ok: boolean }).ok).toBe(true);
    } finally {
      await store.db.command('ALTER TABLE calls DROP CONSTRAINT refuse_model');
    }
  });
});
