/**
 * Buffers rows per table and writes them in batches (on size or on interval, whichever first), off the request
 * path: enqueue never waits and never throws. Every row is made fit for its table, then logged to the
 * write-ahead file (see wal.ts) before it is buffered, so the gateway can answer once `commit()` resolves.
 *
 * A batch ClickHouse refuses for its data is split until the rows at fault are isolated: those go to the
 * dead-letter file (and `onDeadLetter`), the rest are written. While ClickHouse cannot take writes, the
 * write-ahead segments are the backlog: a background loop replays them in order once it answers, and start()
 * replays what a previous process left, skipping rows ClickHouse already holds.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseAdapter } from '../adapter.js';
import { StoreError, classifyClickHouseError } from '../errors.js';
import type { Retention } from '../migrate.js';
import { ROW_IDENTITY, chTime } from '../tables.js';
import { markAltered, sanitizeRow } from './sanitize.js';
import { WriteAheadLog, type WalRow } from './wal.js';

export interface BatchWriterOptions {
  readonly maxRows?: number;
  readonly flushIntervalMs?: number;
  readonly retryIntervalMs?: number;
  /** The write-ahead directory (segments, and the dead-letter file unless deadLetterPath says otherwise). */
  readonly walDir: string;
  /** See WalOptions.fsyncMs. */
  readonly fsyncMs?: number;
  readonly deadLetterPath?: string;
  /** The tables' retention: a row timed before it would be dropped by ClickHouse on insert (see sanitize.ts). */
  readonly retention?: Retention;
  readonly onError?: (error: Error) => void;
  /** Rows ClickHouse refused for their data, now in the dead-letter file. */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

export interface DeadLetter {
  readonly table: string;
  readonly rows: readonly Record<string, unknown>[];
  readonly error: StoreError;
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;
export const DEFAULT_RETRY_INTERVAL_MS = 2_000;
/** Ids looked up per query when a replay checks what ClickHouse already holds (they travel in the URL). */
const PROBE_CHUNK = 2_000;

export interface WriterStats {
  /** Rows written by the batches of this process. */
  written: number;
  /** Rows left in write-ahead segments while ClickHouse could not take them. */
  backlogged: number;
  /** Rows written from the backlog. */
  replayed: number;
  /** Rows the backlog held that ClickHouse already had (an earlier write that was not acknowledged in time). */
  skippedPresent: number;
  deadLettered: number;
  /** Fields made fit for their column (a row says which, see sanitize.ts). */
  altered: number;
  failures: number;
}

/** Rows of one table as JSON texts: encoded once, when they were logged (see ClickHouseAdapter.insertEncoded). */
interface Batch {
  readonly table: string;
  readonly rows: string[];
}

export class BatchWriter {
  readonly #db: ClickHouseAdapter;
  readonly #wal: WriteAheadLog;
  readonly #buffers = new Map<string, string[]>();
  readonly #maxRows: number;
  readonly #onError: (error: Error) => void;
  readonly #deadLetterPath: string;
  /** Sealed segments whose rows a queued flush still holds in memory: the replay leaves them to it. */
  readonly #owned = new Set<number>();
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #degraded = false;
  readonly stats: WriterStats = { written: 0, backlogged: 0, replayed: 0, skippedPresent: 0, deadLettered: 0, altered: 0, failures: 0 };

  constructor(db: ClickHouseAdapter, private readonly options: BatchWriterOptions) {
    this.#db = db;
    this.#wal = new WriteAheadLog(options.walDir, options.fsyncMs !== undefined ? { fsyncMs: options.fsyncMs } : {});
    this.#maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.#onError = options.onError ?? (() => undefined);
    this.#deadLetterPath = options.deadLetterPath ?? join(options.walDir, 'dead-letter.jsonl');
  }

  /** Replays what an earlier process left in the write-ahead file, then flushes on the interval. */
  async start(): Promise<void> {
    if (this.#wal.open().length) {
      this.#degraded = true;
      await this.#serial(() => this.#tryReplay());
    }
    this.#timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  /** True while rows wait in the backlog. */
  get degraded(): boolean {
    return this.#degraded;
  }

  /**
   * Queues a row (made fit for its table first); returns the fields that had to change, if any. `alsoAltered`
   * names fields of a related row (a call's bodies) the row should list as altered too.
   */
  enqueue(table: string, input: object, alsoAltered?: readonly string[]): readonly string[] | undefined {
    const { row, altered } = sanitizeRow(table, input, this.options.retention ? { retention: this.options.retention } : {});
    if (altered) this.stats.altered += altered.length;
    if (alsoAltered?.length) markAltered(table, row, alsoAltered);
    const json = JSON.stringify(row);
    this.#wal.append(table, json);
    let buffer = this.#buffers.get(table);
    if (!buffer) this.#buffers.set(table, (buffer = []));
    buffer.push(json);
    if (buffer.length >= this.#maxRows) void this.flush();
    return altered;
  }

  /** See WriteAheadLog.commit: resolves once every row queued so far survives a kill of this process. */
  commit(): Promise<void> | undefined {
    return this.#wal.commit();
  }

  /** Rows the backlog holds for a table (not yet in ClickHouse), oldest first. */
  async backlog(table: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (const id of this.#wal.segments()) for (const r of (await this.#wal.read(id)).rows) if (r.table === table) rows.push(r.row);
    for (const r of this.#buffers.get(table) ?? []) rows.push(JSON.parse(r) as Record<string, unknown>);
    return rows;
  }

  /** Writes everything buffered so far (or leaves it in the backlog). Resolves when done; never rejects. */
  flush(): Promise<void> {
    const batches: Batch[] = [];
    for (const [table, rows] of this.#buffers) if (rows.length) batches.push({ table, rows: rows.splice(0) });
    const segment = this.#wal.seal();
    if (segment === undefined) return this.#chain;
    this.#owned.add(segment);
    return this.#serial(async () => {
      try {
        if (this.#degraded) throw new StoreError('CH_ERR_UNAVAILABLE', 'the backlog is not replayed yet');
        for (const batch of batches) this.stats.written += await this.#insertIsolating(batch.table, batch.rows);
        await this.#wal.release([segment]);
      } catch (error) {
        const e = classifyClickHouseError(error);
        if (!this.#degraded) {
          this.stats.failures++;
          this.#onError(e);
        }
        // The rows stay in their segment, which the replay writes in order (skipping any this attempt wrote).
        this.#degraded = true;
        this.stats.backlogged += batches.reduce((n, b) => n + b.rows.length, 0);
        this.#scheduleReplay();
      } finally {
        this.#owned.delete(segment);
      }
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    await this.flush();
    if (this.#degraded) await this.#serial(() => this.#tryReplay());
    clearTimeout(this.#retry);
    this.#wal.close();
  }

  /** One write at a time, so batches reach ClickHouse in the order they were made. */
  #serial(task: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(task).catch((error: unknown) => this.#onError(error as Error));
    return this.#chain;
  }

  /**
   * Inserts the rows; when ClickHouse refuses them for their data, halves the batch until each refused row stands
   * alone and dead-letters it. Returns the rows written; throws only when ClickHouse cannot take writes at all.
   */
  async #insertIsolating(table: string, rows: readonly string[]): Promise<number> {
    if (!rows.length) return 0;
    try {
      await this.#db.insertEncoded(table, rows);
      return rows.length;
    } catch (error) {
      const e = classifyClickHouseError(error);
      if (!e.refusedData) throw e;
      if (rows.length === 1) {
        await this.#deadLetter(table, rows, e);
        return 0;
      }
      const mid = rows.length >> 1;
      return (await this.#insertIsolating(table, rows.slice(0, mid))) + (await this.#insertIsolating(table, rows.slice(mid)));
    }
  }

  async #deadLetter(table: string, rows: readonly string[], error: StoreError): Promise<void> {
    // Each line as JSON.stringify({ at, table, code, error, row }) would make it, the row's text as it was logged.
    const head = JSON.stringify({ at: chTime(Date.now()), table, code: error.clickhouseCode ?? null, error: error.message.slice(0, 2_000) }).slice(0, -1);
    const lines = rows.map((row) => `${head},"row":${row}}\n`);
    // If even the dead-letter file cannot be written, the rows stay in the backlog: nothing is dropped silently.
    await appendFile(this.#deadLetterPath, lines.join(''));
    this.stats.deadLettered += rows.length;
    try {
      if (this.options.onDeadLetter) this.options.onDeadLetter({ table, rows: rows.map((r) => JSON.parse(r) as Record<string, unknown>), error });
    } catch (e) {
      this.#onError(e as Error);
    }
  }

  #scheduleReplay(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#serial(() => this.#tryReplay());
    }, this.options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS);
    this.#retry.unref();
  }

  /** Writes the backlog's segments oldest first, releasing each once ClickHouse holds its rows. */
  async #tryReplay(): Promise<void> {
    try {
      for (const id of this.#wal.sealed()) {
        if (this.#owned.has(id)) continue;
        const segment = await this.#wal.read(id);
        if (segment.badLines.length) {
          const rows = segment.badLines.map((line) => JSON.stringify({ line }));
          await this.#deadLetter('(unreadable)', rows, new StoreError('CH_ERR_QUERY', `segment ${id}: a line that is not a row (a write cut short by a crash)`));
        }
        for (const batch of byTable(segment.rows)) {
          const fresh = await this.#absent(batch.table, batch.rows);
          this.stats.skippedPresent += batch.rows.length - fresh.length;
          this.stats.replayed += await this.#insertIsolating(batch.table, fresh.map((r) => JSON.stringify(r)));
        }
        await this.#wal.release([id]);
      }
      this.#degraded = false;
    } catch (error) {
      this.stats.failures++;
      this.#onError(classifyClickHouseError(error));
      this.#scheduleReplay();
    }
  }

  /** The rows ClickHouse does not hold yet (by the table's row identity). */
  async #absent(table: string, rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const identity = ROW_IDENTITY[table];
    if (!identity || !rows.length) return rows;
    const key = (r: Record<string, unknown>): string => identity.keys.map((k) => String(r[k])).join('\u0000');
    const present = new Set<string>();
    for (let i = 0; i < rows.length; i += PROBE_CHUNK) {
      const chunk = rows.slice(i, i + PROBE_CHUNK);
      const params: Record<string, unknown> = { ids: [...new Set(chunk.map((r) => r[identity.probe]))] };
      let range = '';
      if (identity.time) {
        const times = chunk.map((r) => String(r[identity.time!])).sort();
        range = ` AND ${identity.time} >= {lo:DateTime64(6)} AND ${identity.time} <= {hi:DateTime64(6)}`;
        Object.assign(params, { lo: times[0], hi: times.at(-1) });
      }
      const found = await this.#db.query<Record<string, unknown>>(
        `SELECT ${identity.keys.map((k) => `toString(${k}) AS ${k}`).join(', ')} FROM ${table} WHERE ${identity.probe} IN {ids:Array(${identity.probeType})}${range} SETTINGS prefer_column_name_to_alias = 1`,
        params,
      );
      for (const r of found) present.add(key(r));
    }
    return present.size ? rows.filter((r) => !present.has(key(r))) : rows;
  }
}

/** A segment's rows as one batch per table, each in the order it was logged. */
function byTable(rows: readonly WalRow[]): { table: string; rows: Record<string, unknown>[] }[] {
  const batches = new Map<string, Record<string, unknown>[]>();
  for (const { table, row } of rows) {
    let list = batches.get(table);
    if (!list) batches.set(table, (list = []));
    list.push(row);
  }
  return [...batches].map(([table, list]) => ({ table, rows: list }));
}
