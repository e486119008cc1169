import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint, checkpointFault } from './checkpoints.js';
import { AuditKeys, parsePublicKey } from './keys.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-audit-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const files = (name: string) => ({ hmacKeyFile: join(dir, name, 'audit.key'), signingKeyFile: join(dir, name, 'audit-signing.key') });

describe('audit keys', () => {
  it('are generated on first use, mode 0600, and the same keys are read back afterwards', async () => {
    const first = AuditKeys.load(files('gen'));
    for (const f of Object.values(files('gen'))) expect((await stat(f)).mode & 0o777).toBe(0o600);
    const again = AuditKeys.load(files('gen'));
    expect(again.keyId).toBe(first.keyId);
    expect(again.seal('x')).toBe(first.seal('x'));
    expect((await readFile(files('gen').hmacKeyFile, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('warns about a key file others can read', async () => {
    await chmod(files('gen').hmacKeyFile, 0o644);
    const warnings: string[] = [];
    AuditKeys.load(files('gen'), (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/audit\.key is readable by others \(mode 644\)/)]);
  });

  it('take the HMAC key and the signing key from configuration, and then write no file', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keys = AuditKeys.load({ ...files('env'), hmacKey: 'k'.repeat(32), signingKey: pem });
    const same = AuditKeys.load({ ...files('env'), hmacKey: 'k'.repeat(32), signingKey: pem });
    expect(same.seal('h')).toBe(keys.seal('h'));
    expect(AuditKeys.load({ ...files('env'), hmacKey: 'l'.repeat(32), signingKey: pem }).seal('h')).not.toBe(keys.seal('h'));
    await expect(stat(files('env').hmacKeyFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuse a short HMAC key and a signing key that is not Ed25519, saying where it came from', () => {
    expect(() => AuditKeys.load({ ...files('bad'), hmacKey: 'short' })).toThrow(/AIRLOCK_AUDIT_KEY is shorter than 32 bytes/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => AuditKeys.load({ ...files('bad'), hmacKey: 'k'.repeat(32), signingKey: rsa })).toThrow(/AIRLOCK_AUDIT_SIGNING_KEY is rsa, not Ed25519/);
    expect(() => AuditKeys.load({ ...files('bad'), hmacKey: 'k'.repeat(32), signingKey: 'nope' })).toThrow(/not a PEM private key/);
  });

  it('sign checkpoints that only the printed public key verifies', () => {
    const keys = AuditKeys.load(files('sign'));
    const c = signCheckpoint(keys, { tenant: 'acme', seq: 7, head: 'a'.repeat(64) }, Date.UTC(2026, 11, 3));
    const pub = parsePublicKey(keys.publicKeyPem);
    expect(checkpointFault(pub, c)).toBeUndefined();
    for (const forged of [{ ...c, seq: 6 }, { ...c, tenant: 'other' }, { ...c, head: 'b'.repeat(64) }, { ...c, at: '2026-12-04T00:00:00.000Z' }]) {
      expect(checkpointFault(pub, forged)).toMatch(/invalid signature/);
    }
    expect(checkpointFault(AuditKeys.load(files('other')).publicKey, c)).toMatch(/not by the given public key/);
  });
});
