import { describe, expect, it } from 'vitest';
import type { KeysRepository, StoredKey } from '@airlock/clickhouse';
import { ClickHouseKeyStore } from './clickhouse-key-store.js';
import { hashKey } from './key-store.js';

/** The repository as the store's cache presents it: stored keys replaced, never changed. */
function repository() {
  const keys: StoredKey[] = [];
  const repo = {
    insert: async (k: Omit<StoredKey, 'created_at' | 'revoked_at'>) => {
      const stored = { ...k, created_at: '2026-01-01 00:00:00', revoked_at: null } as StoredKey;
      keys.push(stored);
      return stored;
    },
    list: async (tenant: string) => keys.filter((k) => k.tenant === tenant),
    revoke: async (tenant: string, id: string) => {
      const i = keys.findIndex((k) => k.tenant === tenant && k.id === id);
      if (i < 0) return false;
      keys[i] = { ...keys[i]!, revoked_at: '2026-01-02 00:00:00' };
      return true;
    },
    findByHash: (hash: string) => keys.find((k) => k.hash === hash),
  };
  return repo as unknown as KeysRepository;
}

describe('ClickHouse key store', () => {
  it('mints a key whose plain text is never stored, and finds it by hash as the same record each time', async () => {
    const store = new ClickHouseKeyStore(repository());
    const { record, plainKey } = await store.create({ tenant: 'acme', team: 't', user: 'u', roles: ['user'] });
    expect(record.hash).toBe(hashKey(plainKey));
    expect(JSON.stringify(record)).not.toContain(plainKey);
    const a = store.findByHash(record.hash);
    expect(a).toMatchObject({ id: record.id, tenant: 'acme' });
    expect(store.findByHash(record.hash)).toBe(a);
    expect(store.findByHash('0'.repeat(64))).toBeUndefined();
  });

  it('lists and revokes per tenant; a revoked key is a new record', async () => {
    const store = new ClickHouseKeyStore(repository());
    const { record } = await store.create({ tenant: 'acme', team: 't', user: 'u', roles: ['user'] });
    expect(await store.list('other')).toEqual([]);
    expect(await store.revoke('other', record.id)).toBe(false);
    expect(await store.revoke('acme', record.id)).toBe(true);
    expect((store.findByHash(record.hash) as { revoked_at: string | null }).revoked_at).toBeTruthy();
  });
});
