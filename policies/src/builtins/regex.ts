/**
 * Regular expressions. Go's RE2 syntax is translated where JavaScript differs: (?P<name>…) groups, \z, and inline
 * flags at the start ((?i), (?s), (?m)); compiled patterns are cached per engine.
 */
import { BuiltinError } from './errors.js';
import { BOOLEAN, STRING, arg, intOperand, stringOperand } from './operands.js';
import type { BuiltinContext, BuiltinDef } from './types.js';
import type { Value } from '../values.js';

function compile(pattern: string, ctx: BuiltinContext, global = false): RegExp {
  const key = `re\u0000${global}\u0000${pattern}`;
  const hit = ctx.sharedCache.get(key) as RegExp | undefined;
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let src = pattern.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$(?![\\s\\S])');
  let flags = 'u' + (global ? 'g' : '');
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (error) {
    throw new BuiltinError(`error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  ctx.sharedCache.set(key, re);
  return re;
}

export const builtins: readonly BuiltinDef[] = [
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
