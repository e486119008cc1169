/**
 * The trace store as the gateway uses it: one adapter, migrated on open, with a batch writer, the audit log and
 * the named queries on top.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseAdapter } from './adapter.js';
import { openEmbedded } from './adapters/embedded.js';
import { openServer, type ServerOptions } from './adapters/server.js';
import { AuditLog } from './audit/audit-log.js';
import { migrate, type Retention } from './migrate.js';
import { PriceTable } from './pricing.js';
import { CallRowSchema, SpanRowSchema, BodyRowSchema, type BodyRow, type CallRow, type SpanRow } from './records.js';
import { CallsRepository } from './repositories/calls.js';
import { KeysRepository } from './repositories/keys.js';
import { MetricsRepository } from './repositories/metrics.js';
import { StoreError } from './errors.js';
import { TABLES } from './tables.js';
import { BatchWriter } from './writer/batch-writer.js';

export type StoreOptions = (
  | { readonly kind: 'embedded'; readonly path: string }
  | ({ readonly kind: 'server'; readonly cluster?: string } & ServerOptions)
) & {
  readonly retention?: Retention;
  /** Where batches wait while ClickHouse is unreachable (default: beside the data, or ./data/spool.jsonl). */
  readonly spoolPath?: string;
  readonly maxBatchRows?: number;
  readonly flushIntervalMs?: number;
  readonly retryIntervalMs?: number;
  readonly onError?: (error: Error) => void;
  /** How long start-up keeps trying a server that does not answer yet (default DEFAULT_START_WAIT_MS). */
  readonly startWaitMs?: number;
};

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
  readonly prices: PriceTable;
  /** Queues a call, its spans and its redacted bodies for writing; never waits, never throws. */
  record(call: CallRow, spans: readonly SpanRow[], body?: BodyRow): void;
  /** Queues spans that belong to no gateway call (an agent's own, from OTLP). */
  recordSpans(spans: readonly SpanRow[]): void;
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<TraceStore> {
  const db = options.kind === 'embedded' ? openEmbedded(options.path) : openServer(options);
  try {
    await migrateWhenReachable(db, options);
  } catch (error) {
    await db.close();
    throw error;
  }
  const spoolPath = options.spoolPath ?? (options.kind === 'embedded' ? join(options.path, '..', 'spool.jsonl') : join('data', 'spool.jsonl'));
  const writer = new BatchWriter(db, {
    spoolPath,
    ...(options.maxBatchRows ? { maxRows: options.maxBatchRows } : {}),
    ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.retryIntervalMs ? { retryIntervalMs: options.retryIntervalMs } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  await writer.start();
  const audit = new AuditLog(db, writer);
  await audit.open();
  return {
    db,
    writer,
    audit,
    calls: new CallsRepository(db),
    metrics: new MetricsRepository(db),
    keys: new KeysRepository(db),
    prices: PriceTable.load(),
    record(call, spans, body) {
      writer.enqueue(TABLES.calls, CallRowSchema.parse(call));
      for (const span of spans) writer.enqueue(TABLES.spans, SpanRowSchema.parse(span));
      if (body) writer.enqueue(TABLES.callBodies, BodyRowSchema.parse(body));
    },
    recordSpans(spans) {
      for (const span of spans) writer.enqueue(TABLES.spans, SpanRowSchema.parse(span));
    },
    async close() {
      await writer.close();
      await db.close();
    },
  };
}
