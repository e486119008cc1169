/**
 * The JWS algorithms OPA knows (RFC 7518), each as a sign and a verify over node:crypto keys. Verification never
 * throws: a key of the wrong type, a malformed signature or an unknown algorithm all mean "not verified", as in
 * OPA, where those are errors that the callers turn into `false`.
 */
import { constants, createHmac, sign as nodeSign, timingSafeEqual, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { BuiltinError } from '../errors.js';

type Family = 'HS' | 'RS' | 'PS' | 'ES' | 'EdDSA';
type Hash = 'sha256' | 'sha384' | 'sha512';

interface Algorithm {
  readonly family: Family;
  readonly hash: Hash | null;
}

const HASH_BYTES: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };

export const ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map<string, Algorithm>([
  ...(['HS', 'RS', 'PS', 'ES'] as const).flatMap((family) =>
    ([256, 384, 512] as const).map((bits) => [`${family}${bits}`, { family, hash: `sha${bits}` as Hash }] as const),
  ),
  ['EdDSA', { family: 'EdDSA', hash: null }],
]);

export const isKnownAlgorithm = (alg: string): boolean => ALGORITHMS.has(alg);

/** DER of an ECDSA signature from its two halves, as Go's verifier splits a JWS signature (r || s). */
function ecdsaDer(signature: Buffer): Buffer {
  const half = signature.length >> 1;
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const body = b.subarray(i);
    const v = body.length && body[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body.length ? body : Buffer.from([0]);
    return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
  };
  const seq = Buffer.concat([int(signature.subarray(0, half)), int(signature.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(seq.length), seq]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const isRsa = (key: KeyObject) => key.type !== 'secret' && (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss');

const CURVE_BYTES: Record<string, number> = { prime256v1: 32, secp384r1: 48, secp521r1: 66 };

/**
 * Verifies `signature` over `data` with the algorithm's hash (or none, for EdDSA). `strict` is the JWS library
 * OPA uses for decode_verify: an ECDSA signature must be exactly r || s at the curve's size, and a PSS salt as
 * long as the hash. Without it (the verify_* builtins) OPA splits any ECDSA signature in half and accepts any
 * PSS salt length.
 */
export function verifySignature(alg: string, key: KeyObject, data: Buffer, signature: Buffer, strict = false): boolean {
  const a = ALGORITHMS.get(alg);
  if (!a) return false;
  try {
    switch (a.family) {
      case 'HS': {
        if (key.type !== 'secret') return false;
        const mac = createHmac(a.hash!, key.export()).update(data).digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      }
      case 'RS':
        return key.type === 'public' && isRsa(key) && nodeVerify(a.hash!, data, key, signature);
      case 'PS':
        return (
          key.type === 'public' &&
          isRsa(key) &&
          nodeVerify(a.hash!, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: strict ? HASH_BYTES[a.hash!] : constants.RSA_PSS_SALTLEN_AUTO }, signature)
        );
      case 'ES': {
        if (key.type !== 'public' || key.asymmetricKeyType !== 'ec' || signature.length === 0) return false;
        if (strict && signature.length !== 2 * (CURVE_BYTES[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? -1)) return false;
        return nodeVerify(a.hash!, data, { key, dsaEncoding: 'der' }, ecdsaDer(signature));
      }
      case 'EdDSA':
        return key.type === 'public' && key.asymmetricKeyType === 'ed25519' && nodeVerify(null, data, key, signature);
    }
  } catch {
    return false;
  }
}

/** Signs `data`; the key must suit the algorithm (a secret for HS*, a private key of the right kind otherwise). */
export function signData(alg: string, key: KeyObject, data: Buffer): Buffer {
  const a = ALGORITHMS.get(alg);
  if (!a) throw new BuiltinError(`unknown JWS algorithm: ${alg}`);
  const want = a.family === 'HS' ? 'secret' : a.family === 'ES' ? 'ec' : a.family === 'EdDSA' ? 'ed25519' : 'rsa';
  const have = key.type === 'secret' ? 'secret' : key.type === 'private' ? (key.asymmetricKeyType === 'rsa-pss' ? 'rsa' : key.asymmetricKeyType) : 'public';
  if (have !== want) throw new BuiltinError(`failed to sign payload: invalid key type for algorithm ${alg}`);
  try {
    switch (a.family) {
      case 'HS':
        return createHmac(a.hash!, key.export()).update(data).digest();
      case 'RS':
        return nodeSign(a.hash!, data, key);
      case 'PS':
        return nodeSign(a.hash!, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[a.hash!] });
      case 'ES':
        return nodeSign(a.hash!, data, { key, dsaEncoding: 'ieee-p1363' });
      case 'EdDSA':
        return nodeSign(null, data, key);
    }
  } catch (error) {
    throw new BuiltinError(`failed to sign payload: ${(error as Error).message}`);
  }
}
