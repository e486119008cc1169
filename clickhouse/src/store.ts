/**
 * The trace store as the gateway uses it: one adapter, migrated on open, with a batch writer, the audit log and
 * the named queries on top.
 */
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseAdapter } from './adapter.js';
import { openEmbedded } from './adapters/embedded.js';
import { openServer, type ServerOptions } from './adapters/server.js';
import { AuditLog } from './audit/audit-log.js';
import { CheckpointFile, type Checkpoint } from './audit/checkpoints.js';
import { AuditKeys } from './audit/keys.js';
import { migrate, type Retention } from './migrate.js';
import { PriceTable } from './pricing.js';
import type { BodyRow, CallRow, SpanRow } from './records.js';
import { CallsRepository } from './repositories/calls.js';
import { KeysRepository } from './repositories/keys.js';
import { ApprovalEventsRepository } from './repositories/approvals.js';
import { MetricsRepository } from './repositories/metrics.js';
import { StoreError } from './errors.js';
import { TABLES } from './tables.js';
import { BatchWriter, type DeadLetter } from './writer/batch-writer.js';

export type StoreOptions = (
  | { readonly kind: 'embedded'; readonly path: string }
  | ({ readonly kind: 'server'; readonly cluster?: string } & ServerOptions)
) & {
  readonly retention?: Retention;
  /**
   * The write-ahead directory: every row is logged here before the gateway answers, and waits here while
   * ClickHouse is unreachable (default: `wal` beside the embedded data, or ./data/wal).
   */
  readonly walDir?: string;
  /** How often the write-ahead file is forced to disk, bounding what a machine crash loses (0: before every answer). */
  readonly fsyncMs?: number;
  readonly maxBatchRows?: number;
  readonly flushIntervalMs?: number;
  readonly retryIntervalMs?: number;
  readonly onError?: (error: Error) => void;
  /** How long start-up keeps trying a server that does not answer yet (default DEFAULT_START_WAIT_MS). */
  readonly startWaitMs?: number;
  readonly audit?: StoreAuditOptions;
};

/**
 * Where the audit keys and checkpoints live: outside the store. Files default to the directory that holds the
 * write-ahead directory (beside the embedded data, or ./data for a server); key files that do not exist are
 * generated, mode 0600.
 */
export interface StoreAuditOptions {
  /** The HMAC key itself (AIRLOCK_AUDIT_KEY); else read from, or generated in, hmacKeyFile. */
  readonly hmacKey?: string;
  readonly hmacKeyFile?: string;
  /** The Ed25519 private key in PEM (AIRLOCK_AUDIT_SIGNING_KEY); else read from, or generated in, signingKeyFile. */
  readonly signingKey?: string;
  readonly signingKeyFile?: string;
  /** The append-only JSON-lines file of signed checkpoints. */
  readonly checkpointFile?: string;
  /** How often a checkpoint is written for each tenant whose trail moved (default 60 s; 0: only at close). */
  readonly checkpointIntervalMs?: number;
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

/**
 * A compose file or an orchestrator starts the gateway and ClickHouse together, so an unreachable server at start
 * is usually one still booting: start-up retries for this long before it gives up.
 */
export const DEFAULT_START_WAIT_MS = 60_000;
const START_RETRY_MAX_MS = 5_000;

/** A migration may fail because its statement could not reach the server: then the cause says so. */
function isUnreachable(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return (error instanceof StoreError && error.retryable) || (cause instanceof StoreError && cause.retryable);
}

/** Runs the migrations, retrying while the server is unreachable (never for a failing migration). */
async function migrateWhenReachable(db: ClickHouseAdapter, options: StoreOptions): Promise<void> {
  const giveUpAt = Date.now() + (options.startWaitMs ?? DEFAULT_START_WAIT_MS);
  for (let delay = 250; ; delay = Math.min(delay * 2, START_RETRY_MAX_MS)) {
    try {
      await migrate(db, {
        ...(options.retention ? { retention: options.retention } : {}),
        ...(options.kind === 'server' && options.cluster ? { cluster: options.cluster } : {}),
      });
      return;
    } catch (error) {
      if (!isUnreachable(error) || Date.now() + delay > giveUpAt) throw error;
      options.onError?.(new StoreError('CH_ERR_UNAVAILABLE', `ClickHouse is not reachable yet, retrying in ${delay} ms: ${(error as Error).message}`, undefined, { cause: error }));
      await sleep(delay);
    }
  }
}

export interface TraceStore {
  readonly db: ClickHouseAdapter;
  readonly writer: BatchWriter;
  readonly audit: AuditLog;
  readonly calls: CallsRepository;
  readonly metrics: MetricsRepository;
  readonly keys: KeysRepository;
  /** The approval event log (held calls). */
  readonly approvals: ApprovalEventsRepository;
  readonly prices: PriceTable;
  /**
   * Queues a call, its spans and its redacted bodies for writing; never waits, never throws, whatever the rows
   * hold (a row that had to be made fit lists the altered fields under `airlock.altered`).
   */
  record(call: CallRow, spans: readonly SpanRow[], body?: BodyRow): void;
  /** Queues spans that belong to no gateway call (an agent's own, from OTLP). */
  recordSpans(spans: readonly SpanRow[]): void;
  /**
   * Resolves once everything recorded so far is in the write-ahead file: an answer sent after it is never lost to
   * a kill of this process. Undefined when nothing is waiting, so the common path costs no promise.
   */
  committed(): Promise<void> | undefined;
  close(): Promise<void>;
}

function rowId(row: Record<string, unknown>): string {
  return String(row.call_id || row.span_id || row.seq || row.line || '').slice(0, 100);
}

export async function openStore(options: StoreOptions): Promise<TraceStore> {
  const db = options.kind === 'embedded' ? openEmbedded(options.path) : openServer(options);
  try {
    await migrateWhenReachable(db, options);
  } catch (error) {
    await db.close();
    throw error;
  }
  const walDir = options.walDir ?? (options.kind === 'embedded' ? join(options.path, '..', 'wal') : join('data', 'wal'));
  // The audit log exists only after the writer has replayed the backlog; dead letters found before are audited then.
  let audit: AuditLog | undefined;
  const early: DeadLetter[] = [];
  const auditDeadLetter = (letter: DeadLetter): void => {
    if (!audit) return void early.push(letter);
    // A refused audit entry about a refused row would loop; the file and the metric still have it.
    if (letter.table === TABLES.auditLog && letter.rows.every((r) => r.action === 'store.dead_letter')) return;
    const tenants = new Set(letter.rows.map((r) => (typeof r.tenant === 'string' ? r.tenant : '')));
    for (const tenant of tenants) {
      const rows = letter.rows.filter((r) => (typeof r.tenant === 'string' ? r.tenant : '') === tenant);
      audit.append({
        tenant,
        actor: 'airlock',
        action: 'store.dead_letter',
        subject: letter.table,
        details: { rows: rows.length, ids: rows.slice(0, 20).map(rowId), code: letter.error.clickhouseCode ?? null, error: letter.error.message.slice(0, 300) },
      });
    }
  };
  const writer = new BatchWriter(db, {
    walDir,
    ...(options.fsyncMs !== undefined ? { fsyncMs: options.fsyncMs } : {}),
    onDeadLetter: auditDeadLetter,
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.maxBatchRows ? { maxRows: options.maxBatchRows } : {}),
    ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.retryIntervalMs ? { retryIntervalMs: options.retryIntervalMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  await writer.start();
  // The gateway's local state (write-ahead file, audit keys, checkpoints) lives together, outside the store.
  const auditDir = dirname(walDir);
  const a = options.audit ?? {};
  let trail: AuditLog;
  try {
    const keys = AuditKeys.load(
      {
        ...(a.hmacKey !== undefined ? { hmacKey: a.hmacKey } : {}),
        ...(a.signingKey !== undefined ? { signingKey: a.signingKey } : {}),
        hmacKeyFile: a.hmacKeyFile ?? join(auditDir, 'audit.key'),
        signingKeyFile: a.signingKeyFile ?? join(auditDir, 'audit-signing.key'),
      },
      (message) => options.onError?.(new StoreError('CH_ERR_CONFIG', message)),
    );
    trail = new AuditLog(db, writer, {
      keys,
      checkpoints: new CheckpointFile(a.checkpointFile ?? join(auditDir, 'audit-checkpoints.jsonl')),
      ...(a.onCheckpoint ? { onCheckpoint: a.onCheckpoint } : {}),
    });
    await trail.open();
  } catch (error) {
    await writer.close();
    await db.close();
    throw error;
  }
  audit = trail;
  for (const letter of early.splice(0)) auditDeadLetter(letter);
  const checkpoint = (): void => {
    try {
      trail.checkpoint();
    } catch (error) {
      options.onError?.(error as Error);
    }
  };
  const interval = a.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const checkpointTimer = interval > 0 ? setInterval(checkpoint, interval).unref() : undefined;
  return {
    db,
    writer,
    audit: trail,
    calls: new CallsRepository(db),
    metrics: new MetricsRepository(db),
    keys: new KeysRepository(db),
    approvals: new ApprovalEventsRepository(db),
    prices: PriceTable.load(),
    record(call, spans, body) {
      // The bodies table has no map of its own: the call says which of its body fields had to change.
      const bodyAltered = body ? writer.enqueue(TABLES.callBodies, body) : undefined;
      writer.enqueue(TABLES.calls, call, bodyAltered?.map((f) => `${TABLES.callBodies}.${f}`));
      for (const span of spans) writer.enqueue(TABLES.spans, span);
    },
    recordSpans(spans) {
      for (const span of spans) writer.enqueue(TABLES.spans, span);
    },
    committed: () => writer.commit(),
    async close() {
      clearInterval(checkpointTimer);
      await writer.close();
      // The last checkpoint covers everything this process appended, so a trail cut back while it is down shows.
      checkpoint();
      await db.close();
    },
  };
}
