/**
 * First contact as a new user has it: `airlock serve` with no admin key configured, then the CLI in a second
 * terminal with no variables at all. Real processes (bin/airlock.mjs) on an embedded store, nothing in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/airlock.mjs', import.meta.url));
/** The user's environment, without anything Airlock reads. */
const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_')));

let dir: string;
let gateway: { child: ChildProcess; out: () => string; url: string } | null = null;

async function serve(): Promise<{ child: ChildProcess; out: () => string; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir, env: { ...cleanEnv(), AIRLOCK_CONSOLE_URL: 'http://127.0.0.1:3000' } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 50_000);
    child.stdout!.on('data', () => {
      // The banner is written in one piece, once the bootstrap key is in place.
      const m = /gateway listening on (\S+)\n[\s\S]*airlock: (sign in|the airlock CLI)[^\n]*\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}:\n${out}`)));
  });
  return { child, out: () => out, url };
}

async function stop(): Promise<void> {
  if (!gateway) return;
  const { child } = gateway;
  gateway = null;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...cleanEnv(), ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? 1, out, err })));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-first-contact-'));
  gateway = await serve();
}, 60_000);
afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe('first contact', () => {
  let bootstrapKey: string;

  it('the first start prints a bootstrap admin key once, beside the gateway and console addresses', async () => {
    const out = gateway!.out();
    expect(out).toContain('airlock: console at http://127.0.0.1:3000');
    const key = /sign in at http:\/\/127\.0\.0\.1:3000 with this key[^\n]*\n\n {4}(alk_\S+)\n/.exec(out)?.[1];
    expect(key).toBeDefined();
    bootstrapKey = key!;
    const me = await fetch(`${gateway!.url}/admin/me`, { headers: { authorization: `Bearer ${bootstrapKey}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: 'bootstrap', roles: expect.arrayContaining(['superadmin', 'admin']) });
  });

  it('writes the CLI credential file beside the store, readable by its owner only', async () => {
    const path = join(dir, 'data', 'admin-credentials.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ url: gateway!.url, key: bootstrapKey, pid: gateway!.child.pid });
  });

  it('the CLI reaches the running gateway with no variables, and with a stale AIRLOCK_ADMIN_KEY', async () => {
    const created = await cli(['keys', 'create', '--team', 'support', '--user', 'ann', '--json']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.out) as { id: string; key: string };
    const chat = await fetch(`${gateway!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(chat.status).toBe(200);
    const listed = await cli(['keys', 'list'], { AIRLOCK_ADMIN_KEY: 'alk_left-over-from-another-gateway' });
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${id}\t`);
    expect(listed.out).not.toContain(bootstrapKey);
    // Two CLI processes, each starting Node, tsx and the store's native module.
  }, 60_000);

  it('a store lock never reaches the user as a ClickHouse error', async () => {
    const res = await cli(['keys', 'list'], { AIRLOCK_URL: 'http://127.0.0.1:9' });
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^airlock keys: a running gateway \(pid \d+\) owns the store at .+, so the CLI goes through its admin API, but nothing answers at http:\/\/127\.0\.0\.1:9/);
    expect(res.err).not.toMatch(/CANNOT_OPEN_FILE|Cannot lock|DB::Exception/);
  });

  it('a restart keeps the bootstrap key and does not print it again; the CLI follows the new port', async () => {
    await stop();
    gateway = await serve();
    expect(gateway.out()).not.toContain(bootstrapKey);
    expect(gateway.out()).toContain(`sign in at http://127.0.0.1:3000 with the bootstrap admin key in ${join(dir, 'data', 'admin-credentials.json')}`);
    const listed = await cli(['keys', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.out) as { user: string }[]).map((k) => k.user).sort()).toEqual(['ann', 'bootstrap']);
  }, 60_000);
});
