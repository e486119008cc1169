/**
 * String builtins. Indices and lengths count code points, as Go does over UTF-8 runes.
 */
import { BuiltinError, OperandTypeError, operandTypeError } from './errors.js';
import { BOOLEAN, NUMBER, STRING, arg, collectionOperand, intOperand, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { goSprintf } from './strings/sprintf.js';
import { renderTemplate } from './strings/template.js';
import { isArray, isNumber, isObject, isSet, typeName, type Value } from '../values.js';

const s1 = (name: string, f: (s: string) => Value): BuiltinDef => ({ decl: { name, args: [arg('x', STRING)], result: STRING, categories: ['strings'] }, impl: (a) => f(stringOperand(a, 1)) });
const s2 = (name: string, f: (a: string, b: string) => Value): BuiltinDef => ({
  decl: { name, args: [arg('x', STRING), arg('y', STRING)], result: STRING, categories: ['strings'] },
  impl: (a) => f(stringOperand(a, 1), stringOperand(a, 2)),
});

/** Go's fmt.Sprintf over OPA's conversion of the operands (see strings/sprintf.ts). */
export const sprintf = goSprintf;

const cp = (s: string): string[] => [...s];

/** unicode.IsSpace: JavaScript's \s without U+FEFF, plus U+0085. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * strings.ToLower/ToUpper map rune by rune with Unicode's simple mappings: no context (final sigma) and no
 * expansions (ß stays ß in upper case; İ lowers to i).
 */
function caseMap(s: string, upper: boolean): string {
  if (/^[\x00-\x7f]*$/.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const c of s) {
    const m = upper ? c.toUpperCase() : c.toLowerCase();
    out += [...m].length === 1 ? m : upper ? c : m[0]!;
  }
  return out;
}

/**
 * Go's strings.NewReplacer: one left-to-right pass; at each position the first pair (in the given order) whose old
 * string matches wins. An empty old string matches between every two characters, and once more at the end.
 */
export function replaceAll(s: string, pairs: readonly (readonly [string, string])[]): string {
  let out = '';
  let i = 0;
  let prevEmpty = false;
  while (i <= s.length) {
    const hit = pairs.find(([old]) => (old === '' ? !prevEmpty : s.startsWith(old, i)));
    prevEmpty = hit !== undefined && hit[0] === '';
    if (hit) {
      out += hit[1];
      i += hit[0].length;
      continue;
    }
    if (i < s.length) {
      const c = String.fromCodePoint(s.codePointAt(i)!);
      out += c;
      i += c.length;
    } else i++;
  }
  return out;
}

function trimSet(s: string, cutset: string, left: boolean, right: boolean): string {
  const chars = new Set(cp(cutset));
  const arr = cp(s);
  let a = 0;
  let b = arr.length;
  while (left && a < b && chars.has(arr[a]!)) a++;
  while (right && b > a && chars.has(arr[b - 1]!)) b--;
  return arr.slice(a, b).join('');
}

/** strings.any_prefix_match / any_suffix_match: a string, array or set on either side. */
function anyMatch(name: string, test: (x: string, y: string) => boolean): BuiltinDef {
  const strings = (v: Value, pos: number): Value[] => {
    if (typeof v === 'string') return [v];
    if (isArray(v) || isSet(v)) {
      const items = [...(v as Iterable<Value>)];
      const bad = items.find((x) => typeof x !== 'string');
      const kind = isArray(v) ? 'array' : 'set';
      if (bad !== undefined) throw new OperandTypeError(`operand ${pos} must be ${kind} of strings but got ${kind} containing ${typeName(bad)}`);
      return items;
    }
    throw operandTypeError(pos, 'one of {string, set, array}', v);
  };
  return {
    decl: { name, args: [arg('search'), arg('base')], result: BOOLEAN, categories: ['strings'] },
    impl: ([s, b]) => {
      const ss = strings(s!, 1);
      const bs = strings(b!, 2);
      return ss.some((x) => bs.some((y) => typeof x === 'string' && typeof y === 'string' && test(x, y)));
    },
  };
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'concat', args: [arg('delimiter', STRING), arg('collection')], result: STRING, categories: ['strings'] },
    impl: (a) => {
      const d = stringOperand(a, 1);
      const items = collectionOperand(a, 2, 'one of {array, set}');
      return items.map((v) => {
        if (typeof v !== 'string') throw operandTypeError(2, 'one of {array[string], set[string]}', a[1]!);
        return v;
      }).join(d);
    },
  },
  s2('contains', (a, b) => a.includes(b)),
  s2('startswith', (a, b) => a.startsWith(b)),
  s2('endswith', (a, b) => a.endsWith(b)),
  s1('lower', (s) => caseMap(s, false)),
  s1('upper', (s) => caseMap(s, true)),
  s1('trim_space', (s) => s.replace(GO_SPACE, '')),
  s1('strings.reverse', (s) => cp(s).reverse().join('')),
  s2('trim', (s, c) => trimSet(s, c, true, true)),
  s2('trim_left', (s, c) => trimSet(s, c, true, false)),
  s2('trim_right', (s, c) => trimSet(s, c, false, true)),
  s2('trim_prefix', (s, p) => (s.startsWith(p) ? s.slice(p.length) : s)),
  s2('trim_suffix', (s, p) => (p && s.endsWith(p) ? s.slice(0, -p.length) : s)),
  s2('split', (s, d) => (d === '' ? cp(s) : s.split(d))),
  s2('indexof', (s, sub) => {
    const at = s.indexOf(sub);
    return at < 0 ? -1 : cp(s.slice(0, at)).length;
  }),
  s2('indexof_n', (s, sub) => {
    const out: number[] = [];
    if (!sub) return out;
    for (let at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + 1)) out.push(cp(s.slice(0, at)).length);
    return out;
  }),
  {
    decl: { name: 'strings.split_n', args: [arg('x', STRING), arg('delimiter', STRING), arg('n', NUMBER)], result: { kind: 'array' }, categories: ['strings'] },
    impl: (a) => {
      const n = a[2]!;
      if (!isNumber(n)) throw operandTypeError(3, 'number', n);
      if (!Number.isInteger(Number(n))) throw new OperandTypeError('operand 3 must be integer number but got floating-point number');
      const s = stringOperand(a, 1);
      const d = stringOperand(a, 2);
      const parts = d === '' ? cp(s) : s.split(d);
      const k = Number(n);
      return k >= 0 ? parts.slice(0, k) : parts.slice(Math.max(0, parts.length + k));
    },
  },
  s2('strings.count', (s, sub) => (sub === '' ? cp(s).length + 1 : s.split(sub).length - 1)),
  {
    decl: { name: 'replace', args: [arg('x', STRING), arg('old', STRING), arg('new', STRING)], result: STRING, categories: ['strings'] },
    impl: (a) => replaceAll(stringOperand(a, 1), [[stringOperand(a, 2), stringOperand(a, 3)]]),
  },
  {
    decl: { name: 'substring', args: [arg('value', STRING), arg('offset', NUMBER), arg('length', NUMBER)], result: STRING, categories: ['strings'] },
    impl: (a) => {
      const s = cp(stringOperand(a, 1));
      const off = intOperand(a, 2);
      const len = intOperand(a, 3);
      if (off < 0) throw new BuiltinError('negative offset');
      return s.slice(off, len < 0 ? undefined : off + len).join('');
    },
  },
  {
    decl: { name: 'sprintf', args: [arg('format', STRING), arg('values', { kind: 'array' })], result: STRING, categories: ['strings'] },
    impl: (a) => {
      const values = a[1]!;
      if (!isArray(values)) throw operandTypeError(2, 'array', values);
      return sprintf(stringOperand(a, 1), values);
    },
  },
  {
    decl: { name: 'format_int', args: [arg('number', NUMBER), arg('base', NUMBER)], result: STRING, categories: ['strings'] },
    impl: (a) => {
      const base = intOperand(a, 2);
      if (![2, 8, 10, 16].includes(base)) throw new OperandTypeError('operand 2 must be one of {2, 8, 10, 16}');
      const n = a[0]!;
      if (!isNumber(n)) throw operandTypeError(1, 'number', n);
      return BigInt(typeof n === 'bigint' ? n : Math.trunc(n)).toString(base);
    },
  },
  {
    decl: { name: 'strings.render_template', args: [arg('value', STRING), arg('vars', { kind: 'object' })], result: STRING, categories: ['strings'] },
    impl: (a) => {
      const tpl = stringOperand(a, 1);
      const vars = a[1]!;
      if (!isObject(vars)) throw operandTypeError(2, 'object', vars);
      return renderTemplate(tpl, vars, sprintf);
    },
  },
  anyMatch('strings.any_prefix_match', (x, y) => x.startsWith(y)),
  anyMatch('strings.any_suffix_match', (x, y) => x.endsWith(y)),
  {
    decl: { name: 'strings.replace_n', args: [arg('patterns', { kind: 'object' }), arg('value', STRING)], result: STRING, categories: ['strings'] },
    impl: (a) => {
      const pats = a[0]!;
      if (!isObject(pats)) throw operandTypeError(1, 'object', pats);
      const value = stringOperand(a, 2);
      const pairs = pats.sortedEntries().map(([k, v]): [string, string] => {
        if (typeof k !== 'string') throw new OperandTypeError('operand 1 non-string key found in pattern object');
        if (typeof v !== 'string') throw new OperandTypeError('operand 1 non-string value found in pattern object');
        return [k, v];
      });
      return replaceAll(value, pairs);
    },
  },
];
