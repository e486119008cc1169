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
