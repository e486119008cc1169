/**
 * glob.match and glob.quote_meta as OPA computes them with gobwas/glob; delimiters default to ".", null means none.
 */
import { BuiltinError, OperandTypeError, operandTypeError } from './errors.js';
import { BOOLEAN, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { isArray, typeName, type Value } from '../values.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * gobwas/glob syntax as a RegExp: `*` (no delimiters), `**` (anything), `?` (one non-delimiter), `[…]` and `[!…]`
 * lists with ranges (delimiters included), nestable `{a,b}` alternatives, and `\` escapes.
 */
function compile(pattern: string, delimiters: readonly string[]): RegExp {
  const notDelim = delimiters.length ? `[^${delimiters.map(escape).join('')}]` : '[\\s\\S]';
  const chars = [...pattern];
  let i = 0;
  const eof = () => new BuiltinError('unexpected end of input');
  const list = (): string => {
    let out = '[';
    if (chars[i] === '!') {
      out += '^';
      i++;
    }
    for (;;) {
      if (i >= chars.length) throw eof();
      const c = chars[i++]!;
      if (c === ']') return out + ']';
      const lit = c === '\\' ? (chars[i++] ?? '') : c;
      out += escape(lit).replace(/^-$/, '\\-');
      if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
        i++;
        out += '-' + escape(chars[i++]!);
      }
    }
  };
  /** A sequence up to (not including) a terminator: end of input, or "," / "}" inside alternatives. */
  const sequence = (inAlternatives: boolean): string => {
    let out = '';
    while (i < chars.length) {
      const c = chars[i]!;
      if (inAlternatives && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\') out += escape(chars[i++] ?? '');
      else if (c === '*') {
        if (chars[i] === '*') {
          i++;
          out += '[\\s\\S]*';
        } else out += `${notDelim}*`;
      } else if (c === '?') out += notDelim;
      else if (c === '[') out += list();
      else if (c === '{') {
        const alts = [sequence(true)];
        while (chars[i] === ',') {
          i++;
          alts.push(sequence(true));
        }
        if (chars[i] !== '}') throw eof();
        i++;
        out += `(?:${alts.join('|')})`;
      } else out += escape(c);
    }
    if (inAlternatives) throw eof();
    return out;
  };
  return new RegExp(`^${sequence(false)}$`, 'u');
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'glob.match', args: [arg('pattern', STRING), arg('delimiters'), arg('match', STRING)], result: BOOLEAN, categories: ['glob'] },
    impl: (a, ctx) => {
      const pattern = stringOperand(a, 1);
      const d = a[1]!;
      if (d !== null && !isArray(d)) throw operandTypeError(2, 'one of {array, null}', d);
      const delimiters = d === null ? [] : d.map((x: Value) => {
        if (typeof x !== 'string') throw new OperandTypeError(`operand 2 must be array of strings but got array containing ${typeName(x)}`);
        if ([...x].length !== 1) throw new OperandTypeError('operand 2 must be array of runes but got array containing string');
        return x;
      });
      if (d !== null && delimiters.length === 0) delimiters.push('.');
      const key = `glob\u0000${pattern}\u0000${delimiters.join('\u0000')}`;
      let re = ctx.sharedCache.get(key) as RegExp | undefined;
      if (!re) ctx.sharedCache.set(key, (re = compile(pattern, delimiters)));
      return re.test(stringOperand(a, 3));
    },
  },
  { decl: { name: 'glob.quote_meta', args: [arg('pattern', STRING)], result: STRING, categories: ['glob'] }, impl: (a) => stringOperand(a, 1).replace(/[*?\\[\]{}]/g, '\\$&') },
];
