/**
 * CIDR builtins over IPv4 and IPv6, with addresses as bigint so both families share one code path.
 */
import { isIP } from 'node:net';
import { BuiltinError, operandTypeError } from './errors.js';
import { BOOLEAN, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RSet, isArray, isObject, isSet, type Value } from '../values.js';

interface Net {
  readonly v6: boolean;
  readonly start: bigint;
  readonly end: bigint;
  readonly bits: number;
}

function addr(ip: string): { v6: boolean; n: bigint } | undefined {
  const family = isIP(ip);
  if (family === 4) return { v6: false, n: ip.split('.').reduce((acc, o) => (acc << 8n) + BigInt(o), 0n) };
  if (family === 6) {
    let s = ip;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
    if (v4) {
      const n = addr(v4[1]!)!.n;
      s = s.replace(v4[1]!, `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`);
    }
    const [head, tail] = s.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
    const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return { v6: true, n: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n) };
  }
  return undefined;
}

function parseNet(s: string, pos: number, name: string): Net {
  const [ip, prefix] = s.split('/');
  const a = addr(ip ?? '');
  if (!a) {
    if (prefix === undefined) throw new BuiltinError(`invalid CIDR address: ${s}`);
    throw new BuiltinError(`invalid CIDR address: ${s}`);
  }
  const width = a.v6 ? 128 : 32;
  const bits = prefix === undefined ? width : Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > width || (prefix !== undefined && !/^\d+$/.test(prefix))) throw new BuiltinError(`invalid CIDR address: ${s}`);
  const hostBits = BigInt(width - bits);
  const start = (a.n >> hostBits) << hostBits;
  void pos;
  void name;
  return { v6: a.v6, start, end: start + (1n << hostBits) - 1n, bits };
}

function format(n: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - i * 16)) & 0xffffn).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

const contains = (a: Net, b: Net): boolean => a.v6 === b.v6 && a.start <= b.start && b.end <= a.end;

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'net.cidr_contains', args: [arg('cidr', STRING), arg('cidr_or_ip', STRING)], result: BOOLEAN, categories: ['net'] },
    impl: (a) => contains(parseNet(stringOperand(a, 1), 1, 'net.cidr_contains'), parseNet(stringOperand(a, 2), 2, 'net.cidr_contains')),
  },
  {
    decl: { name: 'net.cidr_intersects', args: [arg('cidr1', STRING), arg('cidr2', STRING)], result: BOOLEAN, categories: ['net'] },
    impl: (a) => {
      const x = parseNet(stringOperand(a, 1), 1, '');
      const y = parseNet(stringOperand(a, 2), 2, '');
      return x.v6 === y.v6 && x.start <= y.end && y.start <= x.end;
    },
  },
  {
    decl: { name: 'net.cidr_is_valid', args: [arg('cidr')], result: BOOLEAN, categories: ['net'] },
    impl: ([c]) => {
      if (typeof c !== 'string' || !c.includes('/')) return false;
      try {
        parseNet(c, 1, '');
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    decl: { name: 'net.cidr_expand', args: [arg('cidr', STRING)], result: { kind: 'set' }, categories: ['net'] },
    impl: (a) => {
      const n = parseNet(stringOperand(a, 1), 1, '');
      if (n.end - n.start > 65536n) throw new BuiltinError('CIDR too large to expand');
      const out = new RSet();
      for (let i = n.start; i <= n.end; i++) out.add(format(i, n.v6));
      return out;
    },
  },
  {
    decl: { name: 'net.cidr_merge', args: [arg('addrs')], result: { kind: 'set' }, categories: ['net'] },
    impl: ([x]) => {
      if (!isArray(x) && !isSet(x)) throw operandTypeError(1, 'one of {array, set}', x!);
      const nets = [...(x as Iterable<Value>)].map((v) => {
        if (typeof v !== 'string') throw operandTypeError(1, 'array[string] or set[string]', x!);
        return parseNet(v, 1, '');
      });
      const out = new RSet();
      for (const v6 of [false, true]) {
        const ranges = nets.filter((n) => n.v6 === v6).map((n) => [n.start, n.end] as [bigint, bigint]).sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
        const merged: [bigint, bigint][] = [];
        for (const r of ranges) {
          const last = merged[merged.length - 1];
          if (last && r[0] <= last[1] + 1n) last[1] = r[1] > last[1] ? r[1] : last[1];
          else merged.push([r[0], r[1]]);
        }
        const width = v6 ? 128 : 32;
        for (let [s, e] of merged) {
          while (s <= e) {
            let bits = width;
            while (bits > 0) {
              const size = 1n << BigInt(width - bits + 1);
              if (s % size !== 0n || s + size - 1n > e) break;
              bits--;
            }
            out.add(`${format(s, v6)}/${bits}`);
            s += 1n << BigInt(width - bits);
          }
        }
      }
      return out;
    },
  },
  {
    decl: { name: 'net.cidr_contains_matches', args: [arg('cidrs'), arg('cidrs_or_ips')], result: { kind: 'set' }, categories: ['net'] },
    impl: ([x, y]) => {
      const items = (v: Value, pos: number): [Value, string][] => {
        if (typeof v === 'string') return [[v, v]];
        if (isArray(v)) return v.map((e, i) => [i, isArray(e) ? String(e[0]) : String(e)]);
        if (isSet(v)) return [...v].map((e) => [e, isArray(e) ? String(e[0]) : String(e)]);
        if (isObject(v)) return [...v].map(([k, e]) => [k, isArray(e) ? String(e[0]) : String(e)]);
        throw operandTypeError(pos, 'one of {string, array, set, object}', v);
      };
      const out = new RSet();
      for (const [ki, c] of items(x!, 1)) for (const [kj, d] of items(y!, 2)) if (contains(parseNet(c, 1, ''), parseNet(d, 2, ''))) out.add([ki, kj]);
      return out;
    },
  },
];
