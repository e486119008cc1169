/**
 * uuid.rfc4122 (random version 4, one per distinct operand within a query) and uuid.parse, which reports what
 * google/uuid decodes: version and variant always, time, clock sequence and node for versions 1 and 2, and the
 * DCE domain and id for version 2.
 */
import { STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { RObject, keyOf, normalizeInt, type Value } from '../values.js';

/** 100-ns intervals from the Gregorian reform (1582-10-15) to the Unix epoch. */
const GREGORIAN_TO_UNIX = 122192928000000000n;

/** google/uuid.Parse: 36 chars with dashes, 38 with any wrapping pair, "urn:uuid:" + 36, or 32 bare hex digits. */
export function parseUUID(text: string): Buffer | undefined {
  let s = text;
  if (s.length === 45) {
    if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
    s = s.slice(9);
  } else if (s.length === 38) s = s.slice(1, -1);
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    s = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  }
  return s.length === 32 && /^[0-9a-fA-F]{32}$/.test(s) ? Buffer.from(s, 'hex') : undefined;
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 3) === 3) return 'local:multicast';
  if ((b & 1) === 1) return 'global:multicast';
  if ((b & 2) === 2) return 'local:unicast';
  return 'global:unicast';
}

export function describeUUID(u: Buffer): RObject {
  const version = u[6]! >> 4;
  const out = new RObject([
    ['version', version],
    ['variant', variant(u[8]!)],
  ]);
  if (version === 1 || version === 2) {
    const ticks = BigInt(u.readUInt32BE(0)) | (BigInt(u.readUInt16BE(4)) << 32n) | (BigInt(u.readUInt16BE(6) & 0xfff) << 48n);
    out.set('time', normalizeInt((ticks - GREGORIAN_TO_UNIX) * 100n));
    out.set('clocksequence', u.readUInt16BE(8) & 0x3fff);
    out.set('macvariables', macVariables(u[10]!));
    out.set('nodeid', [...u.subarray(10, 16)].map((b) => b.toString(16).padStart(2, '0')).join('-'));
    if (version === 2) {
      out.set('id', u.readUInt32BE(0));
      out.set('domain', ['Person', 'Group', 'Org'][u[9]!] ?? `Domain${u[9]}`);
    }
  }
  return out;
}

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'uuid.rfc4122', args: [arg('k', STRING)], result: STRING, nondeterministic: true, categories: ['uuid'] },
    impl: ([k], ctx) => {
      const key = `uuid.rfc4122:${keyOf(k as Value)}`;
      const cached = ctx.cache.get(key);
      if (typeof cached === 'string') return cached;
      const bytes = Buffer.from(Array.from({ length: 16 }, () => Math.floor(ctx.random() * 256)));
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      bytes[6] = (bytes[6]! & 0x0f) | 0x40;
      const hex = bytes.toString('hex');
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      ctx.cache.set(key, id);
      return id;
    },
  },
  {
    decl: { name: 'uuid.parse', args: [arg('uuid', STRING)], result: { kind: 'object' }, categories: ['uuid'] },
    impl: (a) => {
      const u = parseUUID(stringOperand(a, 1));
      return u ? describeUUID(u) : undefined;
    },
  },
];
