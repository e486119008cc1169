/**
 * An append-only local file of batches that could not be written, replayed in order once ClickHouse is back (and
 * at the next start). Each line is one batch: {"table": …, "rows": […]}.
 */
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SpooledBatch {
  readonly table: string;
  readonly rows: readonly Record<string, unknown>[];
}

export class Spool {
  constructor(readonly path: string) {}

  async append(batch: SpooledBatch): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, JSON.stringify(batch) + '\n');
  }

  async isEmpty(): Promise<boolean> {
    try {
      return (await stat(this.path)).size === 0;
    } catch {
      return true;
    }
  }

  /**
   * Hands each batch, in order, to `write`; when all succeed the spool is emptied. A failure leaves the file as it
   * was: batches already written are written again next time, which the tables' replacing keys make harmless.
   */
  async replay(write: (batch: SpooledBatch) => Promise<void>): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return 0;
    }
    const lines = text.split('\n').filter(Boolean);
    for (const line of lines) await write(JSON.parse(line) as SpooledBatch);
    // Batches spooled while we replayed stay, since only the replayed prefix is dropped.
    const now = await readFile(this.path, 'utf8');
    const rest = now.slice(text.length);
    const tmp = `${this.path}.tmp`;
    await appendFile(tmp, rest, { flag: 'w' });
    await rename(tmp, this.path);
    return lines.length;
  }
}
