/**
 * Never lose a record: rows written while ClickHouse is unreachable wait in the write-ahead segments and reach the
 * table in order once it is back, also across a restart or a kill; replays never double a row; rows ClickHouse
 * refuses are isolated and dead-lettered without holding up the rest.
 *
 * The store is real (embedded chdb); "unreachable" is a gate in front of it that fails inserts the way a down
 * server does (CH_ERR_UNAVAILABLE), since one process cannot kill and restart its own embedded engine.
 */
import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, StoreError, migrate, openEmbedded, type ClickHouseAdapter } from '../src/index.js';
import { callRow } from './fixtures.js';

let dir: string;
let db: ClickHouseAdapter;

function gate(inner: ClickHouseAdapter): ClickHouseAdapter & { down: boolean } {
  const g = {
    ...inner,
    down: false,
    async insert(table: string, rows: readonly Record<string, unknown>[]) {
      if (g.down) throw new StoreError('CH_ERR_UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:8123');
      return inner.insert(table, rows);
    },
    async insertEncoded(table: string, rowsJson: readonly string[]) {
      if (g.down) throw new StoreError('CH_ERR_UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:8123');
      return inner.insertEncoded(table, rowsJson);
    },
  };
  return g;
}

async function count(): Promise<{ rows: number; distinct: number }> {
  const [r] = await db.query<{ rows: string | number; distinct: string | number }>('SELECT count() AS rows, uniqExact(call_id) AS distinct FROM calls FINAL');
  const [raw] = await db.query<{ n: string | number }>('SELECT count() AS n FROM calls');
  expect(Number(raw!.n)).toBeGreaterThanOrEqual(Number(r!.rows));
  return { rows: Number(r!.rows), distinct: Number(r!.distinct) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-writer-'));
  db = openEmbedded(join(dir, 'clickhouse'));
  await migrate(db);
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('BatchWriter', () => {
  it('flushes on size and keeps order; enqueue never throws while ClickHouse is down', async () => {
    await db.command('TRUNCATE TABLE calls');
    const g = gate(db);
    const writer = new BatchWriter(g, { walDir: join(dir, 'wal-a'), maxRows: 100, flushIntervalMs: 20, retryIntervalMs: 30 });
    await writer.start();
    let n = 0;
    const burst = async (size: number) => {
      for (let i = 0; i < size; i++) writer.enqueue('calls', callRow({ call_id: `a${n++}` }));
      await new Promise((r) => setTimeout(r, 25));
    };
    await burst(250);
    g.down = true;
    await burst(300);
    await writer.flush();
    expect(writer.degraded).toBe(true);
    expect(writer.stats.backlogged).toBeGreaterThan(0);
    await burst(200);
    g.down = false;
    await burst(250);
    await writer.close();
    expect(writer.degraded).toBe(false);
    expect(await count()).toEqual({ rows: 1000, distinct: 1000 });
    expect(await segments('wal-a')).toEqual([]);
  });

  it('a restart replays the backlog a previous process left, skipping rows ClickHouse already holds', async () => {
    await db.command('TRUNCATE TABLE calls');
    const walDir = join(dir, 'wal-b');
    const first = gate(db);
    const before = new BatchWriter(first, { walDir, maxRows: 50, retryIntervalMs: 60_000 });
    await before.start();
    for (let i = 0; i < 120; i++) before.enqueue('calls', callRow({ call_id: `b${i}` }));
    await before.flush();
    first.down = true;
    for (let i = 120; i < 300; i++) before.enqueue('calls', callRow({ call_id: `b${i}` }));
    await before.close();
    expect((await segments('wal-b')).length).toBeGreaterThan(0);

    // One backlogged row reached ClickHouse anyway (an insert that timed out after the server took it).
    await db.insert('calls', [callRow({ call_id: 'b200' })]);
    const after = new BatchWriter(db, { walDir, maxRows: 50 });
    await after.start();
    await after.close();
    expect(after.stats).toMatchObject({ replayed: 179, skippedPresent: 1 });
    expect(await segments('wal-b')).toEqual([]);
    // Not doubled even before a merge: the raw count, without FINAL, is exact.
    const [raw] = await db.query<{ n: string | number }>('SELECT count() AS n FROM calls');
    expect(Number(raw!.n)).toBe(300);
    expect(await count()).toEqual({ rows: 300, distinct: 300 });
  });

  it('a killed process (never flushed, never closed) loses no committed row; a torn last line is dead-lettered', async () => {
    await db.command('TRUNCATE TABLE calls');
    const walDir = join(dir, 'wal-c');
    const killed = new BatchWriter(db, { walDir, flushIntervalMs: 60_000 });
    await killed.start();
    for (let i = 0; i < 40; i++) killed.enqueue('calls', callRow({ call_id: `c${i}` }));
    await killed.commit();
    // What a kill in the middle of write() leaves: half a line at the end of the open segment.
    const [open] = await segments('wal-c');
    await appendFile(join(walDir, open!), '{"table":"calls","row":{"call_id":"half');
    expect(await count()).toEqual({ rows: 0, distinct: 0 });

    const restarted = new BatchWriter(db, { walDir });
    await restarted.start();
    await restarted.close();
    expect(restarted.stats).toMatchObject({ replayed: 40, deadLettered: 1 });
    expect(await count()).toEqual({ rows: 40, distinct: 40 });
    const letters = (await readFile(join(walDir, 'dead-letter.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(letters).toMatchObject([{ table: '(unreadable)', row: { line: '{"table":"calls","row":{"call_id":"half' } }]);
  });

  it('isolates the rows ClickHouse refuses, dead-letters them and writes the rest, live and on replay', async () => {
    await db.command('TRUNCATE TABLE calls');
    // A real refusal by ClickHouse for the data (VIOLATED_CONSTRAINT): the whole batch is refused at once.
    await db.command("ALTER TABLE calls ADD CONSTRAINT no_evil CHECK call_id NOT LIKE 'evil%'");
    try {
      const walDir = join(dir, 'wal-d');
      const letters: string[] = [];
      const writer = new BatchWriter(db, { walDir, flushIntervalMs: 60_000, onDeadLetter: (l) => letters.push(...l.rows.map((r) => String(r.call_id))) });
      await writer.start();
      for (let i = 0; i < 500; i++) writer.enqueue('calls', callRow({ call_id: i % 97 === 5 ? `evil${i}` : `d${i}` }));
      await writer.flush();
      expect(writer.degraded).toBe(false);
      expect(letters).toEqual(['evil5', 'evil102', 'evil199', 'evil296', 'evil393', 'evil490']);
      expect(await count()).toEqual({ rows: 494, distinct: 494 });

      // The same in a backlog left by an earlier process: replay goes past the refused rows, never stops on them.
      const gated = gate(db);
      const down = new BatchWriter(gated, { walDir, flushIntervalMs: 60_000, retryIntervalMs: 60_000 });
      await down.start();
      gated.down = true;
      for (let i = 0; i < 50; i++) down.enqueue('calls', callRow({ call_id: i === 7 ? 'evil-late' : `e${i}` }));
      await down.close();
      const replay = new BatchWriter(db, { walDir, onDeadLetter: (l) => letters.push(...l.rows.map((r) => String(r.call_id))) });
      await replay.start();
      await replay.close();
      expect(replay.degraded).toBe(false);
      expect(replay.stats).toMatchObject({ replayed: 49, deadLettered: 1 });
      expect(letters.at(-1)).toBe('evil-late');
      expect(await count()).toEqual({ rows: 543, distinct: 543 });
      const file = (await readFile(join(walDir, 'dead-letter.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(file.map((l) => l.row.call_id)).toEqual([...letters]);
      expect(file[0]).toMatchObject({ table: 'calls', code: 469 });
    } finally {
      await db.command('ALTER TABLE calls DROP CONSTRAINT no_evil');
    }
  });
});

async function segments(name: string): Promise<string[]> {
  return (await readdir(join(dir, name))).filter((f) => f.endsWith('.wal')).sort();
}
