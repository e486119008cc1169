/**
 * How CLI commands reach the store: one process may own an embedded ClickHouse, so when a gateway is running the
 * CLI goes through its admin API (the SDK's admin client); when none answers, the CLI opens the store itself.
 *
 * The gateway is found at $AIRLOCK_URL, else at the address in the local credential file the gateway writes beside
 * its store (cli/local-credentials.ts), else at the config's host and port. The admin key is $AIRLOCK_ADMIN_KEY,
 * else the bootstrap key in that file: a key the gateway refuses is followed by the next, so a variable left over
 * from another gateway does not lock the user out of this one.
 *
 * Either way a command acts in one tenant. Through the API that is the admin key's own, or the one `--tenant` names
 * (sent as `x-airlock-tenant`, which only a superadmin key may cross into). Opening the store directly takes the
 * data directory's owner, who can read every tenant anyway, so it acts in `--tenant`, else the config's tenant.
 */
import { createAirlock, isHttpError, type AdminClient } from '@airlock/sdk';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore, type TraceStore } from '@airlock/clickhouse';
import { TENANT_HEADER, checkTenantName } from '../auth/access.js';
import { FileKeyStore } from '../auth/key-store.js';
import { ClickHouseKeyStore } from '../auth/clickhouse-key-store.js';
import { createKeyAdmin, type KeyAdmin } from '../auth/key-admin.js';
import { loadConfig, type GatewayConfig } from '../config/load.js';
import type { CliIO } from './command.js';
import { credentialsPath, readCredentials } from './local-credentials.js';

export interface AdminApi {
  readonly url: string;
  readonly admin: AdminClient;
}

export interface DirectAccess {
  readonly config: GatewayConfig;
  /** The tenant the command acts in. */
  readonly tenant: string;
  readonly store: TraceStore | null;
  readonly keys: KeyAdmin;
}

export interface AccessOptions {
  readonly configPath?: string | undefined;
  /** Another tenant than the caller's own. */
  readonly tenant?: string | undefined;
}

const PROBE_TIMEOUT_MS = 3_000;

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).ok;
  } catch {
    return false;
  }
}

/**
 * The live process that holds an embedded data directory, read from the `status` file ClickHouse keeps in it, so
 * the CLI never asks chdb for a directory it cannot have (chdb would print its lock error to the terminal).
 */
async function storeOwner(config: GatewayConfig): Promise<number | null> {
  if (config.store?.kind !== 'embedded') return null;
  const status = await readFile(join(config.store.path, 'status'), 'utf8').catch(() => '');
  const pid = Number(/^PID:\s*(\d+)/m.exec(status)?.[1]);
  if (!pid || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, another user's; ESRCH: a stale file left by a process that was killed.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** chdb's words when another process holds the data directory after all (it took it between the check and the open). */
const isStoreLocked = (error: unknown): boolean =>
  /Cannot lock file|Another server instance|CANNOT_OPEN_FILE|Failed to create connection/.test(String((error as Error)?.message ?? error));

export async function withAdminAccess<T>(
  io: CliIO,
  options: AccessOptions,
  use: { api: (api: AdminApi) => Promise<T>; direct: (access: DirectAccess) => Promise<T> },
): Promise<T> {
  if (options.tenant !== undefined) checkTenantName(options.tenant, '--tenant');
  const config = await loadConfig(options.configPath ?? io.env.AIRLOCK_CONFIG, { env: io.env, cwd: io.cwd });
  const credentialFile = credentialsPath(config);
  const local = await readCredentials(credentialFile);
  const url = (io.env.AIRLOCK_URL ?? local?.url ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');

  if (await answers(url)) {
    const candidates = [
      ...(io.env.AIRLOCK_ADMIN_KEY ? [{ key: io.env.AIRLOCK_ADMIN_KEY, from: '$AIRLOCK_ADMIN_KEY' }] : []),
      ...(local?.key && local.key !== io.env.AIRLOCK_ADMIN_KEY ? [{ key: local.key, from: credentialFile }] : []),
    ];
    if (!candidates.length) {
      throw new Error(
        `the gateway at ${url} owns the store, so the CLI goes through its admin API, which needs an admin key: ` +
          `set AIRLOCK_ADMIN_KEY to the key the gateway was started with (a gateway started without one writes its bootstrap key to ${credentialFile})`,
      );
    }
    const refused: string[] = [];
    for (const { key, from } of candidates) {
      const airlock = createAirlock({ baseURL: url, apiKey: key });
      try {
        // Asked in the key's own tenant: a probe is no crossing into another to put on its audit trail.
        await airlock.admin.me();
      } catch (error) {
        if (isHttpError(error) && error.status === 401) {
          refused.push(from);
          continue;
        }
        throw error;
      }
      return use.api({ url, admin: options.tenant === undefined ? airlock.admin : airlock.extend({ headers: { [TENANT_HEADER]: options.tenant } }).admin });
    }
    throw new Error(`the gateway at ${url} owns the store, and it refused the admin key from ${refused.join(' and from ')}: it was started with another one`);
  }

  const owned = (pid: number | null | undefined): Error =>
    new Error(
      `a running gateway${pid ? ` (pid ${pid})` : ''} owns the store${config.store?.kind === 'embedded' ? ` at ${config.store.path}` : ''}, ` +
        `so the CLI goes through its admin API, but nothing answers at ${url}: set AIRLOCK_URL to the gateway's address`,
    );
  const owner = await storeOwner(config);
  if (owner) throw owned(owner);
  let store: TraceStore | null;
  try {
    store = config.store ? await openStore(config.store) : null;
  } catch (error) {
    throw isStoreLocked(error) ? owned(local?.pid) : error;
  }
  try {
    const keyStore = store ? new ClickHouseKeyStore(store.keys) : new FileKeyStore(config.keysFile);
    return await use.direct({ config, store, tenant: options.tenant ?? config.tenant, keys: createKeyAdmin(keyStore, store?.audit ?? null) });
  } finally {
    await store?.close();
  }
}
