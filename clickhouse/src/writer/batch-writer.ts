/**
 * Buffers rows per table and writes them in batches (on size or on interval, whichever first), off the request
 * path: enqueue never waits and never throws. While ClickHouse is unreachable, batches go to the spool in order;
 * a background loop replays the spool when ClickHouse answers again, and start() replays what a previous process
 * left behind.
 */
import type { ClickHouseAdapter } from '../adapter.js';
import { classifyClickHouseError } from '../errors.js';
import { Spool, type SpooledBatch } from './spool.js';

export interface BatchWriterOptions {
  readonly maxRows?: number;
  readonly flushIntervalMs?: number;
  readonly retryIntervalMs?: number;
  readonly spoolPath: string;
  readonly onError?: (error: Error) => void;
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_RETRY_INTERVAL_MS = 2_000;

export interface WriterStats {
  written: number;
  spooled: number;
  replayed: number;
  failures: number;
}

export class BatchWriter {
  readonly #db: ClickHouseAdapter;
  readonly #spool: Spool;
  readonly #buffers = new Map<string, Record<string, unknown>[]>();
  readonly #maxRows: number;
  readonly #onError: (error: Error) => void;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #degraded = false;
  readonly stats: WriterStats = { written: 0, spooled: 0, replayed: 0, failures: 0 };

  constructor(db: ClickHouseAdapter, private readonly options: BatchWriterOptions) {
    this.#db = db;
    this.#spool = new Spool(options.spoolPath);
    this.#maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Replays a spool left by an earlier process, then flushes on the interval. */
  async start(): Promise<void> {
    if (!(await this.#spool.isEmpty())) {
      this.#degraded = true;
      await this.#serial(() => this.#tryReplay());
    }
    this.#timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  /** True while batches wait in the spool. */
  get degraded(): boolean {
    return this.#degraded;
  }

  enqueue(table: string, row: Record<string, unknown>): void {
    let buffer = this.#buffers.get(table);
    if (!buffer) this.#buffers.set(table, (buffer = []));
    buffer.push(row);
    if (buffer.length >= this.#maxRows) void this.flush();
  }

  /** Writes everything buffered so far (or spools it). Resolves when done; never rejects. */
  flush(): Promise<void> {
    const batches: SpooledBatch[] = [];
    for (const [table, rows] of this.#buffers) if (rows.length) batches.push({ table, rows: rows.splice(0) });
    if (!batches.length) return this.#chain;
    return this.#serial(async () => {
      for (const batch of batches) await this.#write(batch);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    await this.flush();
    if (this.#degraded) await this.#serial(() => this.#tryReplay());
    clearTimeout(this.#retry);
  }

  /** One write at a time, so batches reach ClickHouse (or the spool) in the order they were made. */
  #serial(task: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(task).catch((error: unknown) => this.#onError(error as Error));
    return this.#chain;
  }

  async #write(batch: SpooledBatch): Promise<void> {
    if (this.#degraded) {
      await this.#toSpool(batch);
      return;
    }
    try {
      await this.#db.insert(batch.table, batch.rows);
      this.stats.written += batch.rows.length;
    } catch (error) {
      const e = classifyClickHouseError(error);
      this.stats.failures++;
      this.#onError(e);
      // Even a batch ClickHouse refuses is kept: the spool is where an operator finds it.
      this.#degraded = true;
      await this.#toSpool(batch);
    }
  }

  async #toSpool(batch: SpooledBatch): Promise<void> {
    await this.#spool.append(batch);
    this.stats.spooled += batch.rows.length;
    this.#scheduleReplay();
  }

  #scheduleReplay(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#serial(() => this.#tryReplay());
    }, this.options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS);
    this.#retry.unref();
  }

  async #tryReplay(): Promise<void> {
    try {
      await this.#spool.replay(async (batch) => {
        await this.#db.insert(batch.table, batch.rows);
        this.stats.replayed += batch.rows.length;
      });
      this.#degraded = false;
    } catch (error) {
      this.stats.failures++;
      this.#onError(classifyClickHouseError(error));
      this.#scheduleReplay();
    }
  }
}
