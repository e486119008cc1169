/**
 * One audit entry and its chain hash. Each tenant has its own trail, numbered 1, 2, 3… without gaps; an entry's
 * hash covers its fields and the hash of the entry before it, and its `mac` seals that hash under the audit key.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  readonly tenant: string;
  readonly actor: string;
  /** e.g. `key.created`, `key.revoked`, `policy.reloaded`, `policy.decision`, `approval.decided`. */
  readonly action: string;
  readonly subject: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly tenant: string;
  /** Position in the tenant's trail: 1 for the first entry, never reused, never skipped. */
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: string;
  readonly prev_hash: string;
  readonly hash: string;
  /** HMAC-SHA256 of `hash` under the audit key. */
  readonly mac: string;
}

export function entryHash(e: Omit<AuditEntry, 'hash' | 'mac'>): string {
  return createHash('sha256')
    .update(JSON.stringify(['airlock.audit.v2', e.tenant, e.seq, e.at, e.actor, e.action, e.subject, e.details, e.prev_hash]))
    .digest('hex');
}
