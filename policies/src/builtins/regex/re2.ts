/**
 * Go's RE2 syntax rewritten into an equivalent JavaScript (u-mode) pattern: POSIX classes, \pL and script names,
 * \A \z \Q…\E \x{…} \C, octal escapes, (?P<name>…), and flag groups ((?i) (?s) (?m) (?U), scoped or not) that
 * JavaScript lacks. What RE2 rejects (lookarounds, backreferences, repeat counts over 1000) is rejected with Go's
 * error text.
 */
import { BuiltinError } from '../errors.js';

const fail = (msg: string): never => {
  throw new BuiltinError(`error parsing regexp: ${msg}`);
};

/** POSIX classes as code point ranges. */
const POSIX: Record<string, [number, number][]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const GENERAL_CATEGORIES = new Set('C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '));

const cp = (n: number): string => `\\u{${n.toString(16)}}`;
const rangesText = (ranges: [number, number][]): string => ranges.map(([a, b]) => (a === b ? cp(a) : `${cp(a)}-${cp(b)}`)).join('');

function complement(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a > next) out.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function unicodeClass(name: string, negated: boolean): string {
  let n = name;
  let neg = negated;
  if (n.startsWith('^')) {
    n = n.slice(1);
    neg = !neg;
  }
  if (n === 'Any') return neg ? '[^\\s\\S]' : '[\\s\\S]';
  const body = GENERAL_CATEGORIES.has(n) ? n : `Script=${n}`;
  return `\\${neg ? 'P' : 'p'}{${body}}`;
}

const isLetter = (c: string): boolean => c.toLowerCase() !== c.toUpperCase();
/** A literal character, escaped as JavaScript's u-mode requires outside or inside a class. */
const escapeLiteral = (c: string, inClass = false): string => ((inClass ? /[\\\]\[^-]/ : /[\\^$.*+?()[\]{}|/]/).test(c) ? '\\' + c : c);

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  U: boolean;
}

/** Translates a pattern; the leading flag group, if any, becomes native RegExp flags. */
export function translateRe2(pattern: string): { source: string; flags: string } {
  const chars = [...pattern];
  let pos = 0;
  const native = { i: false, s: false, m: false };
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  const stack: Flags[] = [{ i: false, s: false, m: false, U: false }];
  if (lead) {
    for (const f of lead[1]!) if (f === 'U') stack[0]!.U = true;
    else native[f as 'i' | 's' | 'm'] = true;
    pos = [...lead[0]].length;
  }
  const flags = () => stack[stack.length - 1]!;
  let out = '';

  const escape = (inClass: boolean): string => {
    const c = chars[pos++];
    if (c === undefined) return fail('trailing backslash at end of expression: ``');
    switch (c) {
      case 'A':
        return inClass ? fail('invalid escape sequence: `\\A`') : '(?<![\\s\\S])';
      case 'z':
        return inClass ? fail('invalid escape sequence: `\\z`') : '(?![\\s\\S])';
      case 'C':
        return '[\\s\\S]';
      case 'a':
        return '\\x07';
      case 'Q': {
        let lit = '';
        while (pos < chars.length && !(chars[pos] === '\\' && chars[pos + 1] === 'E')) lit += escapeLiteral(chars[pos++]!, inClass);
        pos += 2;
        return lit;
      }
      case 'x':
        if (chars[pos] === '{') {
          const end = chars.indexOf('}', pos);
          if (end < 0) return fail('invalid escape sequence: `\\x{`');
          const hex = chars.slice(pos + 1, end).join('');
          pos = end + 1;
          return cp(parseInt(hex, 16));
        }
        return '\\x' + chars.slice(pos, (pos += 2)).join('');
      case 'p':
      case 'P': {
        let name: string;
        if (chars[pos] === '{') {
          const end = chars.indexOf('}', pos);
          if (end < 0) return fail(`invalid character class range: \`\\${c}{\``);
          name = chars.slice(pos + 1, end).join('');
          pos = end + 1;
        } else name = chars[pos++] ?? '';
        return unicodeClass(name, c === 'P');
      }
      default:
        if (c >= '0' && c <= '7') {
          // A lone nonzero digit would be a backreference, which RE2 has not; otherwise up to three octal digits.
          let digits = c;
          while (digits.length < 3 && chars[pos]! >= '0' && chars[pos]! <= '7') digits += chars[pos++]!;
          if (c !== '0' && digits.length === 1) return fail(`invalid escape sequence: \`\\${c}\``);
          return cp(parseInt(digits, 8));
        }
        if (c === '8' || c === '9') return fail(`invalid escape sequence: \`\\${c}\``);
        // RE2 lets any ASCII punctuation be escaped; u-mode JavaScript only its own syntax characters.
        if (/[!-/:-@[-`{-~]/.test(c)) return escapeLiteral(c, inClass);
        return '\\' + c;
    }
  };

  const classBody = (): string => {
    let body = '';
    if (chars[pos] === '^') {
      body += '^';
      pos++;
    }
    // A "]" right after the opening (or after "^") is a literal.
    if (chars[pos] === ']') {
      body += '\\]';
      pos++;
    }
    while (pos < chars.length && chars[pos] !== ']') {
      const c = chars[pos++]!;
      if (c === '[' && chars[pos] === ':') {
        const end = chars.indexOf(']', pos);
        const spec = chars.slice(pos + 1, end - 1).join('');
        const neg = spec.startsWith('^');
        const ranges = POSIX[neg ? spec.slice(1) : spec];
        if (end < 0 || chars[end - 1] !== ':' || !ranges) return fail(`invalid character class range: \`[${spec}\``);
        pos = end + 1;
        body += rangesText(neg ? complement(ranges) : ranges);
      } else if (c === '\\') body += escape(true);
      else if (c === '[') body += '\\[';
      else {
        body += c;
        if (flags().i && isLetter(c)) {
          // A case-folded range a-z also needs A-Z.
          if (chars[pos] === '-' && chars[pos + 1] && chars[pos + 1] !== ']' && isLetter(chars[pos + 1]!)) {
            const hi = chars[pos + 1]!;
            body += `-${hi}${c.toUpperCase() === c ? c.toLowerCase() : c.toUpperCase()}-${hi.toUpperCase() === hi ? hi.toLowerCase() : hi.toUpperCase()}`;
            pos += 2;
          } else body += c.toUpperCase() === c ? c.toLowerCase() : c.toUpperCase();
        }
      }
    }
    if (pos >= chars.length) return fail(`missing closing ]: \`${pattern.slice(pattern.lastIndexOf('['))}\``);
    pos++;
    return `[${body}]`;
  };

  const quantifier = (q: string): string => {
    if (q.startsWith('{')) {
      const counts = q.slice(1, -1).split(',').filter(Boolean).map(Number);
      if (counts.some((n) => n > 1000)) fail(`invalid repeat count: \`${q}\``);
    }
    let lazy = chars[pos] === '?';
    if (lazy) pos++;
    if (flags().U) lazy = !lazy;
    return q + (lazy ? '?' : '');
  };

  while (pos < chars.length) {
    const c = chars[pos++]!;
    if (c === '\\') out += escape(false);
    else if (c === '[') out += classBody();
    else if (c === '(') {
      if (chars[pos] === '?') {
        const rest = chars.slice(pos, pos + 4).join('');
        if (/^\?(=|!|<=|<!)/.test(rest)) fail(`invalid or unsupported Perl syntax: \`(${rest.slice(0, rest[1] === '<' ? 3 : 2)}\``);
        if (rest.startsWith('?P<')) {
          out += '(?<';
          pos += 3;
          stack.push({ ...flags() });
          continue;
        }
        if (rest.startsWith('?<')) {
          out += '(?<';
          pos += 2;
          stack.push({ ...flags() });
          continue;
        }
        const group = /^\?([imsU-]*)([:)])/.exec(chars.slice(pos, pos + 12).join(''));
        if (!group) return fail(`invalid or unsupported Perl syntax: \`(${rest.slice(0, 2)}\``);
        const next = { ...flags() };
        let on = true;
        for (const f of group[1]!) {
          if (f === '-') on = false;
          else next[f as keyof Flags] = on;
        }
        pos += group[0].length;
        if (group[2] === ')') {
          // (?flags) changes the rest of the enclosing group.
          stack[stack.length - 1] = next;
          continue;
        }
        stack.push(next);
        out += '(?:';
        continue;
      }
      stack.push({ ...flags() });
      out += '(';
    } else if (c === ')') {
      if (stack.length > 1) stack.pop();
      out += ')';
    } else if (c === '*' || c === '+' || c === '?') out += quantifier(c);
    else if (c === '{' && /^\d+(,\d*)?\}/.test(chars.slice(pos, pos + 12).join(''))) {
      const end = chars.indexOf('}', pos);
      const q = '{' + chars.slice(pos, end + 1).join('');
      pos = end + 1;
      out += quantifier(q);
    } else if (c === '.') out += flags().s && !native.s ? '[\\s\\S]' : '.';
    else if (c === '^') out += flags().m && !native.m ? '(?<![^\\n])' : '^';
    else if (c === '$') out += flags().m && !native.m ? '(?![^\\n])' : '$';
    else if (flags().i && !native.i && isLetter(c)) out += `[${c}${c.toUpperCase() === c ? c.toLowerCase() : c.toUpperCase()}]`;
    else out += c === '/' || c === '{' || c === '}' ? '\\' + c : c;
  }
  return { source: out, flags: (native.i ? 'i' : '') + (native.m ? 'm' : '') + (native.s ? 's' : '') };
}
