/**
 * Never lose a record, against a real ClickHouse server: the server is killed (SIGKILL) in the middle of a steady
 * load and started again; every row arrives exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, migrate, openServer, openStore, type ClickHouseAdapter } from '../src/index.js';
import { startChdbHttpServer, type ChdbHttpServer } from './chdb-http-server.js';
import { callRow } from './fixtures.js';

let dir: string;
let server: ChdbHttpServer;
let db: ClickHouseAdapter;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-kill-'));
  server = await startChdbHttpServer(join(dir, 'data'));
  db = openServer({ url: server.url, requestTimeoutMs: 3_000 });
  await migrate(db);
});
afterAll(async () => {
  await db.close();
  await server.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('BatchWriter with a ClickHouse server that dies mid-load', () => {
  it('keeps a backlog while the server is down and replays in order when it is back: none missing, none doubled', async () => {
    const errors: string[] = [];
    const writer = new BatchWriter(db, { walDir: join(dir, 'wal'), maxRows: 200, flushIntervalMs: 20, retryIntervalMs: 150, onError: (e) => errors.push(e.message) });
    await writer.start();
    let n = 0;
    const load = async (ms: number): Promise<void> => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        for (let i = 0; i < 50; i++) writer.enqueue('calls', callRow({ call_id: `k${n++}` }));
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await load(400);
    await server.kill();
    await load(600);
    expect(writer.degraded).toBe(true);
    await server.restart();
    await load(400);
    const deadline = Date.now() + 15_000;
    while (writer.degraded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await writer.close();
    expect(writer.degraded).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    expect(writer.stats.backlogged).toBeGreaterThan(0);
    const [row] = await db.query<{ rows: string | number; distinct: string | number }>('SELECT count() AS rows, uniqExact(call_id) AS distinct FROM calls FINAL');
    expect({ rows: Number(row!.rows), distinct: Number(row!.distinct) }).toEqual({ rows: n, distinct: n });
  });
});

describe('opening the store while the server is still starting', () => {
  it('waits for the server to answer, reporting each retry, then opens', async () => {
    await server.kill();
    const waits: string[] = [];
    const opening = openStore({ kind: 'server', url: server.url, requestTimeoutMs: 1_000, walDir: join(dir, 'start-wal'), onError: (e) => waits.push(e.message) });
    await new Promise((r) => setTimeout(r, 1_000));
    await server.restart();
    const store = await opening;
    await store.close();
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toMatch(/not reachable yet/);
  });

  it('gives up after startWaitMs with the store error', async () => {
    await server.kill();
    try {
      await expect(openStore({ kind: 'server', url: server.url, requestTimeoutMs: 500, startWaitMs: 600, walDir: join(dir, 'gone-wal') })).rejects.toMatchObject({ code: 'CH_ERR_UNAVAILABLE' });
    } finally {
      await server.restart();
    }
  });
});
