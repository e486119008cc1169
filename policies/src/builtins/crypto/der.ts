/**
 * A small DER reader for the X.509 structures OPA exposes field by field (node:crypto parses certificates but
 * does not hand out Go's view of them: raw subject bytes, extension lists, OIDs as integer arrays).
 */

export class DerError extends Error {}

export interface Tlv {
  /** The identifier octet: class (bits 7-6), constructed (bit 5), tag number (bits 4-0; high tag numbers unsupported). */
  readonly tag: number;
  /** Contents only. */
  readonly value: Buffer;
  /** Identifier, length and contents. */
  readonly raw: Buffer;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL: 0x1c,
  BMP: 0x1e,
} as const;

/** The element at `offset` and the offset after it. */
export function readTlv(buf: Buffer, offset = 0): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high-tag-number form is not supported');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported length');
    if (p + n > buf.length) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80 || buf[p] === 0) throw new DerError('non-minimal length');
    p += n;
  }
  if (p + len > buf.length) throw new DerError('data truncated');
  return { tlv: { tag, value: buf.subarray(p, p + len), raw: buf.subarray(offset, p + len) }, next: p + len };
}

/** The single element that makes up `buf`, which must hold nothing else. */
export function readOne(buf: Buffer, tag?: number): Tlv {
  const { tlv, next } = readTlv(buf);
  if (next !== buf.length) throw new DerError('trailing data');
  if (tag !== undefined && tlv.tag !== tag) throw new DerError(`tags don't match (${tag & 0x1f} vs ${tlv.tag & 0x1f})`);
  return tlv;
}

export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = 0; p < t.value.length; ) {
    const { tlv, next } = readTlv(t.value, p);
    out.push(tlv);
    p = next;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`tags don't match (${tag & 0x1f} vs ${t ? t.tag & 0x1f : 'end'})`);
  return t;
}

export function oid(t: Tlv): number[] {
  const b = expect(t, TAG.OID).value;
  if (b.length === 0) throw new DerError('empty OID');
  const arcs: number[] = [];
  let v = 0;
  for (const byte of b) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift()!;
  const top = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [top, first - top * 40, ...arcs];
}

export const oidString = (arcs: readonly number[]): string => arcs.join('.');

export function integer(t: Tlv): bigint {
  const b = expect(t, TAG.INTEGER).value;
  if (b.length === 0) throw new DerError('empty integer');
  let v = BigInt('0x' + b.toString('hex'));
  if (b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

export function bitString(t: Tlv): { bytes: Buffer; bitLength: number } {
  const b = expect(t, TAG.BIT_STRING).value;
  if (b.length === 0 || b[0]! > 7) throw new DerError('invalid bit string');
  return { bytes: b.subarray(1), bitLength: (b.length - 1) * 8 - b[0]! };
}

export function boolean(t: Tlv): boolean {
  const b = expect(t, TAG.BOOLEAN).value;
  if (b.length !== 1) throw new DerError('invalid boolean');
  return b[0] !== 0;
}

/** A string of any of the ASN.1 string types X.509 names use. */
export function asn1String(t: Tlv): string {
  switch (t.tag) {
    case TAG.UTF8:
    case TAG.PRINTABLE:
    case TAG.IA5:
      return t.value.toString('utf8');
    case TAG.T61:
      return t.value.toString('latin1');
    case TAG.BMP: {
      const swapped = Buffer.from(t.value);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case TAG.UNIVERSAL: {
      let s = '';
      for (let i = 0; i + 3 < t.value.length; i += 4) s += String.fromCodePoint(t.value.readUInt32BE(i));
      return s;
    }
    default:
      throw new DerError(`unsupported string type: ${t.tag & 0x1f}`);
  }
}

export function time(t: Tlv): Date {
  const s = t.value.toString('latin1');
  let m: RegExpExecArray | null;
  if (t.tag === TAG.UTC_TIME && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (t.tag === TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]));
    return d;
  }
  throw new DerError('malformed time');
}

/** Context-specific tag [n], primitive or constructed. */
export const contextTag = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;
