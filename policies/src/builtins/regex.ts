/**
 * Regular expressions with Go's RE2 syntax (translated by regex/re2.ts); compiled patterns are cached per engine.
 */
import { BuiltinError } from './errors.js';
import { BOOLEAN, STRING, arg, intOperand, stringOperand } from './operands.js';
import type { BuiltinContext, BuiltinDef } from './types.js';
import type { Value } from '../values.js';
import { globsIntersect } from './regex/globs.js';
import { translateRe2 } from './regex/re2.js';
import { findAll, replaceAll, split } from './regex/match.js';

/** JavaScript's complaints about a pattern, in Go's words where the two name the same mistake. */
function goRegexpError(pattern: string, message: string): string {
  if (/Unterminated group/.test(message)) return `missing closing ): \`${pattern}\``;
  if (/Unmatched '\)'/.test(message)) return `unexpected ): \`${pattern}\``;
  if (/Nothing to repeat/.test(message)) return 'missing argument to repetition operator';
  if (/Unterminated character class/.test(message)) return `missing closing ]: \`${pattern}\``;
  return message.replace(/^Invalid regular expression: /, '');
}

/** A Go (RE2) pattern as a JavaScript RegExp; throws BuiltinError as Go's regexp.Compile fails. */
export function re2ToRegExp(pattern: string, global = false): RegExp {
  const { source, flags } = translateRe2(pattern);
  try {
    return new RegExp(source, 'u' + flags + (global ? 'g' : ''));
  } catch (error) {
    throw new BuiltinError(`error parsing regexp: ${goRegexpError(pattern, (error as Error).message)}`);
  }
}

function compile(pattern: string, ctx: BuiltinContext, global = false): RegExp {
  const key = `re\u0000${global}\u0000${pattern}`;
  const hit = ctx.sharedCache.get(key) as RegExp | undefined;
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const re = re2ToRegExp(pattern, global);
  ctx.sharedCache.set(key, re);
  return re;
}

const quoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/**
 * regex.template_match's pattern (gorilla/mux templates): text between the delimiters is a regexp, the rest is
 * literal; delimiters nest, and unbalanced ones are an error.
 */
function templatePattern(tpl: string, open: string, close: string): string {
  const unbalanced = () => new BuiltinError(`unbalanced braces in ${JSON.stringify(tpl)}`);
  let out = '^';
  let level = 0;
  let start = 0;
  let end = 0;
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === open) {
      if (++level === 1) start = i;
    } else if (tpl[i] === close) {
      if (--level === 0) {
        out += `${quoteMeta(tpl.slice(end, start))}(${tpl.slice(start + 1, i)})`;
        end = i + 1;
      } else if (level < 0) throw unbalanced();
    }
  }
  if (level !== 0) throw unbalanced();
  return out + quoteMeta(tpl.slice(end)) + '$';
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'regex.globs_match', args: [arg('glob1', STRING), arg('glob2', STRING)], result: BOOLEAN, categories: ['regex'] },
    impl: (a) => globsIntersect(stringOperand(a, 1), stringOperand(a, 2)),
  },
  {
    decl: { name: 'regex.template_match', args: [arg('template', STRING), arg('value', STRING), arg('delimiter_start', STRING), arg('delimiter_end', STRING)], result: BOOLEAN, categories: ['regex'] },
    impl: (a, ctx) => {
      const [tpl, value, open, close] = [stringOperand(a, 1), stringOperand(a, 2), stringOperand(a, 3), stringOperand(a, 4)];
      const len = (s: string) => Buffer.byteLength(s);
      if (len(open) !== 1) throw new BuiltinError(`start delimiter has to be exactly one character long but is ${len(open)} long`);
      if (len(close) !== 1) throw new BuiltinError(`end delimiter has to be exactly one character long but is ${len(close)} long`);
      return compile(templatePattern(tpl, open, close), ctx).test(value);
    },
  },
  {
    decl: { name: 'regex.match', args: [arg('pattern', STRING), arg('value', STRING)], result: BOOLEAN, categories: ['regex'] },
    impl: (a, ctx) => compile(stringOperand(a, 1), ctx).test(stringOperand(a, 2)),
  },
  {
    decl: { name: 're_match', args: [arg('pattern', STRING), arg('value', STRING)], result: BOOLEAN, categories: ['regex'] },
    impl: (a, ctx) => compile(stringOperand(a, 1), ctx).test(stringOperand(a, 2)),
  },
  {
    decl: { name: 'regex.is_valid', args: [arg('pattern')], result: BOOLEAN, categories: ['regex'] },
    impl: (a, ctx) => {
      if (typeof a[0] !== 'string') return false;
      try {
        compile(a[0], ctx);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    decl: { name: 'regex.split', args: [arg('pattern', STRING), arg('value', STRING)], result: { kind: 'array' }, categories: ['regex'] },
    impl: (a, ctx) => split(compile(stringOperand(a, 1), ctx, true), stringOperand(a, 2)),
  },
  {
    decl: { name: 'regex.replace', args: [arg('value', STRING), arg('pattern', STRING), arg('replacement', STRING)], result: STRING, categories: ['regex'] },
    impl: (a, ctx) => replaceAll(compile(stringOperand(a, 2), ctx, true), stringOperand(a, 1), stringOperand(a, 3)),
  },
  {
    decl: { name: 'regex.find_n', args: [arg('pattern', STRING), arg('value', STRING), arg('n')], result: { kind: 'array' }, categories: ['regex'] },
    impl: (a, ctx) => {
      const n = intOperand(a, 3);
      return findAll(compile(stringOperand(a, 1), ctx, true), stringOperand(a, 2), n).map((f) => f.match[0]);
    },
  },
  {
    decl: { name: 'regex.find_all_string_submatch_n', args: [arg('pattern', STRING), arg('value', STRING), arg('n')], result: { kind: 'array' }, categories: ['regex'] },
    impl: (a, ctx) => {
      const n = intOperand(a, 3);
      return findAll(compile(stringOperand(a, 1), ctx, true), stringOperand(a, 2), n).map((f): Value => [...f.match].map((g) => g ?? ''));
    },
  },
];
