/**
 * io.jwt.decode (no verification) and io.jwt.encode_sign / encode_sign_raw (JWS compact serialization signed
 * with the first key of a JWK or JWK set).
 */
import { BuiltinError } from '../errors.js';
import { goMarshal } from '../gojson.js';
import { stringOperand } from '../operands.js';
import type { BuiltinDef } from '../types.js';
import type { Value } from '../../values.js';
import { isKnownAlgorithm, signData } from './algorithms.js';
import { jwkToKey, parseJwkSet } from './keys.js';
import { decodeHeader, decodeSegment, extractJSONObject, splitToken } from './token.js';

const STRING = { kind: 'string' } as const;
const OBJECT = { kind: 'object' } as const;

function decode(jwt: Value): Value {
  const token = splitToken(jwt);
  const header = decodeHeader(token);
  let payload = decodeSegment(token.payload, 'payload').toString('utf8');
  const cty = header.get('cty');
  if (cty === 'JWT') {
    // A nested token's payload may be quoted (as jwt.io produces it): strip the quotes and decode the inner one.
    payload = payload.replace(/^["']+|["']+$/g, '');
    return decode(payload);
  }
  const claims = extractJSONObject(payload);
  const signature = decodeSegment(token.signature, 'signature').toString('hex');
  return [header, claims, signature];
}

/**
 * The "alg" of a header as OPA's JSON scanner (fastjson) reads it. That scanner takes a bare run of number
 * characters (even "e") as a number, so such a header parses but has no "alg" rather than failing to parse.
 */
function headerAlg(headers: string): string {
  const trimmed = headers.trim();
  if (trimmed === '') throw new BuiltinError("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    if (!/^[-+.0-9eE]+$/.test(trimmed)) throw new BuiltinError(`missing or invalid 'alg' header: cannot parse JSON: ${(error as Error).message}`);
    parsed = undefined;
  }
  const alg = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).alg : undefined;
  if (alg === undefined) throw new BuiltinError(`missing or invalid 'alg' header: jwsbb: header "alg" not found`);
  if (typeof alg !== 'string') throw new BuiltinError(`missing or invalid 'alg' header: value doesn't contain string; it contains ${alg === null ? 'null' : Array.isArray(alg) ? 'array' : typeof alg}`);
  return alg;
}

function headerTyp(headers: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(headers);
    const typ = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).typ : undefined;
    return typeof typ === 'string' ? typ : undefined;
  } catch {
    return undefined;
  }
}

function isJSON(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function encodeSign(headers: string, payload: string, jwkText: string): string {
  let jwks;
  try {
    jwks = parseJwkSet(jwkText);
  } catch (error) {
    throw new BuiltinError(`failed to parse jwk: ${(error as Error).message}`);
  }
  if (jwks.length === 0) throw new BuiltinError('no keys found in JWK set');
  const alg = headerAlg(headers);
  if (!isKnownAlgorithm(alg)) throw new BuiltinError(`unknown JWS algorithm: ${alg}`);
  const typ = headerTyp(headers);
  if ((typ === undefined || typ === 'JWT') && !isJSON(payload)) throw new BuiltinError('type is JWT but payload is not JSON');
  let key;
  try {
    key = jwkToKey(jwks[0]!, 'private');
  } catch (error) {
    throw new BuiltinError((error as Error).message);
  }
  const signingInput = `${Buffer.from(headers, 'utf8').toString('base64url')}.${Buffer.from(payload, 'utf8').toString('base64url')}`;
  return `${signingInput}.${signData(alg, key, Buffer.from(signingInput)).toString('base64url')}`;
}

export const encodeBuiltins: readonly BuiltinDef[] = [
  {
    decl: { name: 'io.jwt.decode', args: [{ name: 'jwt', type: STRING }], result: { kind: 'array' }, categories: ['tokens'] },
    impl: ([jwt]) => decode(jwt!),
  },
  {
    decl: { name: 'io.jwt.encode_sign', args: [{ name: 'headers', type: OBJECT }, { name: 'payload', type: OBJECT }, { name: 'key', type: OBJECT }], result: STRING, categories: ['tokensign'], nondeterministic: true },
    impl: ([h, p, k]) => encodeSign(goMarshal(h!), goMarshal(p!), goMarshal(k!)),
  },
  {
    decl: { name: 'io.jwt.encode_sign_raw', args: [{ name: 'headers', type: STRING }, { name: 'payload', type: STRING }, { name: 'key', type: STRING }], result: STRING, categories: ['tokensign'], nondeterministic: true },
    impl: (a) => {
      const key = stringOperand(a, 3);
      return encodeSign(stringOperand(a, 1), stringOperand(a, 2), key);
    },
  },
];
