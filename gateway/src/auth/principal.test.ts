import { describe, expect, it } from 'vitest';
import { hashKey, type KeyRecord, type KeyStore } from './key-store.js';
import { createAuthenticator, presentedKey } from './principal.js';

const record = (over: Partial<KeyRecord> = {}): KeyRecord => ({
  id: 'key_1', hash: hashKey('alk_user'), prefix: 'alk_user', tenant: 'acme', team: 'support', user: 'ann', roles: ['user'], created_at: '2026-01-01', revoked_at: null, ...over,
});

function store(records: KeyRecord[], async = false): KeyStore {
  const find = (hash: string) => records.find((r) => r.hash === hash);
  return { findByHash: (hash) => (async ? Promise.resolve(find(hash)) : find(hash)) } as KeyStore;
}

describe('presentedKey', () => {
  it('reads x-api-key first, then a Bearer token, trimmed; anything else is no key', () => {
    expect(presentedKey({ 'x-api-key': ' alk_a ', authorization: 'Bearer alk_b' })).toBe('alk_a');
    expect(presentedKey({ authorization: 'bearer   alk_b ' })).toBe('alk_b');
    expect(presentedKey({ authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(presentedKey({ 'x-api-key': '' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });
});

describe('authenticator', () => {
  it('resolves a key to its principal, without a promise when the store answers from memory', () => {
    const auth = createAuthenticator({ store: store([record()]), adminKey: undefined, tenant: 'default' });
    expect(auth.authenticate({ authorization: 'Bearer alk_user' })).toEqual({ keyId: 'key_1', tenant: 'acme', team: 'support', user: 'ann', roles: ['user'] });
  });

  it('waits for a store that has to look further', async () => {
    const auth = createAuthenticator({ store: store([record()], true), adminKey: undefined, tenant: 'default' });
    const found = auth.authenticate({ 'x-api-key': 'alk_user' });
    expect(found).toBeInstanceOf(Promise);
    expect((await found).keyId).toBe('key_1');
    await expect(auth.authenticate({ 'x-api-key': 'alk_other' })).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a missing, unknown or revoked key with a 401 that says which', () => {
    const auth = createAuthenticator({ store: store([record({ revoked_at: '2026-02-01' })]), adminKey: undefined, tenant: 'default' });
    expect(() => auth.authenticate({})).toThrow(/Missing API key/);
    expect(() => auth.authenticate({ authorization: 'Bearer alk_nope' })).toThrow(/Invalid API key/);
    expect(() => auth.authenticate({ authorization: 'Bearer alk_user' })).toThrow(/revoked/);
  });

  it('the bootstrap admin key is a superadmin of the config\'s tenant; without one configured, no key is admin', () => {
    const auth = createAuthenticator({ store: store([]), adminKey: 'boot-admin-key', tenant: 'default' });
    expect(auth.authenticate({ authorization: 'Bearer boot-admin-key' })).toMatchObject({ keyId: 'admin', tenant: 'default', roles: expect.arrayContaining(['superadmin', 'admin']) });
    const none = createAuthenticator({ store: store([]), adminKey: undefined, tenant: 'default' });
    expect(() => none.authenticate({ authorization: 'Bearer boot-admin-key' })).toThrow(/Invalid API key/);
  });
});
