/**
 * Keys in the trace store's ClickHouse, shared by every gateway replica (the store caches them in memory).
 */
import type { KeysRepository, StoredKey } from '@airlock/clickhouse';
import { mintKey, type KeyRecord, type KeyStore, type NewKey } from './key-store.js';

const toRecord = (k: StoredKey): KeyRecord => ({ ...k, roles: [...k.roles] });

/** Stored keys are replaced, never changed, when revoked or reloaded: one record per stored key object is enough. */
const records = new WeakMap<StoredKey, KeyRecord>();

function recordOf(k: StoredKey | undefined): KeyRecord | undefined {
  if (!k) return undefined;
  let r = records.get(k);
  if (!r) records.set(k, (r = toRecord(k)));
  return r;
}

export class ClickHouseKeyStore implements KeyStore {
  constructor(private readonly repo: KeysRepository) {}

  async create(key: NewKey): Promise<{ record: KeyRecord; plainKey: string }> {
    const { plainKey, ...minted } = mintKey();
    const stored = await this.repo.insert({
      ...minted,
      tenant: key.tenant,
      team: key.team,
      user: key.user,
      roles: [...key.roles],
    });
    return { record: toRecord(stored), plainKey };
  }

  async list(tenant: string): Promise<KeyRecord[]> {
    return (await this.repo.list(tenant)).map(toRecord);
  }

  revoke(tenant: string, id: string): Promise<boolean> {
    return this.repo.revoke(tenant, id);
  }

  findByHash(hash: string): KeyRecord | undefined | Promise<KeyRecord | undefined> {
    const k = this.repo.findByHash(hash);
    return k instanceof Promise ? k.then(recordOf) : recordOf(k);
  }
}
