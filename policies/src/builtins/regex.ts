/**
 * Regular expressions. Go's RE2 syntax is translated where JavaScript differs: (?P<name>…) groups, \z, and inline
 * flags at the start ((?i), (?s), (?m)); compiled patterns are cached per engine.
 */
import { BuiltinError } from './errors.js';
import { BOOLEAN, STRING, arg, intOperand, stringOperand } from './operands.js';
import type { BuiltinContext, BuiltinDef } from './types.js';
import type { Value } from '../values.js';
import { globsIntersect } from './regex/globs.js';

/** A Go (RE2) pattern as a JavaScript RegExp; throws BuiltinError as Go's regexp.Compile fails. */
export function re2ToRegExp(pattern: string, global = false): RegExp {
  let src = pattern.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$(?![\\s\\S])');
  let flags = 'u' + (global ? 'g' : '');
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  try {
    return new RegExp(src, flags);
  } catch (error) {
    throw new BuiltinError(`error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
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
    impl: (a, ctx) => stringOperand(a, 2).split(compile(stringOperand(a, 1), ctx)).filter((x): x is string => x !== undefined),
  },
  {
    decl: { name: 'regex.replace', args: [arg('value', STRING), arg('pattern', STRING), arg('replacement', STRING)], result: STRING, categories: ['regex'] },
    impl: (a, ctx) => stringOperand(a, 1).replace(compile(stringOperand(a, 2), ctx, true), stringOperand(a, 3).replace(/\$\{?(\w+)\}?/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`))),
  },
  {
    decl: { name: 'regex.find_n', args: [arg('pattern', STRING), arg('value', STRING), arg('n')], result: { kind: 'array' }, categories: ['regex'] },
    impl: (a, ctx) => {
      const n = intOperand(a, 3);
      const all = [...stringOperand(a, 2).matchAll(compile(stringOperand(a, 1), ctx, true))].map((m) => m[0]);
      return n < 0 ? all : all.slice(0, n);
    },
  },
  {
    decl: { name: 'regex.find_all_string_submatch_n', args: [arg('pattern', STRING), arg('value', STRING), arg('n')], result: { kind: 'array' }, categories: ['regex'] },
    impl: (a, ctx) => {
      const n = intOperand(a, 3);
      const all: Value[] = [...stringOperand(a, 2).matchAll(compile(stringOperand(a, 1), ctx, true))].map((m) => [...m].map((g) => g ?? ''));
      return n < 0 ? all : all.slice(0, n);
    },
  },
];
