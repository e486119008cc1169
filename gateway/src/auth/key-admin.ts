/**
 * Key administration with its audit trail: every creation and revocation is an audit entry, whether it comes
 * through the admin API or the CLI.
 */
import type { AuditLog } from '@airlock/clickhouse';
import type { KeyRecord, KeyStore, NewKey } from './key-store.js';

export interface KeyAdmin {
  create(actor: string, key: NewKey): Promise<{ record: KeyRecord; plainKey: string }>;
  list(tenant: string): Promise<KeyRecord[]>;
  revoke(actor: string, tenant: string, id: string): Promise<boolean>;
}

export function createKeyAdmin(store: KeyStore, audit: AuditLog | null): KeyAdmin {
  return {
    async create(actor, key) {
      const created = await store.create(key);
      const r = created.record;
      audit?.append({ tenant: r.tenant, actor, action: 'key.created', subject: r.id, details: { team: r.team, user: r.user, roles: r.roles } });
      return created;
    },
    list: (tenant) => store.list(tenant),
    async revoke(actor, tenant, id) {
      const done = await store.revoke(tenant, id);
      if (done) audit?.append({ tenant, actor, action: 'key.revoked', subject: id });
      return done;
    },
  };
}
