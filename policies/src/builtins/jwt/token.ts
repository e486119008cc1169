/**
 * A JWS in compact serialization (RFC 7519 §7.2): its three segments, the decoded header and payload, and the
 * parsed JOSE header fields OPA checks. Messages are OPA's, which policies match on.
 */
import { BuiltinError, operandTypeError } from '../errors.js';
import { parseJsonExact } from '../encoding.js';
import { opaBase64UrlDecode } from '../crypto/gobase64.js';
import { fromJSON, isArray, isObject, type RObject, type Value } from '../../values.js';

export interface Token {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

/** Splits the token operand (always operand 1) into its segments. */
export function splitToken(v: Value): Token {
  if (typeof v !== 'string') throw operandTypeError(1, 'string', v);
  if (!v.includes('.')) throw new BuiltinError('encoded JWT had no period separators');
  const parts = v.split('.');
  if (parts.length !== 3) throw new BuiltinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** base64url-decodes a segment, prefixing decoding errors as OPA does (`JWT payload had invalid encoding: …`). */
export function decodeSegment(segment: string, what?: string): Buffer {
  try {
    return opaBase64UrlDecode(segment);
  } catch (error) {
    if (what === undefined) throw error;
    throw new BuiltinError(`JWT ${what} had invalid encoding: ${message(error)}`);
  }
}

export function extractJSONObject(text: string): RObject {
  let v: Value;
  try {
    v = fromJSON(parseJsonExact(text));
  } catch (error) {
    throw new BuiltinError(`invalid JSON: ${message(error)}`);
  }
  if (!isObject(v)) throw new BuiltinError('decoded JSON type was not an Object');
  return v;
}

export function decodeHeader(token: Token): RObject {
  const text = decodeSegment(token.header, 'header').toString('utf8');
  let header: RObject;
  try {
    header = extractJSONObject(text);
  } catch (error) {
    throw new BuiltinError(`bad JWT header: ${message(error)}`);
  }
  // A JWE (RFC 7516 §9) has an "enc" header; OPA supports only JWS.
  if (header.has('enc')) throw new BuiltinError('JWT is a JWE object, which is not supported');
  return header;
}

export interface JoseHeader {
  readonly alg: string;
  readonly kid: string;
  readonly typ: string;
  readonly cty: string;
  readonly crit: ReadonlySet<string>;
  readonly unknown: readonly string[];
}

function headerString(name: string, v: Value): string {
  if (typeof v !== 'string') throw new BuiltinError(`${name}: must be a string`);
  return v;
}

export function parseJoseHeader(decoded: RObject): JoseHeader {
  const h = { alg: '', kid: '', typ: '', cty: '', crit: new Set<string>(), unknown: [] as string[] };
  for (const [k, v] of decoded.sortedEntries()) {
    const name = String(k);
    switch (name) {
      case 'alg':
      case 'kid':
      case 'typ':
      case 'cty':
        h[name] = headerString(name, v);
        break;
      case 'crit': {
        if (!isArray(v)) throw new BuiltinError('crit: must be a list');
        // OPA stops collecting at the first non-string entry rather than failing.
        for (const e of v) {
          if (typeof e !== 'string') break;
          h.crit.add(e);
        }
        if (h.crit.size === 0) throw new BuiltinError('crit: must be a nonempty list');
        break;
      }
      default:
        h.unknown.push(name);
    }
  }
  return h;
}

/** RFC 7515 §4.1.1: alg must be present; §4.1.11: every critical parameter must be understood. */
export const validJoseHeader = (h: JoseHeader): boolean => h.alg !== '' && !h.unknown.some((u) => h.crit.has(u));
