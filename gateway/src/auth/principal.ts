import { GatewayError } from '../errors.js';
import { ADMIN_ROLE, SUPERADMIN_ROLE } from './access.js';
import { hashKey, type KeyRecord, type KeyStore } from './key-store.js';

export interface Principal {
  readonly keyId: string;
  readonly tenant: string;
  readonly team: string;
  readonly user: string;
  readonly roles: readonly string[];
}

/** Reads the key from `x-api-key` (Anthropic style) or `Authorization: Bearer` (OpenAI style, also sent by Anthropic's SDK). */
export function presentedKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey.trim();
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1]!.trim();
  }
  return undefined;
}

export interface Authenticator {
  /** A promise only when the key store has to look further than memory. */
  authenticate(headers: Readonly<Record<string, string | string[] | undefined>>): Principal | Promise<Principal>;
}

/** Keys resolve through an in-memory cache in front of the store, so the hot path costs one hash and one map lookup. */
export function createAuthenticator(options: { store: KeyStore; adminKey: string | undefined; tenant: string }): Authenticator {
  // The admin key is compared by its hash, which every call computes anyway: comparing digests leaks nothing
  // about the key, so no constant-time comparison (and no buffers) are needed on the hot path.
  const adminHash = options.adminKey ? hashKey(options.adminKey) : undefined;
  // The bootstrap key is the gateway operator's: it lives in the config's tenant and may act in any other.
  const admin: Principal = { keyId: 'admin', tenant: options.tenant, team: 'admin', user: 'admin', roles: [SUPERADMIN_ROLE, ADMIN_ROLE] };
  const principalOf = (record: KeyRecord | undefined): Principal => {
    if (!record) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'Invalid API key.');
    if (record.revoked_at) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'This API key has been revoked.');
    return { keyId: record.id, tenant: record.tenant, team: record.team, user: record.user, roles: record.roles };
  };
  return {
    authenticate(headers) {
      const key = presentedKey(headers);
      if (!key) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key".');
      const hash = hashKey(key);
      if (hash === adminHash) return admin;
      const found = options.store.findByHash(hash);
      return found instanceof Promise ? found.then(principalOf) : principalOf(found);
    },
  };
}
