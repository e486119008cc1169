import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { COMMANDS } from './commands/index.js';

function io(cwd: string, env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr, env, cwd }, out: () => out, err: () => err };
}

describe('airlock CLI', () => {
  it('lists every command in --help, and each command has its own --help', async () => {
    const t = io('/tmp');
    expect(await main(['--help'], t.io)).toBe(0);
    for (const c of COMMANDS) {
      expect(t.out()).toContain(c.name);
      const h = io('/tmp');
      expect(await main([c.name, '--help'], h.io)).toBe(0);
      expect(h.out()).toMatch(/^Usage: airlock /);
    }
  });

  it('rejects unknown commands', async () => {
    const t = io('/tmp');
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.err()).toContain('unknown command');
  });

  it('creates, lists and revokes keys; the store holds only hashes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
    const created = io(dir);
    expect(await main(['keys', 'create', '--team', 'risk', '--user', 'ann', '--role', 'analyst', '--json'], created.io)).toBe(0);
    const { id, key } = JSON.parse(created.out()) as { id: string; key: string };
    expect(key).toMatch(/^alk_/);
    const stored = await readFile(join(dir, 'data', 'keys.json'), 'utf8');
    expect(stored).not.toContain(key);

    const listed = io(dir);
    await main(['keys', 'list'], listed.io);
    expect(listed.out()).toContain(`${id}\t`);
    expect(listed.out()).toContain('active');

    expect(await main(['keys', 'revoke', id], io(dir).io)).toBe(0);
    const after = io(dir);
    await main(['keys', 'list', '--json'], after.io);
    expect((JSON.parse(after.out()) as { revoked_at: string | null }[])[0]!.revoked_at).not.toBeNull();
    expect(await main(['keys', 'revoke', 'key_missing'], io(dir).io)).toBe(1);
  });

  it('explains a missing flag', async () => {
    const t = io('/tmp');
    expect(await main(['keys', 'create', '--team', 'x'], t.io)).toBe(1);
    expect(t.err()).toContain('--team and --user');
  });
});
