/**
 * A real gateway process (`airlock serve`, embedded chdb, the default policy bundle) in front of a fake upstream,
 * under load from concurrent clients, buffered and streamed calls and admin writes, is killed with SIGKILL at a
 * random moment and started again on the same data directory. Every call a client saw answered is in the store
 * exactly once, and every audit entry an answer acknowledged is in a trail that verifies: no gap, none doubled.
 *
 * AIRLOCK_SIGKILL_SEED replays the moment of a failing run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEmbedded } from '@airlock/clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { ADMIN_KEY, FAKE_ENV } from './helpers/start-gateway.js';

const BIN = fileURLToPath(new URL('../bin/airlock.mjs', import.meta.url));
const SEED = Number(process.env.AIRLOCK_SIGKILL_SEED ?? Date.now() % 1_000_000);
/**
 * The kill comes once this many calls were answered (a moment set by progress, not by time, so a machine busy with
 * other work moves it but does not void it), or after KILL_BY_MS whatever the count.
 */
const KILL_AFTER_CALLS = 150 + (SEED % 450);
const KILL_BY_MS = 12_000;
const CLIENTS = 16;

let dir: string;
let upstream: FakeUpstream;
let configPath: string;

interface Gateway {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

async function serve(): Promise<Gateway> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configPath, '--port', '0'], {
    env: { ...process.env, ...FAKE_ENV, AIRLOCK_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /gateway listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`airlock serve exited with ${code} before listening:\n${output}`)));
  });
  return { child, url, exited };
}

const admin = (gw: Gateway, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(gw.url + path, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-sigkill-'));
  upstream = await startFakeUpstream();
  upstream.setEventDelay(1);
  configPath = join(dir, 'airlock.json');
  await writeFile(
    configPath,
    JSON.stringify({
      providers: { openai: { kind: 'openai', base_url: upstream.openaiBaseUrl, api_key_env: 'FAKE_OPENAI_KEY' } },
      models: { 'gpt-test': { deployments: [{ provider: 'openai', model: 'gpt-upstream' }] } },
      store: { kind: 'embedded', path: 'data/clickhouse' },
      audit: { checkpoint_interval_s: 0.5 },
    }),
  );
});
afterAll(async () => {
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SIGKILL of a gateway under load', () => {
  it(`loses no answered call and no acknowledged audit entry, and doubles none (kill after ${KILL_AFTER_CALLS} answers, seed ${SEED})`, { timeout: 60_000 }, async () => {
    const first = await serve();
    const created = await admin(first, '/admin/keys', { method: 'POST', body: JSON.stringify({ team: 'platform', user: 'load' }) });
    expect(created.status).toBe(201);
    const key = ((await created.json()) as { key: string }).key;

    const answered: string[] = [];
    const keysAcknowledged: string[] = [];
    let failedAfterKill = 0;
    let stop = false;
    const chat = async (n: number): Promise<void> => {
      const stream = n % 4 === 0;
      const res = await fetch(`${first.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'gpt-test', stream, messages: [{ role: 'user', content: `call ${n}` }] }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 300)}`);
      // A streamed answer is complete only with its last event.
      if (stream && !text.includes('data: [DONE]')) return;
      answered.push(res.headers.get('x-airlock-call-id')!);
    };
    const client = async (c: number): Promise<void> => {
      for (let n = c; !stop; n += CLIENTS) {
        try {
          await chat(n);
        } catch (error) {
          if (!stop) throw error;
          failedAfterKill++;
        }
      }
    };
    const keyAdmin = async (): Promise<void> => {
      for (let n = 0; !stop; n++) {
        try {
          const res = await admin(first, '/admin/keys', { method: 'POST', body: JSON.stringify({ team: 'risk', user: `u${n}` }) });
          if (res.status === 201) keysAcknowledged.push(((await res.json()) as { id: string }).id);
        } catch (error) {
          if (!stop) throw error;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const started = Date.now();
    const load = Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), keyAdmin()]);
    const killed = (async () => {
      while (answered.length < KILL_AFTER_CALLS && Date.now() - started < KILL_BY_MS) await new Promise((r) => setTimeout(r, 2));
      stop = true;
      first.child.kill('SIGKILL');
      await first.exited;
    })();
    await Promise.all([load, killed]);
    const elapsed = (Date.now() - started) / 1000;
    // The kill came while calls were in flight, and a write-ahead file was left to replay.
    expect(answered.length).toBeGreaterThan(20);
    expect(failedAfterKill).toBeGreaterThan(0);
    const leftToReplay = (await readdir(join(dir, 'data', 'wal'))).some((f) => f.endsWith('.wal'));
    console.log(`sigkill: ${answered.length} calls answered in ${elapsed.toFixed(1)} s (${Math.round(answered.length / elapsed)}/s), ${keysAcknowledged.length} keys created, ${failedAfterKill} cut by the kill`);

    // The restarted gateway replays the write-ahead file, then answers; its trail must verify across the kill.
    const second = await serve();
    const verify = (await (await admin(second, '/admin/audit/verify')).json()) as { ok: boolean; firstBroken?: unknown; entries: number };
    expect(verify, JSON.stringify(verify)).toMatchObject({ ok: true });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const db = openEmbedded(join(dir, 'data', 'clickhouse'));
    try {
      // The raw count, without FINAL: a replayed row written twice would show before any merge.
      const rows = await db.query<{ call_id: string; n: number | string }>('SELECT call_id, count() AS n FROM calls GROUP BY call_id');
      const stored = new Map(rows.map((r) => [r.call_id, Number(r.n)]));
      const missing = answered.filter((id) => !stored.has(id));
      const doubled = rows.filter((r) => Number(r.n) > 1).map((r) => r.call_id);
      expect({ answered: answered.length, missing: missing.length, doubled: doubled.length }).toEqual({ answered: answered.length, missing: 0, doubled: 0 });
      // What the kill left unflushed reached the store through the write-ahead file.
      expect(leftToReplay).toBe(true);

      const trail = await db.query<{ seq: number | string; action: string; subject: string; n: number | string }>(
        "SELECT seq, any(action) AS action, any(subject) AS subject, count() AS n FROM audit_trail WHERE tenant = 'default' GROUP BY seq ORDER BY seq",
      );
      expect(trail.filter((t) => Number(t.n) > 1)).toEqual([]);
      expect(trail.map((t) => Number(t.seq))).toEqual(trail.map((_, i) => i + 1));
      const subjects = new Set(trail.filter((t) => t.action === 'key.created').map((t) => t.subject));
      expect(keysAcknowledged.filter((id) => !subjects.has(id))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
