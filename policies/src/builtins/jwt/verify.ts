/**
 * io.jwt.verify_<alg>: signature checks only. The algorithm is the builtin's, not the token's; a JWK set's keys
 * are chosen by `kid` first, then every key whose `alg` (if any) matches the token's is tried.
 */
import { createSecretKey } from 'node:crypto';
import { stringOperand } from '../operands.js';
import type { BuiltinDef } from '../types.js';
import { verifySignature } from './algorithms.js';
import { keysFromCertOrJwk, type VerificationKey } from './keys.js';
import { decodeHeader, decodeSegment, parseJoseHeader, splitToken } from './token.js';

const STRING = { kind: 'string' } as const;
const BOOLEAN = { kind: 'boolean' } as const;

/** Tries the keys as OPA does: the key whose kid matches decides alone; else any key of a compatible alg. */
export function verifyWithKeys(keys: readonly VerificationKey[], kid: string, tokenAlg: string, verifyAlg: string, data: Buffer, signature: Buffer, strict = false): boolean {
  if (kid) {
    const byKid = keys.find((k) => k.kid === kid);
    if (byKid) return verifySignature(verifyAlg, byKid.key, data, signature, strict);
  }
  return keys.some((k) => (k.alg === '' || k.alg === tokenAlg) && verifySignature(verifyAlg, k.key, data, signature, strict));
}

function asymmetric(alg: string): BuiltinDef {
  return {
    decl: { name: `io.jwt.verify_${alg.toLowerCase()}`, args: [{ name: 'jwt', type: STRING }, { name: 'certificate', type: STRING }], result: BOOLEAN, categories: ['tokens'] },
    impl: (a) => {
      const token = splitToken(a[0]!);
      const keys = keysFromCertOrJwk(stringOperand(a, 2));
      const signature = decodeSegment(token.signature);
      const header = parseJoseHeader(decodeHeader(token));
      return verifyWithKeys(keys, header.kid, header.alg, alg, Buffer.from(`${token.header}.${token.payload}`), signature);
    },
  };
}

function hmac(alg: string): BuiltinDef {
  return {
    decl: { name: `io.jwt.verify_${alg.toLowerCase()}`, args: [{ name: 'jwt', type: STRING }, { name: 'secret', type: STRING }], result: BOOLEAN, categories: ['tokens'] },
    impl: (a) => {
      stringOperand(a, 1);
      const secret = stringOperand(a, 2);
      const token = splitToken(a[0]!);
      const signature = decodeSegment(token.signature);
      return verifySignature(alg, createSecretKey(Buffer.from(secret, 'utf8')), Buffer.from(`${token.header}.${token.payload}`), signature);
    },
  };
}

export const verifyBuiltins: readonly BuiltinDef[] = [
  ...['HS256', 'HS384', 'HS512'].map(hmac),
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'].map(asymmetric),
];
