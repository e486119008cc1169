import { BuiltinError, operandTypeError } from './errors.js';
import { STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { fromJSON, isArray, isObject, isSet, stringifyJSON, toJSON } from '../values.js';

const str = (name: string, f: (s: string) => string, categories = ['encoding']): BuiltinDef => ({ decl: { name, args: [arg('x', STRING)], result: STRING, categories }, impl: (a) => f(stringOperand(a, 1)) });

export function parseJsonExact(text: string): unknown {
  // Integers beyond 2^53 keep their digits: they are quoted with a marker before JSON.parse and restored after.
  const marked = text.replace(/("(?:[^"\\]|\\.)*")|(-?\d{16,})(?![\d.eE])/g, (m, s: string | undefined, big: string | undefined) => (s ? s : `"\u0000${big}"`));
  return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith('\u0000') ? BigInt(v.slice(1)) : v));
}

/** Go's json.MarshalIndent layout: every line after the first starts with prefix, nesting adds indent. */
function indentJSON(x: unknown, prefix: string, indent: string, depth = 0): string {
  const pad = prefix + indent.repeat(depth + 1);
  const close = prefix + indent.repeat(depth);
  if (Array.isArray(x)) {
    if (!x.length) return '[]';
    return '[\n' + x.map((v) => pad + indentJSON(v, prefix, indent, depth + 1)).join(',\n') + '\n' + close + ']';
  }
  if (x && typeof x === 'object') {
    const entries = Object.entries(x);
    if (!entries.length) return '{}';
    return '{\n' + entries.map(([k, v]) => pad + JSON.stringify(k) + ': ' + indentJSON(v, prefix, indent, depth + 1)).join(',\n') + '\n' + close + '}';
  }
  return stringifyJSON(x);
}

const MARSHAL_OPTIONS = new Set(['pretty', 'prefix', 'indent']);

const queryEscape = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'json.marshal_with_options', args: [arg('x'), arg('options')], result: STRING, categories: ['encoding'] },
    impl: ([x, o]) => {
      if (!isObject(o)) throw operandTypeError(2, 'object', o!);
      for (const k of o.keys()) if (typeof k !== 'string' || !MARSHAL_OPTIONS.has(k)) throw new BuiltinError(`object contained unknown key ${JSON.stringify(k)}`);
      const pretty = o.get('pretty');
      const prefix = o.get('prefix');
      const indent = o.get('indent');
      const json = toJSON(x!);
      const wantsPretty = pretty === true || (pretty === undefined && (prefix !== undefined || indent !== undefined));
      if (!wantsPretty) return stringifyJSON(json);
      const p = typeof prefix === 'string' ? prefix : '';
      return p + indentJSON(json, p, typeof indent === 'string' ? indent : '\t');
    },
  },
  { decl: { name: 'json.marshal', args: [arg('x')], result: STRING, categories: ['encoding'] }, impl: ([x]) => stringifyJSON(toJSON(x!)) },
  {
    decl: { name: 'json.unmarshal', args: [arg('x', STRING)], result: { kind: 'any' }, categories: ['encoding'] },
    impl: (a) => {
      try {
        return fromJSON(parseJsonExact(stringOperand(a, 1)));
      } catch (error) {
        throw new BuiltinError(`${(error as Error).message}`);
      }
    },
  },
  {
    decl: { name: 'json.is_valid', args: [arg('x', STRING)], result: { kind: 'boolean' }, categories: ['encoding'] },
    impl: (a) => {
      try {
        JSON.parse(stringOperand(a, 1));
        return true;
      } catch {
        return false;
      }
    },
  },
  str('base64.encode', (s) => Buffer.from(s).toString('base64')),
  str('base64.decode', (s) => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw new BuiltinError('illegal base64 data');
    return Buffer.from(s, 'base64').toString('utf8');
  }),
  { decl: { name: 'base64.is_valid', args: [arg('x', STRING)], result: { kind: 'boolean' } }, impl: (a) => /^[A-Za-z0-9+/]*={0,2}$/.test(stringOperand(a, 1)) && stringOperand(a, 1).length % 4 === 0 },
  str('base64url.encode', (s) => Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')),
  str('base64url.encode_no_pad', (s) => Buffer.from(s).toString('base64url')),
  str('base64url.decode', (s) => Buffer.from(s, 'base64url').toString('utf8')),
  str('hex.encode', (s) => Buffer.from(s).toString('hex')),
  str('hex.decode', (s) => {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new BuiltinError('invalid byte');
    return Buffer.from(s, 'hex').toString('utf8');
  }),
  str('urlquery.encode', queryEscape),
  {
    decl: { name: 'urlquery.encode_object', args: [arg('object')], result: STRING, categories: ['encoding'] },
    impl: ([o]) => {
      if (!isObject(o)) throw operandTypeError(1, 'object', o!);
      const pairs: string[] = [];
      for (const [k, v] of o.sortedEntries()) {
        if (typeof k !== 'string') throw operandTypeError(1, 'object[string: string|array|set]', o);
        const values = typeof v === 'string' ? [v] : isArray(v) ? [...v] : isSet(v) ? v.sorted() : null;
        if (!values || values.some((x) => typeof x !== 'string')) throw operandTypeError(1, 'object[string: string|array[string]|set[string]]', o);
        for (const x of values) pairs.push(`${queryEscape(k)}=${queryEscape(x as string)}`);
      }
      return pairs.join('&');
    },
  },
  {
    decl: { name: 'urlquery.decode_object', args: [arg('query', STRING)], result: { kind: 'object' }, categories: ['encoding'] },
    impl: (a) => {
      const out = new Map<string, string[]>();
      for (const part of stringOperand(a, 1).split('&')) {
        if (!part) continue;
        const eq = part.indexOf('=');
        const k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
        const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
        out.set(k, [...(out.get(k) ?? []), v]);
      }
      return fromJSON(Object.fromEntries(out));
    },
  },
  {
    decl: { name: 'yaml.marshal', args: [arg('x')], result: STRING, categories: ['encoding'] },
    impl: ([x]) => stringifyYaml(toJSON(x!)),
  },
  {
    decl: { name: 'yaml.unmarshal', args: [arg('x', STRING)], result: { kind: 'any' }, categories: ['encoding'] },
    impl: (a) => {
      try {
        return fromJSON(parseYaml(stringOperand(a, 1), { intAsBigInt: true }) ?? null);
      } catch (error) {
        throw new BuiltinError((error as Error).message.split('\n')[0]!);
      }
    },
  },
  {
    decl: { name: 'yaml.is_valid', args: [arg('x')], result: { kind: 'boolean' }, categories: ['encoding'] },
    impl: ([x]) => {
      if (typeof x !== 'string') return false;
      try {
        parseYaml(x);
        return true;
      } catch {
        return false;
      }
    },
  },
  str('urlquery.decode', (s) => decodeURIComponent(s.replace(/\+/g, ' '))),
];
