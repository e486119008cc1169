/**
 * Keys in the trace store's ClickHouse, shared by every gateway replica (the store caches them in memory).
 */
import type { KeysRepository, StoredKey } from '@airlock/clickhouse';
import { mintKey, type KeyRecord, type KeyStore, type NewKey } from './key-store.js';

const toRecord = (k: StoredKey): KeyRecord => ({ ...k, roles: [...k.roles] });

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

  async list(): Promise<KeyRecord[]> {
    return (await this.repo.list()).map(toRecord);
  }

  revoke(id: string): Promise<boolean> {
    return this.repo.revoke(id);
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const k = await this.repo.findByHash(hash);
    return k ? toRecord(k) : undefined;
  }
}
