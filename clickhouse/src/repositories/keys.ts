/**
 * Virtual API keys in ClickHouse, so that several gateway replicas share one store. Reads go through an in-memory
 * map refreshed periodically and on a miss; writes go straight to ClickHouse (they are rare and must not be lost).
 */
import type { ClickHouseAdapter } from '../adapter.js';
import { TABLES, chTime } from '../tables.js';

export interface StoredKey {
  id: string;
  hash: string;
  prefix: string;
  tenant: string;
  team: string;
  user: string;
  roles: string[];
  created_at: string;
  revoked_at: string | null;
}

const REFRESH_MS = 5_000;

const COLUMNS = `id, hash, prefix, tenant, team, user, roles, toString(created_at) AS created_at,
  if(isNull(revoked_at), NULL, toString(revoked_at)) AS revoked_at`;

export class KeysRepository {
  #byHash = new Map<string, StoredKey>();
  #loadedAt = 0;

  constructor(private readonly db: ClickHouseAdapter) {}

  /** Every tenant's keys: only the hash cache that authenticates calls reads them all. */
  async #load(): Promise<StoredKey[]> {
    const rows = await this.db.query<StoredKey>(`SELECT ${COLUMNS} FROM ${TABLES.apiKeys} FINAL ORDER BY created_at, id`);
    this.#byHash = new Map(rows.map((r) => [r.hash, r]));
    this.#loadedAt = Date.now();
    return rows;
  }

  async #put(key: StoredKey): Promise<void> {
    await this.db.insert(TABLES.apiKeys, [{ ...key, version: Date.now() * 1000 + Math.floor(Math.random() * 1000) }]);
    this.#byHash.set(key.hash, key);
  }

  async insert(key: Omit<StoredKey, 'created_at' | 'revoked_at'>): Promise<StoredKey> {
    const stored: StoredKey = { ...key, created_at: chTime(Date.now()), revoked_at: null };
    await this.#put(stored);
    return stored;
  }

  /** One tenant's keys, oldest first. */
  list(tenant: string): Promise<StoredKey[]> {
    return this.db.query<StoredKey>(`SELECT ${COLUMNS} FROM ${TABLES.apiKeys} FINAL WHERE tenant = {tenant:String} ORDER BY created_at, id`, { tenant });
  }

  /** False when the tenant has no key with this id: another tenant's key is, to this tenant, no key at all. */
  async revoke(tenant: string, id: string): Promise<boolean> {
    const [key] = await this.db.query<StoredKey>(`SELECT ${COLUMNS} FROM ${TABLES.apiKeys} FINAL WHERE tenant = {tenant:String} AND id = {id:String} LIMIT 1`, { tenant, id });
    if (!key) return false;
    if (!key.revoked_at) await this.#put({ ...key, revoked_at: chTime(Date.now()) });
    return true;
  }

  /** Answers from memory, without a promise, unless the cache is due for a refresh (or misses and may be stale). */
  findByHash(hash: string): StoredKey | undefined | Promise<StoredKey | undefined> {
    const age = Date.now() - this.#loadedAt;
    const due = age > REFRESH_MS || (!this.#byHash.has(hash) && (age > 1_000 || this.#loadedAt === 0));
    if (!due) return this.#byHash.get(hash);
    return this.#load().then(() => this.#byHash.get(hash));
  }
}
