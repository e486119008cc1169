/**
 * JSON text as Go's `json.Marshal(ast.JSON(v))` writes it, for builtins whose output embeds marshalled values
 * (JWT segments, signed request bodies): object keys sorted bytewise, sets as sorted arrays, and `<`, `>`, `&`,
 * U+2028 and U+2029 escaped the way Go's HTML-safe encoder does.
 */
import { isArray, isObject, isSet, stringifyJSON, toJSON, type Value } from '../values.js';

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

export function goQuote(s: string): string {
  return (
    '"' +
    s.replace(/["\\\u0000-\u001f<>&\u2028\u2029]/g, (c) => ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') +
    '"'
  );
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export function goMarshal(v: Value): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return stringifyJSON(v);
  if (typeof v === 'string') return goQuote(v);
  if (isArray(v)) return '[' + v.map(goMarshal).join(',') + ']';
  if (isSet(v)) return '[' + v.sorted().map(goMarshal).join(',') + ']';
  if (isObject(v)) {
    const entries = v.sortedEntries().map(([k, x]) => [typeof k === 'string' ? k : stringifyJSON(toJSON(k)), x] as const);
    entries.sort((a, b) => byteOrder(a[0], b[0]));
    return '{' + entries.map(([k, x]) => goQuote(k) + ':' + goMarshal(x)).join(',') + '}';
  }
  throw new TypeError('unreachable: unknown value');
}
