/**
 * Never lose a record: batches written while ClickHouse is unreachable wait in the spool and reach the table in
 * order once it is back, also across a restart; replays never double a row.
 *
 * The store is real (embedded chdb); "unreachable" is a gate in front of it that fails inserts the way a down
 * server does (CH_ERR_UNAVAILABLE), since one process cannot kill and restart its own embedded engine.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
    const writer = new BatchWriter(g, { spoolPath: join(dir, 'spool-a.jsonl'), maxRows: 100, flushIntervalMs: 20, retryIntervalMs: 30 });
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
    expect(writer.stats.spooled).toBeGreaterThan(0);
    await burst(200);
    g.down = false;
    await burst(250);
    await writer.close();
    expect(writer.degraded).toBe(false);
    expect(await count()).toEqual({ rows: 1000, distinct: 1000 });
  });

  it('a restart replays the spool a previous process left, without doubling rows', async () => {
    await db.command('TRUNCATE TABLE calls');
    const spoolPath = join(dir, 'spool-b.jsonl');
    const first = gate(db);
    const before = new BatchWriter(first, { spoolPath, maxRows: 50, retryIntervalMs: 60_000 });
    await before.start();
    for (let i = 0; i < 120; i++) before.enqueue('calls', callRow({ call_id: `b${i}` }));
    await before.flush();
    first.down = true;
    for (let i = 120; i < 300; i++) before.enqueue('calls', callRow({ call_id: `b${i}` }));
    await before.close();
    expect((await readFile(spoolPath, 'utf8')).trim().split('\n').length).toBeGreaterThan(0);

    // The same batch replayed twice (a crash between insert and truncating the spool) must not double rows.
    const after = new BatchWriter(db, { spoolPath, maxRows: 50 });
    await after.start();
    await after.close();
    expect(after.stats.replayed).toBe(180);
    expect(await readFile(spoolPath, 'utf8')).toBe('');
    await db.insert('calls', [callRow({ call_id: 'b200' })]);
    expect(await count()).toEqual({ rows: 300, distinct: 300 });
  });
});
