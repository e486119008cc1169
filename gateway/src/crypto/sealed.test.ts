import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sealer, parseKey } from './sealed.js';

describe('sealed', () => {
  it('opens what it sealed, and refuses altered data, altered bound text, or another key', () => {
    const key = randomBytes(32).toString('base64');
    const sealer = new Sealer({ key, file: '/nonexistent' });
    const sealed = sealer.seal('the originals', 'bound');
    expect(sealer.open(sealed, 'bound')).toBe('the originals');
    expect(sealed.data).not.toContain('originals');
    expect(() => sealer.open(sealed, 'changed')).toThrow();
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0]! ^= 1;
    expect(() => sealer.open({ ...sealed, data: flipped.toString('base64') }, 'bound')).toThrow();
    expect(() => new Sealer({ key: randomBytes(32).toString('hex'), file: '/nonexistent' }).open(sealed, 'bound')).toThrow();
  });

  it('without a key, makes a key file (0600) once, which every sealer reading it shares', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'airlock-key-')), 'data', 'encryption.key');
    const sealed = new Sealer({ key: undefined, file }).seal('x', '');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseKey(await readFile(file, 'utf8'), file)).toHaveLength(32);
    expect(new Sealer({ key: undefined, file }).open(sealed, '')).toBe('x');
  });

  it('a key is 32 bytes, as base64 or hex, and nothing else', () => {
    expect(parseKey(randomBytes(32).toString('hex'), 'k')).toHaveLength(32);
    expect(() => parseKey('short', 'AIRLOCK_ENCRYPTION_KEY')).toThrow(/AIRLOCK_ENCRYPTION_KEY: an encryption key is 32 bytes/);
    expect(() => parseKey(randomBytes(16).toString('base64'), 'k')).toThrow();
  });
});
