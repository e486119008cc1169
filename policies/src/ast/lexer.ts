/**
 * Source → tokens. Tracks whether a newline precedes each token, since Rego separates body literals by newlines.
 */
import { RegoError } from './errors.js';
import { KEYWORDS, OPERATORS, type Location, type Token } from './tokens.js';

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Sticky, so a number is matched where it starts without copying the rest of the source. */
const NUMBER = /(?:0|[1-9][0-9]*)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** A `#` comment: its text after the `#`, and where it starts (METADATA annotations live in comments). */
export interface Comment {
  readonly text: string;
  readonly loc: Location;
}

export function lex(source: string, file: string, comments?: Comment[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let row = 1;
  let lineStart = 0;
  let nl = false;
  const loc = (at: number) => ({ file, row, col: at - lineStart + 1 });
  const fail = (msg: string, at: number): never => {
    throw new RegoError('rego_parse_error', msg, loc(at));
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      row++;
      lineStart = ++i;
      nl = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      const at = loc(i);
      const start = i;
      while (i < source.length && source[i] !== '\n') i++;
      comments?.push({ text: source.slice(start + 1, i).replace(/\r$/, ''), loc: at });
      continue;
    }
    const start = i;
    const push = (kind: Token['kind'], text: string, value?: string) => {
      tokens.push({ kind, text, ...(value !== undefined ? { value } : {}), loc: loc(start), nl });
      nl = false;
    };
    if (c === '$' && (source[i + 1] === '"' || source[i + 1] === '`')) {
      // A template: expressions in {…} may hold strings and templates of their own.
      const quote = source[i + 1] as '"' | '`';
      const begin = i + 2;
      const close = templateEnd(source, begin, quote);
      if (close < 0) fail(quote === '"' ? 'non-terminated string' : 'non-terminated raw string', start);
      const raw = source.slice(begin, close);
      i = close + 1;
      push('template', source.slice(start, i), raw);
      for (let j = begin; j < close; j++) {
        if (source[j] === '\n') {
          row++;
          lineStart = j + 1;
        }
      }
      continue;
    }
    if (c === '"') {
      i += 1;
      let value = '';
      while (true) {
        if (i >= source.length || source[i] === '\n') fail('non-terminated string', start);
        const ch = source[i]!;
        if (ch === '"') break;
        if (ch === '\\') {
          const e = source[i + 1]!;
          if (e === 'u') {
            const hex = source.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('illegal escape sequence', i);
            value += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          if (!(e in ESCAPES)) fail('illegal escape sequence', i);
          value += ESCAPES[e];
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      i++;
      push('string', source.slice(start, i), value);
      continue;
    }
    if (c === '`') {
      i += 1;
      const end = source.indexOf('`', i);
      if (end < 0) fail('non-terminated raw string', start);
      const value = source.slice(i, end);
      push('rawstring', source.slice(start, end + 1), value);
      for (let j = i; j < end; j++) {
        if (source[j] === '\n') {
          row++;
          lineStart = j + 1;
        }
      }
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source)!;
      if (!m[0]) fail('illegal number', i);
      i += m[0].length;
      if (/[A-Za-z_]/.test(source[i] ?? '')) fail('illegal number format', start);
      push('number', m[0]);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      const word = source.slice(start, i);
      push(KEYWORDS.has(word) ? 'keyword' : 'ident', word);
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) fail(`unexpected character ${JSON.stringify(c)}`, i);
    i += op!.length;
    push('op', op!);
  }
  tokens.push({ kind: 'eof', text: '', loc: loc(i), nl: true });
  return tokens;
}

/**
 * The index of the quote closing a template body that starts at `i`, or -1. Outside expressions a backslash
 * escapes the next character (in raw templates only `\{`); inside `{…}` strings, raw strings and nested
 * templates are skipped whole, so their braces and quotes do not count.
 */
export function templateEnd(source: string, i: number, quote: '"' | '`'): number {
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\' && (quote === '"' || source[i + 1] === '{')) i += 2;
    else if (ch === quote) return i;
    else if (quote === '"' && ch === '\n') return -1;
    else if (ch === '{') {
      i = expressionEnd(source, i + 1);
      if (i < 0) return -1;
      i++;
    } else i++;
  }
  return -1;
}

/** The index of the `}` closing a template expression whose text starts at `i`, or -1. */
export function expressionEnd(source: string, i: number): number {
  let depth = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '"') {
      i++;
      while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) return -1;
      i = end + 1;
    } else if (ch === '$' && (source[i + 1] === '"' || source[i + 1] === '`')) {
      const end = templateEnd(source, i + 2, source[i + 1] as '"' | '`');
      if (end < 0) return -1;
      i = end + 1;
    } else if (ch === '}' && depth === 0) return i;
    else {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      i++;
    }
  }
  return -1;
}
