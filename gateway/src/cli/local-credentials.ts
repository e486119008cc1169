/**
 * First contact on one machine. A gateway started with no admin key (AIRLOCK_ADMIN_KEY unset) creates a bootstrap
 * superadmin key in its key store, which keeps only the key's hash, and prints the key once. The plain key goes to a
 * local credential file beside the store (mode 0600, like an SSH key), together with the address the gateway
 * listens on, so the CLI in another terminal reaches the running gateway's admin API without any variable, instead of
 * colliding with the store the gateway holds open.
 *
 * Every start rewrites the file's address and process id (the port may change); the key stays until it is revoked.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AuditLog } from '@airlock/clickhouse';
import { z } from 'zod';
import { ADMIN_ROLE, SUPERADMIN_ROLE } from '../auth/access.js';
import { createKeyAdmin } from '../auth/key-admin.js';
import { hashKey, type KeyStore } from '../auth/key-store.js';
import type { GatewayConfig } from '../config/load.js';

export const CREDENTIALS_FILE = 'admin-credentials.json';

const CredentialsSchema = z.object({
  /** Where the gateway that wrote the file listens. */
  url: z.url(),
  pid: z.number().int(),
  /** The bootstrap key, absent when the operator gave the gateway its own (AIRLOCK_ADMIN_KEY). */
  key: z.string().optional(),
  key_id: z.string().optional(),
  tenant: z.string(),
  written_at: z.string(),
});
export type LocalCredentials = z.infer<typeof CredentialsSchema>;

/** Beside the store: the embedded data directory's parent, else the key file's folder (both `data/` by default). */
export function credentialsPath(config: GatewayConfig): string {
  const beside = config.store?.kind === 'embedded' ? dirname(config.store.path) : dirname(config.keysFile);
  return join(beside, CREDENTIALS_FILE);
}

/** The file's contents, or null when there is none; a file that is not ours is an error, not silence. */
export async function readCredentials(path: string): Promise<LocalCredentials | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the local credential file ${path}: ${(error as Error).message}`);
  }
  try {
    return CredentialsSchema.parse(JSON.parse(text));
  } catch {
    throw new Error(`the local credential file ${path} is not one the gateway wrote: delete it and restart the gateway`);
  }
}

async function writeCredentials(path: string, credentials: LocalCredentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Written whole under another name, then renamed: a CLI reading meanwhile never sees half a file.
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

export interface Bootstrap {
  readonly path: string;
  /** The plain key when this start created it (print it once); null when an earlier start's key still holds. */
  readonly createdKey: string | null;
  /** Whether the file holds a key the CLI can use. */
  readonly hasKey: boolean;
}

/**
 * Records this gateway's address for the CLI and, with no admin key configured, makes sure a live bootstrap key
 * exists: the one in the file if the key store still knows it unrevoked, else a new one.
 */
export async function bootstrapLocalAccess(options: {
  readonly config: GatewayConfig;
  readonly url: string;
  readonly keys: KeyStore;
  readonly audit: AuditLog | null;
}): Promise<Bootstrap> {
  const { config } = options;
  const path = credentialsPath(config);
  const base = { url: options.url, pid: process.pid, tenant: config.tenant, written_at: new Date().toISOString() };
  if (config.adminKey) {
    await writeCredentials(path, base);
    return { path, createdKey: null, hasKey: false };
  }
  const previous = await readCredentials(path).catch(() => null);
  if (previous?.key) {
    const record = await options.keys.findByHash(hashKey(previous.key));
    if (record && !record.revoked_at && record.roles.includes(SUPERADMIN_ROLE)) {
      await writeCredentials(path, { ...base, key: previous.key, key_id: record.id, tenant: record.tenant });
      return { path, createdKey: null, hasKey: true };
    }
  }
  const admin = createKeyAdmin(options.keys, options.audit);
  const { record, plainKey } = await admin.create('gateway (first start, no admin key configured)', {
    tenant: config.tenant,
    team: 'admin',
    user: 'bootstrap',
    roles: [SUPERADMIN_ROLE, ADMIN_ROLE],
  });
  await writeCredentials(path, { ...base, key: plainKey, key_id: record.id });
  return { path, createdKey: plainKey, hasKey: true };
}
