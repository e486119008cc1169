/**
 * The error Go's encoding/json reports for malformed JSON text ("invalid character 'x' looking for beginning of
 * value", "unexpected end of JSON input"), found by a scan in the order of its state machine.
 */
class Syntax extends Error {}

/** Go's quoteChar. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = JSON.stringify(c).slice(1, -1);
  return `'${/^\\u00[0-7]/.test(q) ? '\\x' + q.slice(4) : q}'`;
}

export function goJsonError(text: string): string {
  let i = 0;
  const eof = () => new Syntax('unexpected end of JSON input');
  const bad = (context: string) => new Syntax(`invalid character ${quoteChar(String.fromCodePoint(text.codePointAt(i)!))} ${context}`);
  const peek = () => text[i];
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const digits = (context: string) => {
    if (i >= text.length) throw eof();
    if (!/[0-9]/.test(text[i]!)) throw bad(context);
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= text.length) throw eof();
      if (text[i] !== word[k]) throw bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) throw eof();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (i >= text.length) throw eof();
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= text.length) throw eof();
            if (!/[0-9a-fA-F]/.test(text[i]!)) throw bad('in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(text[i]!)) throw bad('in string escape code');
      } else if (c < ' ') throw bad('in string literal');
      i++;
    }
  };
  const value = (): void => {
    ws();
    if (i >= text.length) throw eof();
    const c = peek()!;
    if (c === '{') {
      i++;
      ws();
      if (peek() === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (i >= text.length) throw eof();
        if (peek() !== '"') throw bad('looking for beginning of object key string');
        string();
        ws();
        if (i >= text.length) throw eof();
        if (peek() !== ':') throw bad('after object key');
        i++;
        value();
        ws();
        if (i >= text.length) throw eof();
        if (peek() === '}') {
          i++;
          return;
        }
        if (peek() !== ',') throw bad('after object key:value pair');
        i++;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (peek() === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (i >= text.length) throw eof();
        if (peek() === ']') {
          i++;
          return;
        }
        if (peek() !== ',') throw bad('after array element');
        i++;
      }
    }
    if (c === '"') return string();
    if (c === 't' || c === 'f' || c === 'n') return literal(c === 't' ? 'true' : c === 'f' ? 'false' : 'null');
    if (c === '-' || /[0-9]/.test(c)) {
      if (c === '-') {
        i++;
        if (i >= text.length) throw eof();
        if (!/[0-9]/.test(text[i]!)) throw bad('in numeric literal');
      }
      // A leading 0 stands alone: whatever digit follows ends the number.
      if (text[i] === '0') i++;
      else digits('in numeric literal');
      if (peek() === '.') {
        i++;
        digits('after decimal point in numeric literal');
      }
      if (peek() === 'e' || peek() === 'E') {
        i++;
        if (peek() === '+' || peek() === '-') i++;
        digits('in exponent of numeric literal');
      }
      return;
    }
    throw bad('looking for beginning of value');
  };
  try {
    value();
    ws();
    if (i < text.length) throw bad('after top-level value');
  } catch (e) {
    if (e instanceof Syntax) return e.message;
    throw e;
  }
  return 'unexpected end of JSON input';
}
