/**
 * The audit trail against someone who can write to ClickHouse but holds neither audit key: every tampering is
 * done with plain SQL through the store's own connection, on both adapters, and verification must name where the
 * trail breaks. Each test works in its own tenant, whose trail is numbered from 1.
 */
import { readFile, rm, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditKeys, entryHash, openStore, parseCheckpoints, type AuditEntry, type StoreOptions, type TraceStore } from '../src/index.js';
import { startChdbHttpServer, type ChdbHttpServer } from './chdb-http-server.js';

const TABLE = 'audit_trail';

function auditSuite(name: string, options: (dir: string) => StoreOptions): void {
  describe(name, () => {
    let dir: string;
    let store: TraceStore;
    let tenantNo = 0;
    const checkpointFile = (): string => join(dir, 'audit-checkpoints.jsonl');

    const open = (): Promise<TraceStore> => openStore({ ...options(dir), flushIntervalMs: 50, audit: { checkpointIntervalMs: 0 } });
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'airlock-audit-'));
      store = await open();
    });
    afterAll(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** A tenant with `n` entries, stored, and (unless told not to) a checkpoint of its head. */
    async function trail(n: number, checkpoint = true): Promise<{ tenant: string; entries: AuditEntry[] }> {
      const tenant = `t${++tenantNo}`;
      for (let i = 1; i <= n; i++) store.audit.append({ tenant, actor: 'admin', action: 'key.created', subject: `key_${i}`, details: { i } });
      await store.writer.flush();
      if (checkpoint) store.audit.checkpoint();
      const entries = await store.audit.entries(tenant);
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: true, entries: n, sealed: true });
      return { tenant, entries };
    }
    const put = (rows: readonly AuditEntry[]): Promise<void> => store.db.insert(TABLE, rows.map((r) => ({ ...r })));
    const remove = (tenant: string, where: string): Promise<void> => store.db.command(`DELETE FROM ${TABLE} WHERE tenant = '${tenant}' AND ${where}`);
    /** What an attacker who knows the hashing but not the HMAC key can do: recompute hashes, copy the seals. */
    function rechain(entries: readonly AuditEntry[], fromSeq: number, prevHash: string): AuditEntry[] {
      let prev = prevHash;
      return entries.map((e, i) => {
        const base = { ...e, seq: fromSeq + i, prev_hash: prev };
        const hash = entryHash(base);
        prev = hash;
        return { ...base, hash };
      });
    }

    it('an intact trail verifies, with sequence numbers per tenant, seals and a matching checkpoint', async () => {
      const a = await trail(3);
      const b = await trail(2);
      expect(b.entries[0]!.seq).toBe(1);
      const result = await store.audit.verify(a.tenant);
      expect(result).toMatchObject({ ok: true, tenant: a.tenant, entries: 3, head: { seq: 3, hash: a.entries[2]!.hash }, checkpoints: { checked: 1, latest: { seq: 3 }, unanchored: 0 } });
      expect(a.entries.every((e) => /^[0-9a-f]{64}$/.test(e.mac))).toBe(true);
      // A tenant's checkpoints are its own.
      expect(store.audit.checkpoints(b.tenant).map((c) => [c.tenant, c.seq])).toEqual([[b.tenant, 2]]);
    });

    it('an entry edited in place is named', async () => {
      const { tenant, entries } = await trail(6);
      await put([{ ...entries[2]!, details: '{"i":99}' }]);
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringMatching(/changed after it was written/) } });
    });

    it('the last entry rewritten with a recomputed hash fails its HMAC, even with no checkpoint', async () => {
      const { tenant, entries } = await trail(6, false);
      const [forged] = rechain([{ ...entries[5]!, details: '{"i":"nothing to see"}' }], 6, entries[4]!.hash);
      await put([forged!]);
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: expect.stringMatching(/HMAC does not match/) } });
    });

    it('the newest five entries deleted: the chain still links, the checkpoint names the cut', async () => {
      const { tenant } = await trail(10);
      await remove(tenant, 'seq > 5');
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, entries: 5, firstBroken: { seq: 6, reason: expect.stringMatching(/ends at entry 5.*up to 10.*newest 5 entries were deleted/) } });
    });

    it('a row deleted and the rest re-chained and renumbered fails the HMAC at the first renumbered entry', async () => {
      const { tenant, entries } = await trail(10);
      await remove(tenant, 'seq >= 4');
      await put(rechain(entries.slice(4), 4, entries[2]!.hash));
      const result = await store.audit.verify(tenant);
      expect(result).toMatchObject({ ok: false, entries: 9, firstBroken: { seq: 4, reason: expect.stringMatching(/HMAC does not match.*re-chained/) } });
    });

    it('a row deleted from the middle (not re-chained) names the missing number', async () => {
      const { tenant } = await trail(8);
      await remove(tenant, 'seq = 5');
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: expect.stringMatching(/entry 5 is missing/) } });
    });

    it('two entries swapped (reordered) are caught at the first of them', async () => {
      const { tenant, entries } = await trail(6);
      await remove(tenant, 'seq IN (3, 4)');
      await put([{ ...entries[3]!, seq: 3 }, { ...entries[2]!, seq: 4 }]);
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: expect.stringMatching(/prev_hash does not match/) } });
    });

    it('the whole trail truncated is caught against the checkpoint', async () => {
      const { tenant } = await trail(4);
      await remove(tenant, '1 = 1');
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, entries: 0, firstBroken: { seq: 1, reason: expect.stringMatching(/ends at entry 0.*newest 4 entries were deleted/) } });
    });

    it('a whole trail rewritten under its checkpoint (re-chained from genesis) is caught', async () => {
      const { tenant, entries } = await trail(4);
      await remove(tenant, '1 = 1');
      await put(rechain(entries.map((e) => ({ ...e, details: '{}' })), 1, '0'.repeat(64)));
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: expect.stringMatching(/HMAC/) } });
    });

    it('an edited checkpoint (lowered to hide a truncation) fails its signature and is named', async () => {
      const { tenant, entries } = await trail(10);
      await remove(tenant, 'seq > 5');
      const text = await readFile(checkpointFile(), 'utf8');
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { tenant: string; seq: number; head: string });
      const edited = lines.map((c) => (c.tenant === tenant ? { ...c, seq: 5, head: entries[4]!.hash } : c));
      const external = join(dir, 'edited-checkpoints.jsonl');
      await writeFile(external, edited.map((c) => JSON.stringify(c)).join('\n') + '\n');
      const result = await store.audit.verify(tenant, { checkpoints: parseCheckpoints(await readFile(external, 'utf8')) });
      expect(result).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: expect.stringMatching(/invalid signature/) } });
      // A checkpoint signed with some other key is not taken either.
      const other = new AuditKeys(null, (await import('node:crypto')).generateKeyPairSync('ed25519').privateKey);
      expect(await store.audit.verify(tenant, { publicKey: other.publicKey })).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/not by the given public key/) } });
    });

    it('after a restart that lost stored entries, numbering resumes after the checkpoint and the gap is named', async () => {
      const { tenant } = await trail(5);
      // As if the last entries never reached the store (a kill before they were written).
      await remove(tenant, 'seq > 3');
      await store.close();
      store = await open();
      const next = store.audit.append({ tenant, actor: 'admin', action: 'key.created', subject: 'after-restart' });
      expect(next.seq).toBe(6);
      await store.writer.flush();
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: expect.stringMatching(/entries 4–5 are missing/) } });
    });

    it('closing the store writes a checkpoint of every trail it moved, and only those', async () => {
      store.audit.checkpoint();
      const before = parseCheckpoints(await readFile(checkpointFile(), 'utf8')).length;
      const tenant = `t${++tenantNo}`;
      store.audit.append({ tenant, actor: 'admin', action: 'policy.reloaded', subject: 'r1' });
      await store.close();
      const after = parseCheckpoints(await readFile(checkpointFile(), 'utf8'));
      expect(after.slice(before).map((l) => ('checkpoint' in l ? [l.checkpoint.tenant, l.checkpoint.seq] : l.error))).toEqual([[tenant, 1]]);
      store = await open();
      expect(await store.audit.verify(tenant)).toMatchObject({ ok: true, entries: 1, checkpoints: { checked: 1, unanchored: 0 } });
      // Nothing appended since: closing again signs nothing new.
      await store.close();
      expect(parseCheckpoints(await readFile(checkpointFile(), 'utf8'))).toHaveLength(after.length);
      store = await open();
    });

    it('keeps the keys outside the store, in files readable by their owner only', async () => {
      for (const f of ['audit.key', 'audit-signing.key']) expect((await stat(join(dir, f))).mode & 0o777).toBe(0o600);
      const tables = await store.db.query<{ s: string }>(`SELECT concat(details, actor, subject) AS s FROM ${TABLE}`);
      const secret = (await readFile(join(dir, 'audit.key'), 'utf8')).trim();
      expect(tables.some((r) => r.s.includes(secret))).toBe(false);
    });
  });
}

auditSuite('audit trail on embedded chdb', (dir) => ({ kind: 'embedded', path: join(dir, 'clickhouse') }));

describe('audit trail on the server adapter against a real ClickHouse HTTP endpoint', () => {
  let server: ChdbHttpServer;
  let serverDir: string;
  beforeAll(async () => {
    serverDir = await mkdtemp(join(tmpdir(), 'airlock-audit-server-'));
    server = await startChdbHttpServer(join(serverDir, 'data'));
  });
  afterAll(async () => {
    await server.kill();
    await rm(serverDir, { recursive: true, force: true });
  });
  auditSuite('server (@clickhouse/client)', (dir) => ({ kind: 'server', url: process.env.AIRLOCK_TEST_CLICKHOUSE_URL ?? server.url, walDir: join(dir, 'wal') }));
});
