/**
 * Group commit: every row appended in one event-loop turn reaches the file with one write() at the end of the
 * turn, and every answer waiting in that turn waits on the same promise; nothing to wait for costs no promise.
 */
import * as fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteAheadLog } from './wal.js';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, writeSync: vi.fn(real.writeSync) };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-wal-'));
  vi.mocked(fs.writeSync).mockClear();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (wal: WriteAheadLog): Promise<string[]> => (await readFile(join(dir, `${String(wal.segments()[0]).padStart(8, '0')}.wal`), 'utf8')).trim().split('\n');

describe('WriteAheadLog group commit', () => {
  it('writes the rows of one turn with one write, after which every commit of that turn resolves', async () => {
    const wal = new WriteAheadLog(dir, { fsyncMs: 60_000 });
    expect(wal.open()).toEqual([]);
    expect(wal.commit()).toBeUndefined();
    const commits = new Set<Promise<void> | undefined>();
    for (let i = 0; i < 100; i++) {
      wal.append('calls', JSON.stringify({ call_id: `c${i}`, text: 'x\u0000\u2028é' }));
      commits.add(wal.commit());
    }
    expect(commits.size).toBe(1);
    // Nothing is written inside the turn: the answers of the whole turn share the write.
    expect(fs.writeSync).not.toHaveBeenCalled();
    await [...commits][0];
    expect(fs.writeSync).toHaveBeenCalledTimes(1);
    const written = await lines(wal);
    expect(written).toHaveLength(100);
    expect(JSON.parse(written[99]!)).toEqual({ table: 'calls', row: { call_id: 'c99', text: 'x\u0000\u2028é' } });

    // The next turn is the next group; a turn that appended nothing waits for nothing.
    wal.append('spans', JSON.stringify({ span_id: 's' }));
    await wal.commit();
    expect(fs.writeSync).toHaveBeenCalledTimes(2);
    expect(wal.commit()).toBeUndefined();
    wal.close();
  });

  it('a segment sealed mid-turn takes the rows appended so far, and commits waiting on them resolve', async () => {
    const wal = new WriteAheadLog(dir, { fsyncMs: 60_000 });
    wal.open();
    wal.append('calls', JSON.stringify({ call_id: 'a' }));
    const waiting = wal.commit();
    const sealed = wal.seal();
    expect(sealed).toBe(1);
    await waiting;
    wal.append('calls', JSON.stringify({ call_id: 'b' }));
    await wal.commit();
    expect((await wal.read(1)).rows.map((r) => r.row.call_id)).toEqual(['a']);
    expect((await wal.read(2)).rows.map((r) => r.row.call_id)).toEqual(['b']);
    wal.close();
  });
});
