/**
 * io.jwt.decode_verify(jwt, constraints): [valid, header, payload]. Decoding problems are errors; a bad signature
 * or an unmet constraint (alg, iss, aud, exp, nbf) gives [false, {}, {}]. Nested tokens (cty "JWT") are verified
 * layer by layer with the same keys.
 */
import { createSecretKey } from 'node:crypto';
import { BuiltinError } from '../errors.js';
import { objectOperand } from '../operands.js';
import type { BuiltinContext, BuiltinDef } from '../types.js';
import { compareNumbers, formatValue, isArray, isNumber, RObject, type RNumber, type Value } from '../../values.js';
import { verifySignature } from './algorithms.js';
import { keysFromCertOrJwk, type VerificationKey } from './keys.js';
import { decodeHeader, decodeSegment, extractJSONObject, parseJoseHeader, splitToken, validJoseHeader } from './token.js';
import { verifyWithKeys } from './verify.js';

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | null;
  /** Nanoseconds since the epoch, as a float (OPA's precision). */
  time: number;
}

function timeFromValue(v: Value): number {
  if (!isNumber(v)) throw new BuiltinError('token time constraint: must be a number');
  const t = Number(v);
  if (t < 0) throw new BuiltinError('token time constraint: must not be negative');
  return t;
}

function constraintString(name: string, v: Value): string {
  if (typeof v !== 'string') throw new BuiltinError(`${name} constraint: must be a string`);
  return v;
}

function parseConstraints(o: RObject, nowNs: bigint): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', keys: null, time: -1 };
  for (const [k, v] of o.sortedEntries()) {
    switch (k) {
      case 'cert':
        c.keys = keysFromCertOrJwk(constraintString('cert', v));
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        c[k] = constraintString(k, v);
        break;
      case 'time':
        c.time = timeFromValue(v);
        break;
      default:
        throw new BuiltinError(`unknown token validation constraint: ${typeof k === 'string' ? k : formatValue(k)}`);
    }
  }
  if (c.time === -1) c.time = Number(nowNs);
  const keyConstraints = (c.keys !== null ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keyConstraints > 1) throw new BuiltinError('duplicate key constraints');
  if (keyConstraints < 1) throw new BuiltinError('no key constraint');
  return c;
}

function signatureVerifies(c: Constraints, kid: string, alg: string, data: Buffer, signature: Buffer): boolean {
  if (c.keys !== null) return verifyWithKeys(c.keys, kid, alg, alg, data, signature, true);
  return verifySignature(alg, createSecretKey(Buffer.from(c.secret, 'utf8')), data, signature, true);
}

function validAudience(aud: Value, want: string): boolean {
  if (typeof aud === 'string') return aud === want;
  return isArray(aud) && aud.some((e) => e === want);
}

/** Seconds since the epoch from the constraint's nanoseconds, compared as OPA does (float64 arithmetic). */
const compareTime = (timeNs: number, claim: RNumber): number => compareNumbers(timeNs / 1e9, claim);

function decodeVerify(args: readonly Value[], ctx: BuiltinContext): Value {
  const constraints = parseConstraints(objectOperand(args, 2), ctx.nowNs);
  const unverified: Value = [false, new RObject(), new RObject()];

  let jwt: Value = args[0]!;
  let header: RObject;
  let payloadText: string;
  for (;;) {
    const token = splitToken(jwt);
    header = decodeHeader(token);
    const jose = parseJoseHeader(header);
    if (!validJoseHeader(jose)) return unverified;
    if (constraints.alg !== '' && constraints.alg !== jose.alg) return unverified;
    const signature = decodeSegment(token.signature);
    if (!signatureVerifies(constraints, jose.kid, jose.alg, Buffer.from(`${token.header}.${token.payload}`), signature)) return unverified;
    payloadText = decodeSegment(token.payload, 'payload').toString('utf8');
    if (jose.cty.toUpperCase() !== 'JWT') break;
    jwt = payloadText;
  }
  const payload = extractJSONObject(payloadText);

  if (constraints.iss !== '' && payload.get('iss') !== constraints.iss) return unverified;
  const aud = payload.get('aud');
  if (aud !== undefined ? !validAudience(aud, constraints.aud) : constraints.aud !== '') return unverified;
  const exp = payload.get('exp');
  if (exp !== undefined) {
    if (!isNumber(exp)) throw new BuiltinError('exp value must be a number');
    if (compareTime(constraints.time, exp) !== -1) return unverified;
  }
  const nbf = payload.get('nbf');
  if (nbf !== undefined) {
    if (!isNumber(nbf)) throw new BuiltinError('nbf value must be a number');
    if (compareTime(constraints.time, nbf) === -1) return unverified;
  }
  return [true, header, payload];
}

export const decodeVerifyBuiltin: BuiltinDef = {
  decl: {
    name: 'io.jwt.decode_verify',
    args: [
      { name: 'jwt', type: { kind: 'string' } },
      { name: 'constraints', type: { kind: 'object' } },
    ],
    result: { kind: 'array' },
    categories: ['tokens'],
  },
  impl: decodeVerify,
};
