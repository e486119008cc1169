/**
 * glob.match with OPA's rules: `*` and `?` stop at delimiters (default "."), `**` does not; `[…]`, `{a,b}` supported.
 */
import { BuiltinError, operandTypeError } from './errors.js';
import { BOOLEAN, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { isArray, type Value } from '../values.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function compile(pattern: string, delimiters: readonly string[]): RegExp {
  const notDelim = delimiters.length ? `[^${delimiters.map(escape).join('')}]` : '[\\s\\S]';
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') out += escape(pattern[++i] ?? '');
    else if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '[\\s\\S]*';
        i++;
      } else out += `${notDelim}*`;
    } else if (c === '?') out += notDelim;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new BuiltinError('unexpected end of input');
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('!')) cls = '^' + cls.slice(1);
      out += `[${cls}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) throw new BuiltinError('unexpected end of input');
      out += `(?:${pattern.slice(i + 1, end).split(',').map((alt) => compile(alt, delimiters).source.slice(1, -1)).join('|')})`;
      i = end;
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`, 'u');
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'glob.match', args: [arg('pattern', STRING), arg('delimiters'), arg('match', STRING)], result: BOOLEAN, categories: ['glob'] },
    impl: (a, ctx) => {
      const pattern = stringOperand(a, 1);
      const d = a[1]!;
      if (d !== null && !isArray(d)) throw operandTypeError(2, 'array[string]', d);
      const delimiters = d === null ? [] : d.length === 0 ? ['.'] : d.map((x: Value) => String(x));
      const key = `glob\u0000${pattern}\u0000${delimiters.join('\u0000')}`;
      let re = ctx.sharedCache.get(key) as RegExp | undefined;
      if (!re) ctx.sharedCache.set(key, (re = compile(pattern, delimiters)));
      return re.test(stringOperand(a, 3));
    },
  },
  { decl: { name: 'glob.quote_meta', args: [arg('pattern', STRING)], result: STRING, categories: ['glob'] }, impl: (a) => stringOperand(a, 1).replace(/[*?\\[\]{}]/g, '\\$&') },
];
