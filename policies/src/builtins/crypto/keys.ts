/**
 * Private keys from PEM (PKCS #1, PKCS #8, SEC 1) as OPA returns them: Go's JSON encoding of the parsed key
 * (crypto.parse_private_keys, crypto.x509.parse_keypair) or a JWK (crypto.x509.parse_rsa_private_key).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { BuiltinError } from '../errors.js';
import { decodeBase64 } from '../encoding/gocodec.js';
import { pemDecode, type PemBlock } from './pem.js';
import { parseCertificate } from './x509.js';

type Json = null | boolean | number | bigint | string | Json[] | { [k: string]: Json };

const DER_TYPES: Record<string, 'pkcs1' | 'pkcs8' | 'sec1'> = { 'RSA PRIVATE KEY': 'pkcs1', 'PRIVATE KEY': 'pkcs8', 'EC PRIVATE KEY': 'sec1' };

function parseDer(der: Buffer, type: 'pkcs1' | 'pkcs8' | 'sec1'): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type });
  } catch (error) {
    const what = type === 'pkcs1' ? 'PKCS#1' : type === 'pkcs8' ? 'PKCS#8' : 'EC';
    throw new BuiltinError(`x509: failed to parse ${what} private key: ${(error as Error).message}`);
  }
}

/** OPA's getPrivateKeysFromPEMData: base64 input is decoded first; blocks of other types are skipped. */
export function privateKeysFromPem(text: string): KeyObject[] {
  let data: Buffer = Buffer.from(text, 'utf8');
  try {
    data = decodeBase64(text);
  } catch {
    // not base64: the text is the PEM itself
  }
  const keys: KeyObject[] = [];
  while (data.length > 0) {
    const before = data.length;
    const { block, rest } = pemDecode(data);
    data = rest;
    if (!block && data.length === 0) break;
    if (before === data.length) break;
    if (!block) continue;
    const type = DER_TYPES[block.type];
    if (type) keys.push(parseDer(block.bytes, type));
  }
  return keys;
}

const int = (s: string | undefined): bigint => BigInt('0x' + (Buffer.from(s ?? '', 'base64url').toString('hex') || '0'));

/** Go's JSON for *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey. */
export function goPrivateKey(key: KeyObject): Json {
  const jwk = key.export({ format: 'jwk' });
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return {
        N: int(jwk.n),
        E: Number(int(jwk.e)),
        D: int(jwk.d),
        Primes: [int(jwk.p), int(jwk.q)],
        Precomputed: { Dp: int(jwk.dp), Dq: int(jwk.dq), Qinv: int(jwk.qi), CRTValues: [] },
      };
    case 'ec':
      return { Curve: {}, X: int(jwk.x), Y: int(jwk.y), D: int(jwk.d) };
    case 'ed25519':
      return Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')]).toString('base64');
    default:
      return null;
  }
}

/** The JWK of a private key, with the members jwx emits. */
export function privateJwk(key: KeyObject): Json {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(jwk)) if (typeof v === 'string') out[k] = v;
  return out;
}

const goList = (xs: string[]): string => `[${xs.join(' ')}]`;

function decodeAll(data: Buffer): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (let rest = data; ; ) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) return blocks;
    blocks.push(block);
    rest = next;
  }
}

/** Go's tls.X509KeyPair, as JSON (Certificate chain as base64 DER, PrivateKey, Leaf). */
export function x509KeyPair(certPem: Buffer, keyPem: Buffer): Json {
  const certBlocks = decodeAll(certPem);
  const chain = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  const skipped = certBlocks.filter((b) => b.type !== 'CERTIFICATE').map((b) => b.type);
  if (chain.length === 0) {
    if (skipped.length === 0) throw new BuiltinError('tls: failed to find any PEM data in certificate input');
    if (skipped.length === 1 && skipped[0]!.endsWith('PRIVATE KEY')) {
      throw new BuiltinError('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    }
    throw new BuiltinError(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: ${goList(skipped)}`);
  }
  const keySkipped: string[] = [];
  let keyBlock: PemBlock | undefined;
  for (const b of decodeAll(keyPem)) {
    if (b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY')) {
      keyBlock = b;
      break;
    }
    keySkipped.push(b.type);
  }
  if (!keyBlock) {
    if (keySkipped.length === 0) throw new BuiltinError('tls: failed to find any PEM data in key input');
    if (keySkipped.length === 1 && keySkipped[0] === 'CERTIFICATE') throw new BuiltinError('tls: found a certificate rather than a key in the PEM for the private key');
    throw new BuiltinError(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: ${goList(keySkipped)}`);
  }
  const leaf = parseCertificate(chain[0]!.bytes);
  let key: KeyObject | undefined;
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      key = createPrivateKey({ key: keyBlock.bytes, format: 'der', type });
      break;
    } catch {
      // Go tries each encoding in turn
    }
  }
  if (!key) throw new BuiltinError('tls: failed to parse private key');
  const pub = leaf.node.publicKey;
  if (pub.asymmetricKeyType !== key.asymmetricKeyType) throw new BuiltinError('tls: private key type does not match public key type');
  const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
  if (!spki(createPublicKey(key)).equals(spki(pub))) throw new BuiltinError('tls: private key does not match public key');
  return {
    Certificate: chain.map((b) => b.bytes.toString('base64')),
    PrivateKey: goPrivateKey(key),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: leaf.json,
  };
}
