/**
 * How CLI commands reach the store: one process may own an embedded ClickHouse, so when a gateway is running the
 * CLI goes through its admin API; when none answers, the CLI opens the store itself.
 *
 * Either way a command acts in one tenant. Through the API that is the admin key's own, or the one `--tenant` names
 * (sent as `x-airlock-tenant`, which only a superadmin key may cross into). Opening the store directly takes the
 * data directory's owner, who can read every tenant anyway, so it acts in `--tenant`, else the config's tenant.
 */
import { openStore, type TraceStore } from '@airlock/clickhouse';
import { TENANT_HEADER, checkTenantName } from '../auth/access.js';
import { FileKeyStore } from '../auth/key-store.js';
import { ClickHouseKeyStore } from '../auth/clickhouse-key-store.js';
import { createKeyAdmin, type KeyAdmin } from '../auth/key-admin.js';
import { loadConfig, type GatewayConfig } from '../config/load.js';
import type { CliIO } from './command.js';

export interface AdminApi {
  readonly url: string;
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

export interface DirectAccess {
  readonly config: GatewayConfig;
  /** The tenant the command acts in. */
  readonly tenant: string;
  readonly store: TraceStore | null;
  readonly keys: KeyAdmin;
}

const isRefused = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH'].includes(cause?.code ?? '');
};

export interface AccessOptions {
  readonly configPath?: string | undefined;
  /** Another tenant than the caller's own. */
  readonly tenant?: string | undefined;
}

export async function withAdminAccess<T>(
  io: CliIO,
  options: AccessOptions,
  use: { api: (api: AdminApi) => Promise<T>; direct: (access: DirectAccess) => Promise<T> },
): Promise<T> {
  if (options.tenant !== undefined) checkTenantName(options.tenant, '--tenant');
  const config = await loadConfig(options.configPath ?? io.env.AIRLOCK_CONFIG, { env: io.env, cwd: io.cwd });
  const url = (io.env.AIRLOCK_URL ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const adminKey = io.env.AIRLOCK_ADMIN_KEY;
  if (adminKey) {
    const api: AdminApi = {
      url,
      call: (method, path, body) =>
        fetch(url + path, {
          method,
          headers: {
            authorization: `Bearer ${adminKey}`,
            ...(options.tenant === undefined ? {} : { [TENANT_HEADER]: options.tenant }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
    };
    try {
      await fetch(`${url}/healthz`);
      return await use.api(api);
    } catch (error) {
      if (!isRefused(error)) throw error;
    }
  }
  const store = config.store ? await openStore(config.store) : null;
  try {
    const keyStore = store ? new ClickHouseKeyStore(store.keys) : new FileKeyStore(config.keysFile);
    return await use.direct({ config, store, tenant: options.tenant ?? config.tenant, keys: createKeyAdmin(keyStore, store?.audit ?? null) });
  } finally {
    await store?.close();
  }
}

/** The body of a failed admin API call, as one line for the terminal. */
export async function apiFailure(res: Response): Promise<Error> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return new Error(`gateway answered ${res.status}: ${parsed.error?.message ?? text}`);
  } catch {
    return new Error(`gateway answered ${res.status}: ${text}`);
  }
}
