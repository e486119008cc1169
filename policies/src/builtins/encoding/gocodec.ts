/**
 * Decoders with Go's acceptance rules and error texts: encoding/base64 (padded standard and URL alphabets, CR/LF
 * ignored) and encoding/hex.
 */
import { BuiltinError } from '../errors.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const corrupt = (at: number) => new BuiltinError(`illegal base64 data at input byte ${at}`);
const isNewline = (b: number): boolean => b === 0x0a || b === 0x0d;

/** base64.StdEncoding / URLEncoding .DecodeString: padding required, trailing garbage rejected. */
export function decodeBase64(text: string, url = false): Buffer {
  const alphabet = url ? URL : STD;
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const quantum: number[] = [];
    let done = false;
    while (quantum.length < 4) {
      if (si === src.length) {
        if (quantum.length === 0) return Buffer.from(out);
        throw corrupt(si - quantum.length);
      }
      const b = src[si++]!;
      const v = alphabet.indexOf(String.fromCharCode(b));
      if (v >= 0 && b < 0x80) {
        quantum.push(v);
        continue;
      }
      if (isNewline(b)) continue;
      if (b !== 0x3d || quantum.length < 2) throw corrupt(si - 1);
      if (quantum.length === 2) {
        while (si < src.length && isNewline(src[si]!)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si]!)) si++;
      if (si < src.length) throw corrupt(si);
      done = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const val = (a << 18) | (b << 12) | (c << 6) | d;
    const bytes = [(val >> 16) & 255, (val >> 8) & 255, val & 255];
    out.push(...bytes.slice(0, quantum.length - 1));
    if (done) break;
  }
  return Buffer.from(out);
}

/** Go's %#U: U+0067 'g', with the character only when printable. */
function goRune(b: number): string {
  const hex = 'U+' + b.toString(16).toUpperCase().padStart(4, '0');
  return b >= 0x20 && b < 0x7f ? `${hex} '${String.fromCharCode(b)}'` : hex;
}

/** hex.DecodeString: the first invalid byte is reported before an odd length. */
export function decodeHex(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const valid = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
  for (const b of src) if (!valid(b)) throw new BuiltinError(`encoding/hex: invalid byte: ${goRune(b)}`);
  if (src.length % 2 === 1) throw new BuiltinError('encoding/hex: odd length hex string');
  return Buffer.from(text, 'hex');
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** url.QueryEscape: every UTF-8 byte but the unreserved ones is %XX, and space is "+". */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(c) ? c : b === 0x20 ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** url.QueryUnescape: "+" is a space, and every "%" must start two hex digits. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25) {
      const hex = src.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new BuiltinError(`invalid URL escape ${JSON.stringify(src.subarray(i, i + 3).toString('utf8'))}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(b === 0x2b ? 0x20 : b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** url.ParseQuery: "&"-separated pairs in order; a ";" in a pair is an error, as in Go since 1.17. */
export function parseQuery(s: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of s.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) throw new BuiltinError('invalid semicolon separator in query');
    const eq = part.indexOf('=');
    const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : queryUnescape(part.slice(eq + 1));
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}
