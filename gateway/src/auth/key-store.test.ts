import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyAdmin } from './key-admin.js';
import { FileKeyStore, KEY_PREFIX, hashKey } from './key-store.js';

const newKey = { tenant: 'acme', team: 'support', user: 'ann', roles: ['user'] };

describe('file key store', () => {
  it('keeps only the hash of a key, finds it by hash, and survives a reopen', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'airlock-keys-')), 'keys.json');
    const store = new FileKeyStore(path);
    const { record, plainKey } = await store.create(newKey);
    expect(plainKey.startsWith(KEY_PREFIX)).toBe(true);
    const file = await readFile(path, 'utf8');
    expect(file).not.toContain(plainKey);
    expect(file).toContain(hashKey(plainKey));
    expect(await new FileKeyStore(path).findByHash(hashKey(plainKey))).toMatchObject({ id: record.id, tenant: 'acme' });
  });

  it('lists and revokes within one tenant only', async () => {
    const store = new FileKeyStore(join(await mkdtemp(join(tmpdir(), 'airlock-keys-')), 'keys.json'));
    const mine = await store.create(newKey);
    await store.create({ ...newKey, tenant: 'other' });
    expect((await store.list('acme')).map((k) => k.id)).toEqual([mine.record.id]);
    expect(await store.revoke('other', mine.record.id)).toBe(false);
    expect(await store.revoke('acme', mine.record.id)).toBe(true);
    expect((await store.findByHash(mine.record.hash))?.revoked_at).toBeTruthy();
  });
});

describe('key admin', () => {
  it('audits every creation and revocation, and not a revocation that did nothing', async () => {
    const entries: { action: string; tenant: string; subject: string }[] = [];
    const audit = { append: (e: { action: string; tenant: string; subject: string }) => entries.push(e) };
    const admin = createKeyAdmin(new FileKeyStore(join(await mkdtemp(join(tmpdir(), 'airlock-keys-')), 'keys.json')), audit as never);
    const { record } = await admin.create('boss (k0)', newKey);
    expect(await admin.revoke('boss (k0)', 'other', record.id)).toBe(false);
    expect(await admin.revoke('boss (k0)', 'acme', record.id)).toBe(true);
    expect(entries.map((e) => `${e.action} ${e.tenant} ${e.subject === record.id}`)).toEqual(['key.created acme true', 'key.revoked acme true']);
  });
});
