/**
 * net.* builtins with Go's `net` semantics (see net/ip.ts): CIDR tests, expansion, merging, and address lookup
 * from IP literals and the hosts file.
 */
import { readFileSync } from 'node:fs';
import { BuiltinError, operandTypeError } from './errors.js';
import { BOOLEAN, STRING, arg } from './operands.js';
import type { BuiltinContext, BuiltinDef } from './types.js';
import { classfulPrefix, firstIP, formatIP, isMapped, lastIP, netContains, parseCIDR, parseIP, type IPNet } from './net/ip.js';
import { mergeNets } from './net/merge.js';
import { RSet, isArray, isObject, isSet, type Value } from '../values.js';

/** OPA reads every CIDR operand with the position-1 string check (getNetFromOperand). */
function cidrOperand(v: Value): IPNet {
  if (typeof v !== 'string') throw operandTypeError(1, 'string', v);
  const net = parseCIDR(v);
  if (!net) throw new BuiltinError(`invalid CIDR address: ${v}`);
  return net;
}

function cidrContains(a: Value, b: Value): boolean {
  const net = cidrOperand(a);
  if (typeof b !== 'string') throw operandTypeError(1, 'string', b);
  const ip = parseIP(b);
  if (ip) return netContains(net, ip.n);
  const inner = parseCIDR(b);
  if (!inner) throw new BuiltinError(`not a valid textual representation of an IP address or CIDR: ${b}`);
  return netContains(net, firstIP(inner)) && netContains(net, lastIP(inner));
}

/** The (cidr, key) pairs of a cidr_contains_matches operand; other types contribute nothing, as in OPA. */
function matchItems(v: Value, pos: number): [Value, Value][] {
  const cidrOf = (e: Value): Value => {
    if (typeof e === 'string') return e;
    if (isArray(e) && e.length > 0) return e[0]!;
    throw new BuiltinError(`operand ${pos}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (isArray(v)) return v.map((e, i) => [cidrOf(e), i]);
  if (isSet(v)) return v.sorted().map((e) => [cidrOf(e), e]);
  if (isObject(v)) return v.sortedEntries().map(([k, e]) => [cidrOf(e), k]);
  return [];
}

function mergeOperand(v: Value): IPNet[] {
  if (!isArray(v) && !isSet(v)) throw new BuiltinError('operand must be an array');
  return [...(isArray(v) ? v : v.sorted())].map((e) => {
    if (typeof e !== 'string') throw new BuiltinError('element must be string');
    const ip = parseIP(e);
    if (!ip) {
      const net = parseCIDR(e);
      if (!net) throw new BuiltinError(`invalid CIDR address: ${e}`);
      return net;
    }
    if (!isMapped(ip.n)) throw new BuiltinError('IPv6 invalid: needs prefix length');
    // Go keeps the address unmasked with its classful mask; only the range it spans is masked.
    return { ip: ip.n, prefix: classfulPrefix(ip.n) };
  });
}

/** Go's resolver consults the hosts file before DNS; this engine has no synchronous DNS, so it stops there. */
function lookupHosts(name: string, ctx: BuiltinContext): string[] {
  const key = 'net.lookup_ip_addr:hosts';
  let hosts = ctx.cache.get(key) as Map<string, string[]> | undefined;
  if (!hosts) {
    hosts = new Map();
    let text = '';
    try {
      text = readFileSync('/etc/hosts', 'utf8');
    } catch {
      // No hosts file: every name is unresolvable here.
    }
    for (const line of text.split('\n')) {
      const [addr, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      const ip = addr ? parseIP(addr) : undefined;
      if (!ip) continue;
      for (const n of names) hosts.set(n.toLowerCase(), [...(hosts.get(n.toLowerCase()) ?? []), formatIP(ip.n)]);
    }
    ctx.cache.set(key, hosts);
  }
  const found = hosts.get(name.toLowerCase());
  if (!found) throw new BuiltinError(`lookup ${name}: no such host in the hosts file (DNS is not available to this engine)`);
  return found;
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'net.cidr_contains', args: [arg('cidr', STRING), arg('cidr_or_ip', STRING)], result: BOOLEAN, categories: ['net'] },
    impl: ([a, b]) => cidrContains(a!, b!),
  },
  {
    // Deprecated for net.cidr_contains; an operand that is no IP address is simply not contained, as in OPA.
    decl: { name: 'net.cidr_overlap', args: [arg('cidr', STRING), arg('ip', STRING)], result: BOOLEAN, categories: ['net'] },
    impl: ([a, b]) => {
      const net = cidrOperand(a!);
      if (typeof b !== 'string') throw operandTypeError(2, 'string', b!);
      const ip = parseIP(b);
      return ip !== undefined && netContains(net, ip.n);
    },
  },
  {
    decl: { name: 'net.cidr_intersects', args: [arg('cidr1', STRING), arg('cidr2', STRING)], result: BOOLEAN, categories: ['net'] },
    impl: ([a, b]) => {
      const x = cidrOperand(a!);
      const y = cidrOperand(b!);
      return netContains(x, y.ip) || netContains(y, x.ip);
    },
  },
  {
    decl: { name: 'net.cidr_is_valid', args: [arg('cidr')], result: BOOLEAN, categories: ['net'] },
    impl: ([c]) => typeof c === 'string' && parseCIDR(c) !== undefined,
  },
  {
    decl: { name: 'net.cidr_expand', args: [arg('cidr', STRING)], result: { kind: 'set' }, categories: ['net'] },
    impl: ([c], ctx) => {
      const net = cidrOperand(c!);
      const out = new RSet();
      for (let ip = firstIP(net); ip <= lastIP(net); ip++) {
        // OPA expands without a size limit but honours cancellation; so does this loop.
        if ((ip & 0xffffn) === 0n && ctx.signal?.aborted) throw new BuiltinError('timed out before generating all IP addresses');
        out.add(formatIP(ip));
      }
      return out;
    },
  },
  {
    decl: { name: 'net.cidr_merge', args: [arg('addrs')], result: { kind: 'set' }, categories: ['net'] },
    impl: ([x]) => new RSet(mergeNets(mergeOperand(x!))),
  },
  {
    decl: { name: 'net.cidr_contains_matches', args: [arg('cidrs'), arg('cidrs_or_ips')], result: { kind: 'set' }, categories: ['net'] },
    impl: ([x, y]) => {
      const out = new RSet();
      for (const [c, ki] of matchItems(x!, 1)) for (const [d, kj] of matchItems(y!, 2)) if (cidrContains(c, d)) out.add([ki, kj]);
      return out;
    },
  },
  {
    decl: { name: 'net.lookup_ip_addr', args: [arg('name', STRING)], result: { kind: 'set' }, nondeterministic: true, categories: ['net'] },
    impl: ([n], ctx) => {
      if (typeof n !== 'string') throw operandTypeError(1, 'string', n!);
      const ip = parseIP(n);
      return new RSet(ip ? [formatIP(ip.n)] : lookupHosts(n, ctx));
    },
  },
];
