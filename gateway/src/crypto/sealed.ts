/**
 * AES-256-GCM for what a suspended call must keep but nobody may read where it is stored: the placeholders'
 * originals, an unredacted body, the headers to forward. The key is `AIRLOCK_ENCRYPTION_KEY` (32 bytes, base64 or
 * hex), else the file `AIRLOCK_ENCRYPTION_KEY_FILE` names, else `encryption.key` beside the key store, made (mode
 * 0600) when first needed: gateway processes that share it can resume each other's calls.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Sealed {
  /** base64 of a 12-byte nonce, the ciphertext and the 16-byte tag. */
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

/** 32 bytes from base64 (44 characters) or hex (64); anything else is refused, never stretched. */
export function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${where}: an encryption key is 32 bytes, as base64 or hex (openssl rand -base64 32)`);
  return key;
}

export interface KeySource {
  /** The value of AIRLOCK_ENCRYPTION_KEY, if set. */
  readonly key?: string | undefined;
  readonly file: string;
}

export class Sealer {
  #key: Buffer | null = null;
  constructor(private readonly source: KeySource) {}

  /** Read (or made) when a call is first suspended or resumed, not at start-up: most gateways never do either. */
  #loadKey(): Buffer {
    if (this.#key) return this.#key;
    if (this.source.key) return (this.#key = parseKey(this.source.key, 'AIRLOCK_ENCRYPTION_KEY'));
    let text: string;
    try {
      text = readFileSync(this.source.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      text = randomBytes(32).toString('base64');
      mkdirSync(dirname(this.source.file), { recursive: true });
      try {
        // `wx`: of two processes making it at once, one wins and the other reads the winner's key.
        writeFileSync(this.source.file, text + '\n', { mode: 0o600, flag: 'wx' });
      } catch (raced) {
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
        text = readFileSync(this.source.file, 'utf8');
      }
    }
    return (this.#key = parseKey(text, this.source.file));
  }

  /** `aad` is bound to the ciphertext: opening fails when it was changed. */
  seal(plain: string, aad: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#loadKey(), iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  /** Throws when the key is not the one it was sealed with, or the data or `aad` were altered. */
  open(sealed: Sealed, aad: string): string {
    const decipher = createDecipheriv('aes-256-gcm', this.#loadKey(), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }
}
