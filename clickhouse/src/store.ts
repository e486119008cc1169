/**
 * The trace store as the gateway uses it: one adapter, migrated on open, with a batch writer, the audit log and
 * the named queries on top.
 */
import { join } from 'node:path';
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
};

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
    await migrate(db, {
      ...(options.retention ? { retention: options.retention } : {}),
      ...(options.kind === 'server' && options.cluster ? { cluster: options.cluster } : {}),
    });
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
