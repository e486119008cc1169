/**
 * GraphQL tokens as gqlparser's lexer reads them. Positions count code points (Go counts runes), lines start at 1,
 * and comments are skipped. A lexing error yields an `<Invalid>` token alongside the error, as in gqlparser.
 */
import { GqlError } from './errors.js';

export const Tok = {
  Invalid: 0,
  EOF: 1,
  Bang: 2,
  Dollar: 3,
  Amp: 4,
  ParenL: 5,
  ParenR: 6,
  Spread: 7,
  Colon: 8,
  Equals: 9,
  At: 10,
  BracketL: 11,
  BracketR: 12,
  BraceL: 13,
  BraceR: 14,
  Pipe: 15,
  Name: 16,
  Int: 17,
  Float: 18,
  String: 19,
  BlockString: 20,
} as const;
export type TokKind = (typeof Tok)[keyof typeof Tok];

const KIND_TEXT = ['<Invalid>', '<EOF>', '!', '$', '&', '(', ')', '...', ':', '=', '@', '[', ']', '{', '}', '|', 'Name', 'Int', 'Float', 'String', 'BlockString'];

export function kindText(k: TokKind): string {
  return KIND_TEXT[k]!;
}

export interface Token {
  readonly kind: TokKind;
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

/** Token.String(): the kind, then the value quoted when there is one. */
export function tokenText(t: Token): string {
  return t.value !== '' ? `${kindText(t.kind)} ${JSON.stringify(t.value)}` : kindText(t.kind);
}

export interface Lexed {
  readonly token: Token;
  readonly error?: GqlError;
}

const PUNCT: Record<string, TokKind> = {
  '!': Tok.Bang,
  $: Tok.Dollar,
  '&': Tok.Amp,
  '(': Tok.ParenL,
  ')': Tok.ParenR,
  ':': Tok.Colon,
  '=': Tok.Equals,
  '@': Tok.At,
  '[': Tok.BracketL,
  ']': Tok.BracketR,
  '{': Tok.BraceL,
  '}': Tok.BraceR,
  '|': Tok.Pipe,
};

const isNameStart = (c: number) => c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export class Lexer {
  /** Index into `input` in UTF-16 units. */
  private end = 0;
  /** The same offset in code points. */
  private endRunes = 0;
  private startRunes = 0;
  private line = 1;
  private lineStartRunes = 0;

  constructor(private readonly input: string) {}

  private token(kind: TokKind, value: string): Lexed {
    return { token: { kind, value, line: this.line, column: this.startRunes - this.lineStartRunes + 1 } };
  }

  private error(message: string): Lexed {
    const column = this.endRunes - this.lineStartRunes + 1;
    return {
      token: { kind: Tok.Invalid, value: '', line: this.line, column },
      error: new GqlError(message, { line: this.line, column }),
    };
  }

  /** Advances over one code point and returns it. */
  private advance(): string {
    const code = this.input.charCodeAt(this.end);
    const next = this.input.charCodeAt(this.end + 1);
    const width = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    const ch = this.input.slice(this.end, this.end + width);
    this.end += width;
    this.endRunes++;
    return ch;
  }

  read(): Lexed {
    for (;;) {
      this.skipWhitespace();
      const start = this.end;
      this.startRunes = this.endRunes;
      if (this.end >= this.input.length) return this.token(Tok.EOF, '');
      const c = this.input[this.end]!;
      const punct = PUNCT[c];
      if (punct !== undefined) {
        this.advance();
        return this.token(punct, '');
      }
      if (c === '.' && this.input.startsWith('...', this.end)) {
        this.end += 3;
        this.endRunes += 3;
        return this.token(Tok.Spread, '');
      }
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (isNameStart(c.charCodeAt(0))) return this.readName(start);
      if (c === '-' || isDigit(c)) return this.readNumber(start);
      if (c === '"') return this.input.startsWith('"""', this.end) ? this.readBlockString() : this.readString();
      const code = c.charCodeAt(0);
      if (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') {
        return this.error(`Cannot contain the invalid character "\\u${String(code).padStart(4, '0')}"`);
      }
      if (c === "'") return this.error(`Unexpected single quote character ('), did you mean to use a double quote (")?`);
      return this.error(`Cannot parse the unexpected character "${String.fromCodePoint(this.input.codePointAt(this.end)!)}".`);
    }
  }

  private newline(): void {
    this.line++;
    this.lineStartRunes = this.endRunes;
  }

  private skipWhitespace(): void {
    while (this.end < this.input.length) {
      const c = this.input[this.end]!;
      if (c === '\t' || c === ' ' || c === ',' || c === '\ufeff') {
        this.advance();
      } else if (c === '\n') {
        this.advance();
        this.newline();
      } else if (c === '\r') {
        this.advance();
        this.newline();
        if (this.input[this.end] === '\n') this.advance();
      } else {
        return;
      }
    }
  }

  private skipComment(): void {
    while (this.end < this.input.length) {
      const c = this.input[this.end]!;
      if (c > '\u001f' || c === '\t') this.advance();
      else break;
    }
  }

  private readName(start: number): Lexed {
    let end = this.end + 1;
    while (end < this.input.length && isNameChar(this.input.charCodeAt(end))) end++;
    this.endRunes += end - this.end;
    this.end = end;
    return this.token(Tok.Name, this.input.slice(start, end));
  }

  private describeNext(): string {
    return this.end < this.input.length ? `"${this.input[this.end]}"` : '<EOF>';
  }

  private acceptDigits(): number {
    let n = 0;
    while (isDigit(this.input[this.end])) {
      this.advance();
      n++;
    }
    return n;
  }

  private accept(...chars: string[]): boolean {
    const c = this.input[this.end];
    if (c !== undefined && chars.includes(c)) {
      this.advance();
      return true;
    }
    return false;
  }

  private readNumber(start: number): Lexed {
    let float = false;
    this.accept('-');
    if (this.accept('0')) {
      const consumed = this.acceptDigits();
      if (consumed !== 0) {
        this.end -= consumed;
        this.endRunes -= consumed;
        return this.error(`Invalid number, unexpected digit after 0: ${this.describeNext()}.`);
      }
    } else if (this.acceptDigits() === 0) {
      return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.accept('.')) {
      float = true;
      if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.accept('e', 'E')) {
      float = true;
      this.accept('-', '+');
      if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    return this.token(float ? Tok.Float : Tok.Int, this.input.slice(start, this.end));
  }

  private readString(): Lexed {
    const input = this.input;
    this.advance();
    this.startRunes++;
    let out = '';
    while (this.end < input.length) {
      const c = input[this.end]!;
      if (c === '\n' || c === '\r') break;
      const code = c.charCodeAt(0);
      if (code < 0x20 && c !== '\t') return this.error(`Invalid character within String: "\\u${String(code).padStart(4, '0')}".`);
      if (c === '"') {
        const lexed = this.token(Tok.String, out);
        this.advance();
        return lexed;
      }
      if (c !== '\\') {
        out += this.advance();
        continue;
      }
      if (this.end + 1 >= input.length) {
        this.advance();
        return this.error('Invalid character escape sequence.');
      }
      const escape = input[this.end + 1]!;
      if (escape === 'u') {
        // gqlparser's bounds check is off by one; keep it so the same inputs fail.
        if (this.end + 6 >= input.length) {
          this.advance();
          return this.error(`Invalid character escape sequence: \\${input.slice(this.end)}.`);
        }
        const hex = input.slice(this.end + 2, this.end + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.advance();
          return this.error(`Invalid character escape sequence: \\${input.slice(this.end, this.end + 5)}.`);
        }
        const cp = parseInt(hex, 16);
        // Go writes a lone surrogate as the replacement character.
        out += cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : String.fromCharCode(cp);
        this.end += 6;
        this.endRunes += 6;
        continue;
      }
      const simple: Record<string, string> = { '"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      const replaced = simple[escape];
      if (replaced === undefined) {
        this.advance();
        return this.error(`Invalid character escape sequence: \\${escape}.`);
      }
      out += replaced;
      this.end += 2;
      this.endRunes += 2;
    }
    return this.error('Unterminated string.');
  }

  private readBlockString(): Lexed {
    const input = this.input;
    this.end += 3;
    this.endRunes += 3;
    this.startRunes += 3;
    let raw = '';
    while (this.end < input.length) {
      const c = input[this.end]!;
      if (c === '"' && input.startsWith('"""', this.end)) {
        const lexed = this.token(Tok.BlockString, blockStringValue(raw));
        this.end += 3;
        this.endRunes += 3;
        return lexed;
      }
      const code = c.charCodeAt(0);
      if (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') {
        return this.error(`Invalid character within String: "\\u${String(code).padStart(4, '0')}".`);
      }
      if (c === '\\' && input.startsWith('\\"""', this.end)) {
        raw += '"""';
        this.end += 4;
        this.endRunes += 4;
      } else if (c === '\r') {
        if (input[this.end + 1] === '\n') this.advance();
        this.advance();
        raw += '\n';
        this.newline();
      } else {
        raw += this.advance();
        if (c === '\n') this.newline();
      }
    }
    return this.error('Unterminated string.');
  }
}

const leadingWhitespace = (line: string): number => {
  const m = /^[ \t]*/.exec(line)![0].length;
  return m === line.length ? Infinity : m;
};

/**
 * gqlparser's BlockStringValue: the common indentation of the non-blank lines (the first line counts too, unlike the
 * spec) comes off every line but the first, then blank lines at either end go.
 */
export function blockStringValue(raw: string): string {
  const lines = raw.split('\n');
  let common = Infinity;
  for (const line of lines) {
    common = Math.min(common, leadingWhitespace(line));
    if (common === 0) break;
  }
  if (common !== Infinity) {
    for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.length < common ? '' : lines[i]!.slice(common);
  }
  let start = 0;
  let end = lines.length;
  while (start < end && leadingWhitespace(lines[start]!) === Infinity) start++;
  while (start < end && leadingWhitespace(lines[end - 1]!) === Infinity) end--;
  return lines.slice(start, end).join('\n');
}
