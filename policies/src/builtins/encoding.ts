/**
 * encoding.* namespaces with Go's behaviour: json (marshalled as Go's encoding/json does), base64 and hex (Go's
 * decoders and errors), urlquery and yaml.
 */
import { randomUUID } from 'node:crypto';
import { BuiltinError, OperandTypeError, operandTypeError } from './errors.js';
import { STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { YAMLParseError, parse as parseYaml, stringify as stringifyYaml, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { decodeBase64, decodeHex, parseQuery, queryEscape, queryUnescape } from './encoding/gocodec.js';
import { goJsonError } from './encoding/jsonerror.js';
import { goMarshal, goQuote } from './gojson.js';
import { RObject, formatValue, fromJSON, isArray, isObject, isSet, stringifyJSON, toJSON, type Value } from '../values.js';

const str = (name: string, f: (s: string) => string, categories = ['encoding']): BuiltinDef => ({ decl: { name, args: [arg('x', STRING)], result: STRING, categories }, impl: (a) => f(stringOperand(a, 1)) });

export function parseJsonExact(text: string): unknown {
  // Integers beyond 2^53 keep their digits: they are quoted with a marker before JSON.parse and restored after.
  // The marker carries a per-call nonce, so no string in the document itself can be mistaken for one.
  const nonce = randomUUID();
  const marker = `\u0000${nonce}:`;
  // In the JSON text the NUL must be written as an escape; JSON.parse turns it back into the marker.
  const marked = text.replace(/("(?:[^"\\]|\\.)*")|(?<![\d.eE+-])(-?\d{16,})(?![\d.eE])/g, (_m, s: string | undefined, big: string | undefined) => (s ? s : `"\\u0000${nonce}:${big}"`));
  return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(marker) ? BigInt(v.slice(marker.length)) : v));
}

/** Go's json.MarshalIndent: HTML-safe strings, keys in byte order, empty containers kept on one line. */
function marshalIndent(v: Value, prefix: string, indent: string, depth = 0): string {
  const pad = prefix + indent.repeat(depth + 1);
  const close = prefix + indent.repeat(depth);
  const items = isArray(v) ? v : isSet(v) ? v.sorted() : undefined;
  if (items) {
    if (!items.length) return '[]';
    return '[\n' + items.map((x) => pad + marshalIndent(x, prefix, indent, depth + 1)).join(',\n') + '\n' + close + ']';
  }
  if (isObject(v)) {
    if (!v.size) return '{}';
    const entries = v.sortedEntries().map(([k, x]) => [typeof k === 'string' ? k : stringifyJSON(toJSON(k)), x] as const);
    entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
    return '{\n' + entries.map(([k, x]) => pad + goQuote(k) + ': ' + marshalIndent(x, prefix, indent, depth + 1)).join(',\n') + '\n' + close + '}';
  }
  return goMarshal(v);
}

/**
 * How sigs.k8s.io/yaml (yaml.v2) reads YAML: 1.1 scalars (yes/no/on/off/y/n booleans, 0777 octal, merge keys),
 * but timestamps and sexagesimal numbers stay strings when decoded into plain values.
 */
export const YAML_V2: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  intAsBigInt: true,
  customTags: (tags) => tags.filter((t) => typeof t !== 'object' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
};

/** sigs.k8s.io/yaml reports libyaml's messages; the common parse failures are given in its words. */
function yamlError(error: unknown): BuiltinError {
  if (!(error instanceof YAMLParseError)) return new BuiltinError(String((error as Error).message));
  const line = error.linePos?.[0].line ?? 1;
  const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const libyaml: [RegExp, string][] = [
    [/^Flow sequence .*end with a \]/, "did not find expected ',' or ']'"],
    [/^Flow map .*end with a \}/, "did not find expected ',' or '}'"],
    [/^Map keys must be unique/, 'mapping key already defined'],
    [/^Missing closing "quote/, 'found unexpected end of stream'],
    [/^Missing closing 'quote/, 'found unexpected end of stream'],
  ];
  const known = libyaml.find(([re]) => re.test(first));
  return new BuiltinError(`yaml: line ${line}: ${known ? known[1] : first}`);
}


export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'json.marshal_with_options', args: [arg('x'), arg('options')], result: STRING, categories: ['encoding'] },
    impl: ([x, o]) => {
      if (!isObject(o)) throw operandTypeError(2, 'object', o!);
      let prefix = '';
      let indent = '\t';
      let implicit = false;
      let explicit: boolean | undefined;
      for (const [k, v] of o.sortedEntries()) {
        const fail = (msg: string) => new OperandTypeError(`operand 2 ${msg}`);
        if (typeof k !== 'string') throw fail(`failed to stringify key ${formatValue(k)}`);
        if (k === 'prefix' || k === 'indent') {
          if (typeof v !== 'string') throw fail(`key ${formatValue(k)} failed cast to string`);
          if (k === 'prefix') prefix = v;
          else indent = v;
          implicit = true;
        } else if (k === 'pretty') {
          if (typeof v !== 'boolean') throw fail(`key ${formatValue(k)} failed cast to bool`);
          explicit = v;
        } else throw fail(`object contained unknown key ${formatValue(k)}`);
      }
      return (explicit ?? implicit) ? prefix + marshalIndent(x!, prefix, indent) : goMarshal(x!);
    },
  },
  { decl: { name: 'json.marshal', args: [arg('x')], result: STRING, categories: ['encoding'] }, impl: ([x]) => goMarshal(x!) },
  {
    decl: { name: 'json.unmarshal', args: [arg('x', STRING)], result: { kind: 'any' }, categories: ['encoding'] },
    impl: (a) => {
      const text = stringOperand(a, 1);
      try {
        return fromJSON(parseJsonExact(text));
      } catch {
        throw new BuiltinError(goJsonError(text));
      }
    },
  },
  {
    decl: { name: 'json.is_valid', args: [arg('x', STRING)], result: { kind: 'boolean' }, categories: ['encoding'] },
    impl: ([x]) => {
      if (typeof x !== 'string') return false;
      try {
        JSON.parse(x);
        return true;
      } catch {
        return false;
      }
    },
  },
  str('base64.encode', (s) => Buffer.from(s).toString('base64')),
  str('base64.decode', (s) => decodeBase64(s).toString('utf8')),
  {
    decl: { name: 'base64.is_valid', args: [arg('x', STRING)], result: { kind: 'boolean' } },
    impl: ([x]) => {
      if (typeof x !== 'string') return false;
      try {
        decodeBase64(x);
        return true;
      } catch {
        return false;
      }
    },
  },
  str('base64url.encode', (s) => Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')),
  str('base64url.encode_no_pad', (s) => Buffer.from(s).toString('base64url')),
  str('base64url.decode', (s) => {
    // Unpadded input is padded first (RFC 7515 appendix C), as OPA does.
    let padded = s;
    if (!s.endsWith('=')) {
      if (s.length % 4 === 1) throw new BuiltinError(`illegal base64url string: ${s}`);
      padded += '='.repeat((4 - (s.length % 4)) % 4);
    }
    return decodeBase64(padded, true).toString('utf8');
  }),
  str('hex.encode', (s) => Buffer.from(s).toString('hex')),
  str('hex.decode', (s) => decodeHex(s).toString('utf8')),
  str('urlquery.encode', queryEscape),
  {
    decl: { name: 'urlquery.encode_object', args: [arg('object')], result: STRING, categories: ['encoding'] },
    impl: ([o]) => {
      if (!isObject(o)) throw operandTypeError(1, 'object', o!);
      const bad = () => new OperandTypeError('operand 1 values must be string, array[string], or set[string]');
      // As url.Values.Encode: keys (JSON text for non-strings) in byte order, each value in turn.
      const entries = o.sortedEntries().map(([k, v]) => [typeof k === 'string' ? k : stringifyJSON(toJSON(k)), v] as const);
      entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
      const pairs: string[] = [];
      for (const [k, v] of entries) {
        const values = typeof v === 'string' ? [v] : isArray(v) ? v : isSet(v) ? v.sorted() : undefined;
        if (!values) throw bad();
        for (const x of values) {
          if (typeof x !== 'string') throw bad();
          pairs.push(`${queryEscape(k)}=${queryEscape(x)}`);
        }
      }
      return pairs.join('&');
    },
  },
  {
    decl: { name: 'urlquery.decode_object', args: [arg('query', STRING)], result: { kind: 'object' }, categories: ['encoding'] },
    impl: (a) => new RObject([...parseQuery(stringOperand(a, 1))].map(([k, vs]) => [k, vs] as const)),
  },
  {
    decl: { name: 'yaml.marshal', args: [arg('x')], result: STRING, categories: ['encoding'] },
    // yaml.v2's layout: YAML 1.1 scalars (so "yes", "on", "n" are quoted), sequences not indented under keys.
    impl: ([x]) => stringifyYaml(toJSON(x!), { version: '1.1', indentSeq: false }),
  },
  {
    decl: { name: 'yaml.unmarshal', args: [arg('x', STRING)], result: { kind: 'any' }, categories: ['encoding'] },
    impl: (a) => {
      try {
        return fromJSON(parseYaml(stringOperand(a, 1), YAML_V2) ?? null);
      } catch (error) {
        throw yamlError(error);
      }
    },
  },
  {
    decl: { name: 'yaml.is_valid', args: [arg('x')], result: { kind: 'boolean' }, categories: ['encoding'] },
    impl: ([x]) => {
      if (typeof x !== 'string') return false;
      try {
        parseYaml(x, YAML_V2);
        return true;
      } catch {
        return false;
      }
    },
  },
  str('urlquery.decode', queryUnescape),
];
