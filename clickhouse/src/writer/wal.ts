/**
 * The write-ahead file: every row any table gets is appended here before the gateway answers, so a killed
 * process loses nothing it answered. Rows appended in one event-loop turn are written with one write() at the end
 * of the turn (group commit); the page cache keeps them through a process kill. `fsyncMs` bounds what a machine
 * crash can lose: fdatasync runs that often in the background, or before every commit resolves when it is 0.
 *
 * The log is a directory of numbered segments (`00000001.wal`, one JSON line a row). The writer seals the open
 * segment when it takes its buffers for a batch, and releases (deletes) a sealed segment once ClickHouse holds
 * every row in it, so the directory holds only what the store has not acknowledged: it is also the backlog that
 * is replayed while ClickHouse is unreachable, and at the next start.
 */
import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalOptions {
  /** How often written rows are forced to disk (ms); 0 forces them before every commit resolves. */
  readonly fsyncMs?: number;
}

export const DEFAULT_FSYNC_MS = 1_000;

export interface WalRow {
  readonly table: string;
  readonly row: Record<string, unknown>;
}

/** One segment read back: its rows, and the lines that were not rows (a write torn by a crash, a damaged file). */
export interface WalSegment {
  readonly id: number;
  readonly rows: WalRow[];
  readonly badLines: string[];
}

const SEGMENT = /^(\d{8,})\.wal$/;
const name = (id: number): string => `${String(id).padStart(8, '0')}.wal`;

export class WriteAheadLog {
  readonly dir: string;
  readonly #fsyncMs: number;
  #current = 0;
  #fd: number | undefined;
  /** Lines appended this turn, not yet written. */
  #pending: string[] = [];
  #scheduled = false;
  /** Resolves the commits waiting on the lines being written now. */
  #waiters: (() => void)[] = [];
  #group: Promise<void> | undefined;
  #dirty = false;
  #syncTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #inFlight = new Map<number, number>();
  readonly #toClose = new Set<number>();
  /** Each table's line prefix. */
  readonly #heads = new Map<string, string>();

  constructor(dir: string, options: WalOptions = {}) {
    this.dir = dir;
    this.#fsyncMs = options.fsyncMs ?? DEFAULT_FSYNC_MS;
  }

  /** Opens the log; returns the ids of segments an earlier process left (oldest first), to be replayed. */
  open(): number[] {
    mkdirSync(this.dir, { recursive: true });
    const left = this.segments();
    this.#current = (left.at(-1) ?? 0) + 1;
    if (this.#fsyncMs > 0) {
      this.#syncTimer = setInterval(() => this.#backgroundSync(), this.#fsyncMs);
      this.#syncTimer.unref();
    }
    return left;
  }

  /** Segment ids on disk, oldest first (the open one included). */
  segments(): number[] {
    return readdirSync(this.dir)
      .map((f) => SEGMENT.exec(f)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Segments no longer written to, oldest first: the ones a replay may take. */
  sealed(): number[] {
    return this.segments().filter((id) => id < this.#current);
  }

  /**
   * Queues one row, given as its JSON text (the writer encodes a row once, for this file and for its insert); it
   * reaches the file at the end of this event-loop turn. Never throws, never waits.
   */
  append(table: string, rowJson: string): void {
    // The line as JSON.stringify({ table, row }) would make it, without building the wrapper object per row.
    let head = this.#heads.get(table);
    if (!head) this.#heads.set(table, (head = `{"table":${JSON.stringify(table)},"row":`));
    this.#pending.push(`${head}${rowJson}}\n`);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#writeGroup);
    }
  }

  /**
   * Resolves once every row appended so far is in the file (and on disk, when fsyncMs is 0). Undefined when there
   * is nothing to wait for, so an answer with nothing new to log costs no promise.
   */
  commit(): Promise<void> | undefined {
    if (!this.#pending.length && !this.#waiters.length) return undefined;
    return (this.#group ??= new Promise<void>((resolve) => this.#waiters.push(resolve)));
  }

  /** Writes what is pending and closes the open segment; returns its id, or undefined if it holds nothing. */
  seal(): number | undefined {
    this.#writePending();
    if (this.#fd === undefined) return undefined;
    const id = this.#current++;
    const fd = this.#fd;
    this.#fd = undefined;
    // Off the event loop: the sealed segment reaches the disk in the background, then its descriptor closes.
    if (this.#dirty) this.#sync(fd, () => undefined);
    this.#dirty = false;
    this.#closeWhenIdle(fd);
    return id;
  }

  /** Deletes sealed segments: ClickHouse holds their rows (or the dead-letter file does). */
  async release(ids: readonly number[]): Promise<void> {
    for (const id of ids) await unlink(join(this.dir, name(id))).catch(() => undefined);
  }

  async read(id: number): Promise<WalSegment> {
    const text = await readFile(join(this.dir, name(id)), 'utf8').catch(() => '');
    const rows: WalRow[] = [];
    const badLines: string[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const parsed = JSON.parse(line) as WalRow;
        if (typeof parsed?.table === 'string' && parsed.row && typeof parsed.row === 'object') rows.push(parsed);
        else badLines.push(line);
      } catch {
        badLines.push(line);
      }
    }
    return { id, rows, badLines };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#syncTimer);
    this.#writePending();
    if (this.#fd !== undefined) {
      if (this.#dirty) fsyncSafe(this.#fd);
      this.#closeWhenIdle(this.#fd);
      this.#fd = undefined;
    }
  }

  readonly #writeGroup = (): void => {
    this.#scheduled = false;
    this.#writePending();
  };

  #writePending(): void {
    const waiters = this.#waiters;
    this.#group = undefined;
    this.#waiters = [];
    if (this.#pending.length) {
      const text = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join('');
      this.#pending = [];
      this.#fd ??= openSync(join(this.dir, name(this.#current)), 'a');
      // A string is written without a copy into a Buffer first; a short write (rare on a file) goes on from a Buffer.
      const written = writeSync(this.#fd, text);
      if (written < Buffer.byteLength(text)) {
        const buf = Buffer.from(text);
        for (let off = written; off < buf.length; ) off += writeSync(this.#fd, buf, off);
      }
      this.#dirty = true;
    }
    if (!waiters.length) return;
    if (this.#fsyncMs > 0 || this.#fd === undefined) {
      for (const w of waiters) w();
      return;
    }
    // fsync_ms 0: the answers wait for the disk, one fdatasync for everything this turn wrote.
    this.#dirty = false;
    this.#sync(this.#fd, () => {
      for (const w of waiters) w();
    });
  }

  #backgroundSync(): void {
    if (!this.#dirty || this.#fd === undefined) return;
    this.#dirty = false;
    this.#sync(this.#fd, () => undefined);
  }

  /** fdatasync in libuv's pool; a descriptor is closed only once no sync on it is in flight. */
  #sync(fd: number, done: () => void): void {
    this.#inFlight.set(fd, (this.#inFlight.get(fd) ?? 0) + 1);
    fdatasync(fd, () => {
      const left = this.#inFlight.get(fd)! - 1;
      if (left) this.#inFlight.set(fd, left);
      else this.#inFlight.delete(fd);
      if (!left && this.#toClose.delete(fd)) closeSync(fd);
      done();
    });
  }

  #closeWhenIdle(fd: number): void {
    if (this.#inFlight.has(fd)) this.#toClose.add(fd);
    else closeSync(fd);
  }
}

function fsyncSafe(fd: number): void {
  try {
    fsyncSync(fd);
  } catch {
    // A file system without fsync (some tmpfs setups) still has the data in the page cache.
  }
}
