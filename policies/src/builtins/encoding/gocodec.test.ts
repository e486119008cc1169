import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeHex, parseQuery, queryEscape, queryUnescape } from './gocodec.js';

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

  it('query escaping follows net/url', () => {
    expect(queryEscape("a b&é!*'~")).toBe("a+b%26%C3%A9%21%2A%27~");
    expect(queryUnescape('a+b%2B')).toBe('a b+');
    expect(() => queryUnescape('%zz')).toThrow('invalid URL escape "%zz"');
    expect([...parseQuery('a=1&b&a=2')]).toEqual([['a', ['1', '2']], ['b', ['']]]);
    expect(() => parseQuery('a=1;b=2')).toThrow('invalid semicolon separator in query');
  });
});
