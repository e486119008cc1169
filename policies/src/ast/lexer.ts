/**
 * Source → tokens. Tracks whether a newline precedes each token, since Rego separates body literals by newlines.
 */
import { RegoError } from './errors.js';
import { KEYWORDS, OPERATORS, type Token } from './tokens.js';

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function lex(source: string, file: string): Token[] {
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
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const start = i;
    const push = (kind: Token['kind'], text: string, value?: string) => {
      tokens.push({ kind, text, ...(value !== undefined ? { value } : {}), loc: loc(start), nl });
      nl = false;
    };
    if (c === '$' && source[i + 1] === '"') {
      // A template: expressions in {…} may hold strings and templates of their own, so braces are counted.
      i += 2;
      let depth = 0;
      const begin = i;
      while (true) {
        if (i >= source.length || source[i] === '\n') fail('non-terminated string', start);
        const ch = source[i]!;
        if (ch === '\\') {
          i += 2;
          continue;
        }
        if (depth === 0 && ch === '"') break;
        if (ch === '{') depth++;
        else if (ch === '}') depth = Math.max(0, depth - 1);
        else if (depth > 0 && ch === '"') {
          i++;
          while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
        }
        i++;
      }
      const raw = source.slice(begin, i);
      i++;
      push('template', source.slice(start, i), raw);
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
    if (c === '`' || (c === '$' && source[i + 1] === '`')) {
      const template = c === '$';
      i += template ? 2 : 1;
      const end = source.indexOf('`', i);
      if (end < 0) fail('non-terminated raw string', start);
      const value = source.slice(i, end);
      for (const ch of value) if (ch === '\n') row++;
      i = end + 1;
      push(template ? 'template' : 'rawstring', source.slice(start, i), value);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(?:0|[1-9][0-9]*)?(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(source.slice(i))!;
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
