import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeHex } from './gocodec.js';

describe('Go decoders', () => {
  it('base64 follows encoding/base64 (padding required, newlines skipped, positions in errors)', () => {
    expect(decodeBase64('aGVs\nbG8=').toString()).toBe('hello');
    expect(() => decodeBase64('YQ')).toThrow('illegal base64 data at input byte 0');
    expect(() => decodeBase64('YQ==YQ==')).toThrow('illegal base64 data at input byte 4');
    expect(() => decodeBase64('Y===')).toThrow('illegal base64 data at input byte 1');
    expect(decodeBase64('_-8=', true)).toEqual(Buffer.from([0xff, 0xef]));
  });

  it('hex reports the first bad byte before an odd length', () => {
    expect(decodeHex('4869').toString()).toBe('Hi');
    expect(() => decodeHex('fghijkl')).toThrow("encoding/hex: invalid byte: U+0067 'g'");
    expect(() => decodeHex('abc')).toThrow('encoding/hex: odd length hex string');
  });
});
