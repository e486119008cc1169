/**
 * Base64 decoding with Go's `encoding/base64` semantics, because OPA's error messages quote Go's decoder
 * ("illegal base64 data at input byte 17") and Go accepts inputs Node rejects or silently repairs: newlines are
 * skipped, padding is required for the padded encodings, and trailing bits need not be zero.
 */
import { BuiltinError } from '../errors.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function table(alphabet: string): Int16Array {
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STD_TABLE = table(STD);
const URL_TABLE = table(URL);

export class CorruptInputError extends BuiltinError {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

export interface Base64Options {
  readonly url?: boolean;
  /** Go's Raw* encodings: no padding expected (and none allowed). */
  readonly raw?: boolean;
}

/** Decodes bytes of base64 text; throws CorruptInputError at the offset Go reports. */
export function goBase64Decode(src: Uint8Array | string, options: Base64Options = {}): Buffer {
  const input = typeof src === 'string' ? Buffer.from(src, 'latin1') : src;
  const decode = options.url ? URL_TABLE : STD_TABLE;
  const padded = !options.raw;
  const out: number[] = [];
  let si = 0;
  const n = input.length;
  while (si < n) {
    const quantum = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    for (; j < 4; j++) {
      while (si < n && (input[si] === 0x0a || input[si] === 0x0d)) si++;
      if (si === n) {
        if (j === 0) return Buffer.from(out);
        if (j === 1 || padded) throw new CorruptInputError(si - j);
        dlen = j;
        break;
      }
      const c = input[si]!;
      si++;
      const d = decode[c]!;
      if (d >= 0) {
        quantum[j] = d;
        continue;
      }
      if (c !== 0x3d || !padded) throw new CorruptInputError(si - 1);
      // '=' ends the data: it may only stand in the last two places of a quantum, and nothing may follow.
      if (j < 2) throw new CorruptInputError(si - 1);
      if (j === 2) {
        while (si < n && (input[si] === 0x0a || input[si] === 0x0d)) si++;
        if (si === n) throw new CorruptInputError(n);
        if (input[si] !== 0x3d) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < n && (input[si] === 0x0a || input[si] === 0x0d)) si++;
      if (si < n) throw new CorruptInputError(si);
      dlen = j;
      break;
    }
    const v = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    if (dlen >= 2) out.push((v >> 16) & 0xff);
    if (dlen >= 3) out.push((v >> 8) & 0xff);
    if (dlen >= 4) out.push(v & 0xff);
    if (dlen < 4) return Buffer.from(out);
  }
  return Buffer.from(out);
}

/**
 * OPA's base64url.decode: pads unpadded input per RFC 7515 appendix C, then decodes with Go's URL encoding.
 */
export function opaBase64UrlDecode(s: string): Buffer {
  let padded = s;
  if (!s.endsWith('=')) {
    switch (s.length % 4) {
      case 2:
        padded += '==';
        break;
      case 3:
        padded += '=';
        break;
      case 1:
        throw new BuiltinError(`illegal base64url string: ${s}`);
    }
  }
  return goBase64Decode(Buffer.from(padded, 'utf8'), { url: true });
}

export const base64UrlNoPad = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
