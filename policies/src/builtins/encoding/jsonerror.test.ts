import { describe, expect, it } from 'vitest';
import { goJsonError } from './jsonerror.js';

describe("encoding/json's syntax errors", () => {
  it('names the offending character and where the scanner was', () => {
    const cases: [string, string][] = [
      ['', 'unexpected end of JSON input'],
      ['x', "invalid character 'x' looking for beginning of value"],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b"}', 'invalid character \'"\' after object key:value pair'],
      ['[1 2]', "invalid character '2' after array element"],
      ['{1:2}', "invalid character '1' looking for beginning of object key string"],
      ['"a\\x"', "invalid character 'x' in string escape code"],
      ['"a\n"', "invalid character '\\n' in string literal"],
      ['-a', "invalid character 'a' in numeric literal"],
      ['1.e', "invalid character 'e' after decimal point in numeric literal"],
      ['1e+', 'unexpected end of JSON input'],
      ['trx', "invalid character 'x' in literal true (expecting 'u')"],
      ['01', "invalid character '1' after top-level value"],
      ['[1,]', "invalid character ']' looking for beginning of value"],
      ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ];
    for (const [text, message] of cases) expect(goJsonError(text)).toBe(message);
  });
});
