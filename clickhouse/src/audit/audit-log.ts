/**
 * The tamper-evident audit trail. Each entry stores the SHA-256 of the previous entry's hash and its own fields, so
 * changing, removing or inserting any entry breaks every link after it. Entries are appended through one chain head
 * per process; the gateway process owns the embedded store, so there is one writer.
 */
import { createHash } from 'node:crypto';
import type { ClickHouseAdapter } from '../adapter.js';
import { TABLES, chTime } from '../tables.js';
import type { BatchWriter } from '../writer/batch-writer.js';
import { ALTERED_KEY, safeJson, sanitizeText } from '../writer/sanitize.js';

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
  readonly seq: number;
  readonly at: string;
  readonly tenant: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: string;
  readonly prev_hash: string;
  readonly hash: string;
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256')
    .update(JSON.stringify([e.seq, e.at, e.tenant, e.actor, e.action, e.subject, e.details, e.prev_hash]))
    .digest('hex');
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry whose link is broken, and why. */
  readonly firstBroken?: { readonly seq: number; readonly reason: string };
}

const COLUMNS = 'seq, toString(at) AS at, tenant, actor, action, subject, details, prev_hash, hash';

export class AuditLog {
  #seq = 0;
  #head = GENESIS_HASH;

  constructor(
    private readonly db: ClickHouseAdapter,
    private readonly writer: BatchWriter,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Continues the chain from the last entry: the last stored one, or a later one still in the writer's backlog
   * (ClickHouse was unreachable when the previous process ended), so a sequence number is never given twice.
   */
  async open(): Promise<void> {
    const [last] = await this.db.query<{ seq: number | string; hash: string }>(`SELECT seq, hash FROM ${TABLES.auditLog} FINAL ORDER BY seq DESC LIMIT 1`);
    if (last) {
      this.#seq = Number(last.seq);
      this.#head = last.hash;
    }
    for (const row of await this.writer.backlog(TABLES.auditLog)) {
      if (Number(row.seq) > this.#seq && typeof row.hash === 'string') {
        this.#seq = Number(row.seq);
        this.#head = row.hash;
      }
    }
  }

  /** Never throws, whatever the input holds: fields are made fit before hashing, so the hash covers what is stored. */
  append(input: AuditEntryInput): AuditEntry {
    let details = safeJson(input.details ?? {});
    const { row: f, altered } = sanitizeText({ tenant: input.tenant, actor: input.actor, action: input.action, subject: input.subject });
    if (altered) details = safeJson({ details: JSON.parse(details) as unknown, [ALTERED_KEY]: altered });
    const base = {
      seq: ++this.#seq,
      at: chTime(this.now()),
      tenant: f.tenant,
      actor: f.actor,
      action: f.action,
      subject: f.subject,
      details,
      prev_hash: this.#head,
    };
    const entry: AuditEntry = { ...base, hash: entryHash(base) };
    this.#head = entry.hash;
    this.writer.enqueue(TABLES.auditLog, { ...entry });
    return entry;
  }

  /** One tenant's entries in a time range, oldest first: no reader sees another tenant's. */
  async entries(tenant: string, range: { from?: string; to?: string } = {}): Promise<AuditEntry[]> {
    return this.#read({ ...range, tenant });
  }

  async #read(filter: { tenant?: string; from?: string; to?: string }): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditEntry & { seq: number | string }>(
      `SELECT ${COLUMNS} FROM ${TABLES.auditLog} FINAL
       WHERE at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}${filter.tenant === undefined ? '' : ' AND tenant = {tenant:String}'}
       ORDER BY seq SETTINGS prefer_column_name_to_alias = 1`,
      { from: filter.from ?? '1970-01-01 00:00:00.000', to: filter.to ?? '2999-01-01 00:00:00.000', ...(filter.tenant === undefined ? {} : { tenant: filter.tenant }) },
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), at: String(r.at).padEnd(23, '0').slice(0, 23) }));
  }

  /**
   * Walks the chain in order and names the first broken link that a tenant may see. The chain runs through every
   * tenant's entries, so all are checked, but only the tenant's own are counted or named: a break in another
   * tenant's entry is reported at the tenant's next entry, since every link after it is in doubt.
   */
  async verify(tenant: string): Promise<VerifyResult> {
    const all = await this.#read({});
    const own = all.filter((e) => e.tenant === tenant).length;
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let broken: string | undefined;
    for (const e of all) {
      if (!broken) {
        if (e.seq !== expectedSeq) broken = `expected entry ${expectedSeq} here (an entry is missing or was inserted)`;
        else if (e.prev_hash !== prev) broken = 'prev_hash does not match the previous entry';
        else if (entryHash(e) !== e.hash) broken = 'the entry was changed after it was written';
        if (broken && e.tenant !== tenant) broken = 'the chain is broken before this entry';
      }
      if (broken && e.tenant === tenant) return { ok: false, entries: own, firstBroken: { seq: e.seq, reason: broken } };
      prev = e.hash;
      expectedSeq = e.seq + 1;
    }
    return broken ? { ok: false, entries: own, firstBroken: { seq: expectedSeq, reason: 'the chain is broken after the last entry of this tenant' } } : { ok: true, entries: own };
  }
}

const CSV_COLUMNS = ['seq', 'at', 'tenant', 'actor', 'action', 'subject', 'details', 'prev_hash', 'hash'] as const;

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportAudit(entries: readonly AuditEntry[], format: 'csv' | 'jsonl'): string {
  if (format === 'jsonl') return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
  return [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))].join('\n') + '\n';
}
