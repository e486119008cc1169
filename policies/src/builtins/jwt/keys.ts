/**
 * Keys for JWT verification and signing: a PEM certificate or public key, or a JWK / JWK set (RFC 7517), turned
 * into node:crypto KeyObjects. Error texts follow OPA's, since policies and tests match on them.
 */
import { X509Certificate, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { BuiltinError } from '../errors.js';
import { opaBase64UrlDecode } from '../crypto/gobase64.js';
import { pemDecode } from '../crypto/pem.js';
import { isKnownAlgorithm } from './algorithms.js';

export interface VerificationKey {
  readonly key: KeyObject;
  /** From a JWK's `alg`; empty for PEM keys, which are tried with whatever the token says. */
  readonly alg: string;
  readonly kid: string;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function keysFromCertOrJwk(text: string): VerificationKey[] {
  const { block, rest } = pemDecode(text);
  if (block) {
    if (rest.length > 0) throw new BuiltinError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(block.bytes).publicKey, alg: '', kid: '' }];
      } catch (error) {
        throw new BuiltinError(`failed to parse a PEM certificate: ${message(error)}`);
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: createPublicKey({ key: block.bytes, format: 'der', type: 'spki' }), alg: '', kid: '' }];
      } catch (error) {
        throw new BuiltinError(`failed to parse a PEM public key: ${message(error)}`);
      }
    }
    throw new BuiltinError('failed to extract a Key from the PEM certificate');
  }
  let jwks: JsonWebKey[];
  try {
    jwks = parseJwkSet(text);
  } catch (error) {
    throw new BuiltinError(`failed to parse a JWK key (set): ${message(error)}`);
  }
  const keys: VerificationKey[] = [];
  for (const jwk of jwks) {
    const alg = typeof jwk.alg === 'string' ? jwk.alg : '';
    if (alg && !isKnownAlgorithm(alg)) continue;
    let key: KeyObject;
    try {
      key = jwkToKey(jwk, 'public');
    } catch (error) {
      throw new BuiltinError(`failed to parse a JWK key (set): ${message(error)}`);
    }
    keys.push({ key, alg, kid: typeof jwk.kid === 'string' ? jwk.kid : '' });
  }
  return keys;
}

/** A single JWK or a `{"keys": [...]}` set. */
export function parseJwkSet(text: string): JsonWebKey[] {
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('invalid JWK: not a JSON object');
  const o = parsed as Record<string, unknown>;
  if ('keys' in o) {
    if (!Array.isArray(o.keys)) throw new Error('invalid JWK set: "keys" must be an array');
    return o.keys.map((k) => {
      if (!k || typeof k !== 'object' || Array.isArray(k)) throw new Error('invalid JWK: not a JSON object');
      return k as JsonWebKey;
    });
  }
  return [o as JsonWebKey];
}

/** A JWK as a KeyObject: `oct` as a secret, others as the public half or (for signing) the private key. */
export function jwkToKey(jwk: JsonWebKey, want: 'public' | 'private'): KeyObject {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new Error('invalid oct key: missing "k"');
    return createSecretKey(opaBase64UrlDecode(jwk.k));
  }
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') throw new Error(`invalid key type from JSON (${String(jwk.kty)})`);
  if (typeof jwk.d === 'string') {
    const priv = createPrivateKey({ key: jwk, format: 'jwk' });
    return want === 'private' ? priv : createPublicKey(priv);
  }
  if (want === 'private') throw new Error('failed to sign payload: key is not a private key');
  return createPublicKey({ key: jwk, format: 'jwk' });
}
