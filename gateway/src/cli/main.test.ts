import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { openStore } from '@airlock/clickhouse';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
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

  it('with no gateway running, manages keys and the audit trail in the store directly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
    const env = { AIRLOCK_URL: 'http://127.0.0.1:9' };
    const created = io(dir, env);
    expect(await main(['keys', 'create', '--team', 'risk', '--user', 'ann', '--role', 'analyst', '--json'], created.io)).toBe(0);
    const { id, key } = JSON.parse(created.out()) as { id: string; key: string };
    expect(key).toMatch(/^alk_/);

    const listed = io(dir, env);
    await main(['keys', 'list'], listed.io);
    expect(listed.out()).toContain(`${id}\t`);
    expect(listed.out()).toContain('active');
    expect(listed.out()).not.toContain(key);

    expect(await main(['keys', 'revoke', id], io(dir, env).io)).toBe(0);
    const after = io(dir, env);
    await main(['keys', 'list', '--json'], after.io);
    expect((JSON.parse(after.out()) as { revoked_at: string | null }[])[0]!.revoked_at).not.toBeNull();
    expect(await main(['keys', 'revoke', 'key_missing'], io(dir, env).io)).toBe(1);

    const verified = io(dir, env);
    expect(await main(['audit', 'verify'], verified.io)).toBe(0);
    // Each CLI run that appended (keys create, revoke) signed a checkpoint on closing the store.
    expect(verified.out()).toMatch(/^audit trail of tenant default intact: 2 entries, HMAC seals checked\n  2 checkpoints match \(latest: entry 2, signed 20\d\d-[^)]+\); 0 entries are newer than it\n$/);
    const exported = io(dir, env);
    expect(await main(['audit', 'export', '--format', 'csv'], exported.io)).toBe(0);
    expect(exported.out().trim().split('\n').map((l) => l.split(',')[4])).toEqual(['action', 'key.created', 'key.revoked']);
  });

  it('audit verify names a trail cut back in the store, against its own or shipped checkpoints and public key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-cli-audit-'));
    const env = { AIRLOCK_URL: 'http://127.0.0.1:9' };
    for (const user of ['a', 'b', 'c']) expect(await main(['keys', 'create', '--team', 't', '--user', user], io(dir, env).io)).toBe(0);
    const shipped = io(dir, env);
    expect(await main(['audit', 'checkpoints'], shipped.io)).toBe(0);
    expect(shipped.out().trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3]);
    await writeFile(join(dir, 'shipped.jsonl'), shipped.out());
    const pub = io(dir, env);
    expect(await main(['audit', 'public-key'], pub.io)).toBe(0);
    expect(pub.out()).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    await writeFile(join(dir, 'audit.pub'), pub.out());

    // Someone with write access to ClickHouse removes the newest entry and the gateway's own checkpoint file.
    const config = await loadConfig(undefined, { env, cwd: dir });
    const store = await openStore(config.store!);
    await store.db.command("DELETE FROM audit_trail WHERE seq = 3");
    await store.close();
    await rm(join(dir, 'data', 'audit-checkpoints.jsonl'));

    const own = io(dir, env);
    expect(await main(['audit', 'verify'], own.io)).toBe(0);
    expect(own.out()).toContain('no checkpoint covers this trail yet');
    const checked = io(dir, env);
    expect(await main(['audit', 'verify', '--checkpoints', 'shipped.jsonl', '--public-key', 'audit.pub'], checked.io)).toBe(1);
    expect(checked.out()).toMatch(/^audit trail of tenant default BROKEN at entry 3: the trail ends at entry 2, but the checkpoint signed at .* covers entries up to 3/);
    const asJson = io(dir, env);
    expect(await main(['audit', 'verify', '--checkpoints', 'shipped.jsonl', '--json'], asJson.io)).toBe(1);
    expect(JSON.parse(asJson.out())).toMatchObject({ ok: false, entries: 2, firstBroken: { seq: 3 } });

    // A shipped checkpoint edited to hide the cut no longer verifies.
    const edited = shipped.out().replace('"seq":3', '"seq":2');
    await writeFile(join(dir, 'edited.jsonl'), edited);
    const forged = io(dir, env);
    expect(await main(['audit', 'verify', '--checkpoints', 'edited.jsonl', '--public-key', 'audit.pub'], forged.io)).toBe(1);
    expect(forged.out()).toMatch(/BROKEN at entry 2: the checkpoint on line 3 .* has an invalid signature/);
  });

  it('with a gateway running, goes through its admin API (the gateway owns the store)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-cli-api-'));
    const env = { AIRLOCK_ADMIN_KEY: 'cli-admin-key' };
    const config = await loadConfig(undefined, { env, cwd: dir });
    const app = await buildApp({ config });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const created = io(dir, { ...env, AIRLOCK_URL: url });
      expect(await main(['keys', 'create', '--team', 'ops', '--user', 'cy', '--json'], created.io)).toBe(0);
      const { id } = JSON.parse(created.out()) as { id: string };
      const listed = io(dir, { ...env, AIRLOCK_URL: url });
      expect(await main(['keys', 'list', '--json'], listed.io)).toBe(0);
      expect((JSON.parse(listed.out()) as { id: string }[]).map((k) => k.id)).toContain(id);
      const verified = io(dir, { ...env, AIRLOCK_URL: url });
      expect(await main(['audit', 'verify'], verified.io)).toBe(0);
      expect(verified.out()).toMatch(/^audit trail of tenant default intact: 1 entry, HMAC seals checked\n  no checkpoint covers this trail yet/);
    } finally {
      await app.close();
    }
  });

  it('acts in one tenant: the admin key\'s own, or the one --tenant names when the key is a superadmin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-cli-tenant-'));
    const env = { AIRLOCK_ADMIN_KEY: 'cli-admin-key' };
    const config = await loadConfig(undefined, { env, cwd: dir });
    const app = await buildApp({ config });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const run = async (argv: string[], key = env.AIRLOCK_ADMIN_KEY) => {
      const t = io(dir, { AIRLOCK_ADMIN_KEY: key, AIRLOCK_URL: url });
      return { code: await main(argv, t.io), out: t.out(), err: t.err() };
    };
    try {
      // The bootstrap key is a superadmin: it mints an admin for tenant acme and a key in its own tenant.
      const acmeAdmin = JSON.parse((await run(['keys', 'create', '--tenant', 'acme', '--team', 'ops', '--user', 'ann', '--role', 'admin', '--json'])).out) as { key: string; tenant: string };
      expect(acmeAdmin.tenant).toBe('acme');
      const home = JSON.parse((await run(['keys', 'create', '--team', 'ops', '--user', 'bo', '--json'])).out) as { id: string; tenant: string };
      expect(home.tenant).toBe('default');

      const listed = await run(['keys', 'list', '--json'], acmeAdmin.key);
      expect((JSON.parse(listed.out) as { tenant: string }[]).map((k) => k.tenant)).toEqual(['acme']);
      expect((await run(['keys', 'revoke', home.id], acmeAdmin.key)).code).toBe(1);
      const crossing = await run(['keys', 'list', '--tenant', 'default'], acmeAdmin.key);
      expect(crossing.code).toBe(1);
      expect(crossing.err).toContain('403');
      expect((await run(['audit', 'export', '--tenant', 'default'], acmeAdmin.key)).code).toBe(1);
      const acmeTrail = await run(['audit', 'export'], acmeAdmin.key);
      expect(acmeTrail.out.trim().split('\n').map((l) => (JSON.parse(l) as { tenant: string; action: string }).action)).toEqual(['tenant.crossed', 'key.created']);
      expect((await run(['audit', 'verify'], acmeAdmin.key)).out).toMatch(/^audit trail of tenant acme intact: 2 entries, HMAC seals checked\n/);
      expect((await run(['keys', 'list', '--tenant', 'acme', '--json'])).out).toContain('"tenant":"acme"');
    } finally {
      await app.close();
    }
    // Without a gateway the CLI opens the store itself, in --tenant or else the config's tenant.
    const direct = async (argv: string[]) => {
      const t = io(dir, { AIRLOCK_URL: 'http://127.0.0.1:9' });
      return { code: await main(argv, t.io), out: t.out() };
    };
    expect((JSON.parse((await direct(['keys', 'list', '--json'])).out) as { user: string }[]).map((k) => k.user)).toEqual(['bo']);
    expect((JSON.parse((await direct(['keys', 'list', '--tenant', 'acme', '--json'])).out) as { user: string }[]).map((k) => k.user)).toEqual(['ann']);
    const invalid = io(dir, { AIRLOCK_URL: 'http://127.0.0.1:9' });
    expect(await main(['keys', 'list', '--tenant', '../acme'], invalid.io)).toBe(1);
    expect(invalid.err()).toContain('--tenant');
    // acme's trail: the superadmin's two crossings into it and the key it created there.
    // Closing the gateway signed a checkpoint of acme's trail too.
    expect((await direct(['audit', 'verify', '--tenant', 'acme'])).out).toMatch(/^audit trail of tenant acme intact: 3 entries, HMAC seals checked\n  1 checkpoint matches \(latest: entry 3, /);
  });

  it('explains a missing flag', async () => {
    const t = io('/tmp');
    expect(await main(['keys', 'create', '--team', 'x'], t.io)).toBe(1);
    expect(t.err()).toContain('--team and --user');
  });
});

describe('airlock policy', () => {
  const bundle = new URL('../../../policies/bundles/default', import.meta.url).pathname;

  it('tests a bundle like opa test', async () => {
    const t = io('/tmp');
    expect(await main(['policy', 'test', bundle], t.io)).toBe(0);
    expect(t.out()).toMatch(/PASS: (\d+)\/\1\n$/);
  });

  it('evaluates a query like opa eval --format json', async () => {
    const t = io('/tmp');
    expect(await main(['policy', 'eval', '-d', bundle, 'x := data.governance.default_team.models'], t.io)).toBe(0);
    expect(JSON.parse(t.out())).toEqual({ result: [{ expressions: [{ value: true, text: 'x := data.governance.default_team.models', location: { row: 1, col: 1 } }], bindings: { x: ['demo-*'] } }] });
    // Expressions show their values, a lone false included; with several, a false one leaves the query undefined.
    const values = io('/tmp');
    expect(await main(['policy', 'eval', '-d', bundle, 'data.governance.default_team.models[i]; count(data.governance.default_team.models)'], values.io)).toBe(0);
    expect(JSON.parse(values.out()).result).toEqual([
      { expressions: [{ value: 'demo-*', text: 'data.governance.default_team.models[i]', location: { row: 1, col: 1 } }, { value: 1, text: 'count(data.governance.default_team.models)', location: { row: 1, col: 41 } }], bindings: { i: 0 } },
    ]);
    const lone = io('/tmp');
    expect(await main(['policy', 'eval', '-d', bundle, '1 == 2'], lone.io)).toBe(0);
    expect(JSON.parse(lone.out()).result[0].expressions[0].value).toBe(false);
    const pair = io('/tmp');
    expect(await main(['policy', 'eval', '-d', bundle, 'x := 1; 1 == 2'], pair.io)).toBe(0);
    expect(pair.out()).toBe('{}\n');
    const undef = io('/tmp');
    expect(await main(['policy', 'eval', '-d', bundle, 'data.nothing.here'], undef.io)).toBe(0);
    expect(undef.out()).toBe('{}\n');
  });

  it('checks and reports errors with file:line:col', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-check-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'bad.rego'), 'package bad\n\np := [1,\n');
    const t = io('/tmp');
    expect(await main(['policy', 'check', dir], t.io)).toBe(1);
    expect(t.err()).toMatch(/bad\.rego:\d+:\d+: rego_parse_error/);
  });
});
