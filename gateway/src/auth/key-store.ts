/**
 * Virtual API keys. Only a SHA-256 of each key is stored; the plain key is shown once, at creation.
 * The KeyStore interface lets a shared store (ClickHouse, for several replicas) replace the local file store.
 */
import { hash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const KEY_PREFIX = 'alk_';
const RELOAD_INTERVAL_MS = 1_000;

export const KeyRecordSchema = z
  .object({
    id: z.string(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    prefix: z.string(),
    tenant: z.string(),
    team: z.string(),
    user: z.string(),
    roles: z.array(z.string()),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .strict();
export type KeyRecord = z.infer<typeof KeyRecordSchema>;

export interface NewKey {
  readonly tenant: string;
  readonly team: string;
  readonly user: string;
  readonly roles: readonly string[];
}

export interface KeyStore {
  create(key: NewKey): Promise<{ record: KeyRecord; plainKey: string }>;
  /** One tenant's keys: no caller ever sees another tenant's. */
  list(tenant: string): Promise<KeyRecord[]>;
  /** Returns false when the tenant has no such key (another tenant's key is no such key). */
  revoke(tenant: string, id: string): Promise<boolean>;
  /** Answers without a promise when the answer is already in memory: this is on every call's path. */
  findByHash(hash: string): KeyRecord | undefined | Promise<KeyRecord | undefined>;
}

/** The one-shot hash: a key is hashed on every call, and a Hash object costs four times as much. */
export function hashKey(plainKey: string): string {
  return hash('sha256', plainKey, 'hex');
}

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** A new key and the fields every store keeps for it (never the key itself). */
export function mintKey(): { plainKey: string; id: string; hash: string; prefix: string } {
  const plainKey = generateKey();
  return { plainKey, id: `key_${randomUUID().replaceAll('-', '').slice(0, 16)}`, hash: hashKey(plainKey), prefix: plainKey.slice(0, KEY_PREFIX.length + 4) };
}

/** A JSON file rewritten atomically (write to a temp file, then rename), serialised through one promise chain. */
export class FileKeyStore implements KeyStore {
  #records: KeyRecord[] | undefined;
  #byHash = new Map<string, KeyRecord>();
  #queue: Promise<unknown> = Promise.resolve();
  #loadedAt = Date.now();

  constructor(private readonly path: string) {}

  async #load(): Promise<KeyRecord[]> {
    if (this.#records) return this.#records;
    let records: KeyRecord[] = [];
    try {
      records = z.array(KeyRecordSchema).parse(JSON.parse(await readFile(this.path, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`key store ${this.path} is unreadable`, { cause: error });
    }
    this.#records = records;
    this.#byHash = new Map(records.map((r) => [r.hash, r]));
    return records;
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #save(records: KeyRecord[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(records, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.path);
    this.#records = records;
    this.#byHash = new Map(records.map((r) => [r.hash, r]));
  }

  create(key: NewKey): Promise<{ record: KeyRecord; plainKey: string }> {
    return this.#exclusive(async () => {
      const records = await this.#load();
      const { plainKey, ...minted } = mintKey();
      const record: KeyRecord = {
        ...minted,
        tenant: key.tenant,
        team: key.team,
        user: key.user,
        roles: [...key.roles],
        created_at: new Date().toISOString(),
        revoked_at: null,
      };
      await this.#save([...records, record]);
      return { record, plainKey };
    });
  }

  async list(tenant: string): Promise<KeyRecord[]> {
    return (await this.#load()).filter((r) => r.tenant === tenant);
  }

  revoke(tenant: string, id: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const records = await this.#load();
      const found = records.find((r) => r.id === id && r.tenant === tenant);
      if (!found) return false;
      if (!found.revoked_at) {
        await this.#save(records.map((r) => (r.id === id ? { ...r, revoked_at: new Date().toISOString() } : r)));
      }
      return true;
    });
  }

  /** A miss re-reads the file (at most once a second), so keys created by `airlock keys create` work at once. */
  findByHash(hash: string): KeyRecord | undefined | Promise<KeyRecord | undefined> {
    if (this.#records) {
      const hit = this.#byHash.get(hash);
      if (hit || Date.now() - this.#loadedAt < RELOAD_INTERVAL_MS) return hit;
      this.#loadedAt = Date.now();
      this.#records = undefined;
    }
    return this.#load().then(() => this.#byHash.get(hash));
  }
}
