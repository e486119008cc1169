/**
 * The tamper-evident audit trail: one hash chain per tenant, each entry sealed with an HMAC under a key the store
 * never holds, and signed checkpoints of each chain's head written outside the store. Entries are appended through
 * one head per tenant in this process; the gateway process owns the trail, so there is one writer.
 *
 * Sequence numbers are per tenant, so a tenant's trail can be verified and exported whole without reading (or
 * revealing the volume of) any other tenant's. They resume after the highest number known anywhere: the store, and
 * the latest checkpoint, so entries lost before they were stored leave a gap that verification names rather than
 * numbers that are given twice.
 */
import type { KeyObject } from 'node:crypto';
import type { ClickHouseAdapter } from '../adapter.js';
import { TABLES, chTime } from '../tables.js';
import type { BatchWriter } from '../writer/batch-writer.js';
import { ALTERED_KEY, safeJson, sanitizeText } from '../writer/sanitize.js';
import { CheckpointFile, checkpointFault, signCheckpoint, type Checkpoint, type CheckpointLine } from './checkpoints.js';
import { GENESIS_HASH, entryHash, type AuditEntry, type AuditEntryInput } from './entry.js';
import type { AuditKeys } from './keys.js';
import { verifyTrail, type VerifyResult } from './verify.js';

export interface AuditLogOptions {
  readonly keys: AuditKeys;
  readonly checkpoints: CheckpointFile;
  /** Called with every checkpoint written, so it can be logged and shipped. */
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void;
  readonly now?: () => number;
}

export interface VerifyOptions {
  /** Checkpoints to compare with (default: this gateway's checkpoint file). */
  readonly checkpoints?: readonly CheckpointLine[];
  /** The key those checkpoints must be signed with (default: this gateway's). */
  readonly publicKey?: KeyObject;
}

interface Head {
  readonly seq: number;
  readonly hash: string;
}

const COLUMNS = 'tenant, seq, toString(at) AS at, actor, action, subject, details, prev_hash, hash, mac';

export class AuditLog {
  readonly #heads = new Map<string, Head>();
  /** The head each tenant's latest checkpoint signed: a tenant is checkpointed again only once it moved on. */
  readonly #signed = new Map<string, Head>();
  /**
   * Tenants this process appended to. Only their heads are signed: a head merely found in the store is not the
   * gateway's to vouch for (the store may have been altered while it was down).
   */
  readonly #appended = new Set<string>();
  readonly #now: () => number;

  constructor(
    private readonly db: ClickHouseAdapter,
    private readonly writer: BatchWriter,
    private readonly options: AuditLogOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  get keys(): AuditKeys {
    return this.options.keys;
  }

  /**
   * Continues each tenant's chain from the newest entry known: in the store, in the writer's backlog (written ahead
   * but not yet stored when the previous process ended), or signed in a checkpoint.
   */
  async open(): Promise<void> {
    const stored = await this.db.query<{ tenant: string; last_seq: number | string; last_hash: string }>(
      `SELECT tenant, max(seq) AS last_seq, argMax(hash, seq) AS last_hash FROM ${TABLES.auditLog} FINAL GROUP BY tenant`,
    );
    for (const r of stored) this.#heads.set(r.tenant, { seq: Number(r.last_seq), hash: r.last_hash });
    for (const row of await this.writer.backlog(TABLES.auditLog)) {
      if (typeof row.tenant !== 'string' || typeof row.hash !== 'string') continue;
      const head = this.#heads.get(row.tenant);
      if (!head || Number(row.seq) > head.seq) this.#heads.set(row.tenant, { seq: Number(row.seq), hash: row.hash });
    }
    for (const line of this.options.checkpoints.read()) {
      if (!('checkpoint' in line) || checkpointFault(this.keys.publicKey, line.checkpoint)) continue;
      const c = line.checkpoint;
      const signed = this.#signed.get(c.tenant);
      if (!signed || c.seq >= signed.seq) this.#signed.set(c.tenant, { seq: c.seq, hash: c.head });
    }
    for (const [tenant, signed] of this.#signed) {
      const head = this.#heads.get(tenant);
      if (!head || signed.seq >= head.seq) this.#heads.set(tenant, signed);
    }
  }

  /** Never throws, whatever the input holds: fields are made fit before hashing, so the hash covers what is stored. */
  append(input: AuditEntryInput): AuditEntry {
    let details = safeJson(input.details ?? {});
    const { row: f, altered } = sanitizeText({ tenant: input.tenant, actor: input.actor, action: input.action, subject: input.subject });
    if (altered) details = safeJson({ details: JSON.parse(details) as unknown, [ALTERED_KEY]: altered });
    const head = this.#heads.get(f.tenant) ?? { seq: 0, hash: GENESIS_HASH };
    const base = {
      tenant: f.tenant,
      seq: head.seq + 1,
      at: chTime(this.#now()),
      actor: f.actor,
      action: f.action,
      subject: f.subject,
      details,
      prev_hash: head.hash,
    };
    const hash = entryHash(base);
    const entry: AuditEntry = { ...base, hash, mac: this.keys.seal(hash) };
    this.#heads.set(f.tenant, { seq: entry.seq, hash });
    this.#appended.add(f.tenant);
    this.writer.enqueue(TABLES.auditLog, { ...entry });
    return entry;
  }

  /** The newest entry appended to a tenant's trail by this process (or found at open). */
  head(tenant: string): Head | undefined {
    return this.#heads.get(tenant);
  }

  /** Signs a checkpoint of every tenant whose trail this process moved since its last one; writes them to the file and hands each to onCheckpoint. */
  checkpoint(): Checkpoint[] {
    const at = this.#now();
    const made: Checkpoint[] = [];
    for (const tenant of this.#appended) {
      const head = this.#heads.get(tenant)!;
      const signed = this.#signed.get(tenant);
      if (signed && signed.seq === head.seq && signed.hash === head.hash) continue;
      made.push(signCheckpoint(this.keys, { tenant, seq: head.seq, head: head.hash }, at));
      this.#signed.set(tenant, head);
    }
    this.options.checkpoints.append(made);
    for (const c of made) this.options.onCheckpoint?.(c);
    return made;
  }

  /** One tenant's checkpoints from the checkpoint file, oldest first. */
  checkpoints(tenant: string): Checkpoint[] {
    return this.options.checkpoints
      .read()
      .flatMap((l) => ('checkpoint' in l && l.checkpoint.tenant === tenant ? [l.checkpoint] : []));
  }

  /** One tenant's entries in a time range, ordered by sequence number: no reader sees another tenant's. */
  async entries(tenant: string, range: { from?: string; to?: string } = {}): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditEntry & { seq: number | string }>(
      `SELECT ${COLUMNS} FROM ${TABLES.auditLog} FINAL
       WHERE tenant = {tenant:String} AND at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}
       ORDER BY seq SETTINGS prefer_column_name_to_alias = 1`,
      { tenant, from: range.from ?? '1970-01-01 00:00:00.000', to: range.to ?? '2999-01-01 00:00:00.000' },
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), at: String(r.at).padEnd(23, '0').slice(0, 23) }));
  }

  /** Checks a tenant's whole trail: sequence, chain, seals and checkpoints; names the first broken point. */
  async verify(tenant: string, options: VerifyOptions = {}): Promise<VerifyResult> {
    return verifyTrail({
      tenant,
      entries: await this.entries(tenant),
      seal: this.keys.canSeal ? (hash) => this.keys.seal(hash) : null,
      checkpoints: options.checkpoints ?? this.options.checkpoints.read(),
      publicKey: options.publicKey ?? this.keys.publicKey,
    });
  }
}

const CSV_COLUMNS = ['tenant', 'seq', 'at', 'actor', 'action', 'subject', 'details', 'prev_hash', 'hash', 'mac'] as const;

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportAudit(entries: readonly AuditEntry[], format: 'csv' | 'jsonl'): string {
  if (format === 'jsonl') return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
  return [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))].join('\n') + '\n';
}
