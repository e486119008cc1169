/**
 * The two audit keys, which live beside the gateway and never in ClickHouse: an HMAC-SHA256 key that seals every
 * entry (so whoever can write the store but lacks the key cannot re-chain it), and an Ed25519 key pair that signs
 * checkpoints (so a verifier needs only the public key). Each comes from configuration (an environment variable)
 * or from a key file; a key file that does not exist is generated on first start, readable by its owner only.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../errors.js';

export interface AuditKeyOptions {
  /** The HMAC key itself: 64 hex digits, or any secret of at least 32 bytes (AIRLOCK_AUDIT_KEY). */
  readonly hmacKey?: string;
  /** Where the HMAC key is kept when hmacKey is not given; generated when missing. */
  readonly hmacKeyFile: string;
  /** An Ed25519 private key in PKCS#8 PEM (AIRLOCK_AUDIT_SIGNING_KEY). */
  readonly signingKey?: string;
  /** Where the signing key is kept when signingKey is not given; generated when missing. */
  readonly signingKeyFile: string;
}

export const MIN_HMAC_KEY_BYTES = 32;

/** Reads a key file, or creates it with `make()` (mode 0600, never overwriting one another process just wrote). */
function keyFile(path: string, make: () => string, warn: (message: string) => void): string {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) warn(`audit key file ${path} is readable by others (mode ${mode.toString(8)}); it should be 0600`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, make(), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8');
}

function hmacKeyBytes(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64,}$/i.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'utf8');
  if (bytes.length < MIN_HMAC_KEY_BYTES) throw new StoreError('CH_ERR_CONFIG', `the audit HMAC key from ${source} is shorter than ${MIN_HMAC_KEY_BYTES} bytes`);
  return bytes;
}

function signingKeyObject(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new StoreError('CH_ERR_CONFIG', `the audit signing key from ${source} is not a PEM private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new StoreError('CH_ERR_CONFIG', `the audit signing key from ${source} is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

/** Parses a public key given as PEM (what `airlock audit public-key` prints). */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new StoreError('CH_ERR_CONFIG', `not a PEM public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new StoreError('CH_ERR_CONFIG', `the checkpoint public key is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

/** A short, stable name for a public key, carried in each checkpoint so a verifier can tell which key signed it. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function verifySignature(publicKey: KeyObject, message: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(message), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export class AuditKeys {
  readonly #hmac: Buffer | null;
  readonly #signing: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  /** hmac null: a verifier without the secret, which can check chains and checkpoints but not the seals. */
  constructor(hmac: Buffer | null, signing: KeyObject) {
    this.#hmac = hmac;
    this.#signing = signing;
    this.publicKey = createPublicKey(signing);
    this.publicKeyPem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyId(this.publicKey);
  }

  static load(options: AuditKeyOptions, warn: (message: string) => void = () => undefined): AuditKeys {
    const hmac = options.hmacKey !== undefined
      ? hmacKeyBytes(options.hmacKey, 'AIRLOCK_AUDIT_KEY')
      : hmacKeyBytes(keyFile(options.hmacKeyFile, () => randomBytes(32).toString('hex') + '\n', warn), options.hmacKeyFile);
    const pem = options.signingKey !== undefined
      ? options.signingKey
      : keyFile(options.signingKeyFile, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), warn);
    return new AuditKeys(hmac, signingKeyObject(pem, options.signingKey !== undefined ? 'AIRLOCK_AUDIT_SIGNING_KEY' : options.signingKeyFile));
  }

  get canSeal(): boolean {
    return this.#hmac !== null;
  }

  /** The entry's seal: HMAC-SHA256 over its chain hash, which already covers every field and the link before it. */
  seal(hash: string): string {
    if (!this.#hmac) throw new StoreError('CH_ERR_CONFIG', 'no audit HMAC key is loaded');
    return createHmac('sha256', this.#hmac).update(hash).digest('hex');
  }

  sign(message: string): string {
    return sign(null, Buffer.from(message), this.#signing).toString('base64');
  }
}
