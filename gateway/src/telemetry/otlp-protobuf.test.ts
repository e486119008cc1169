import { describe, expect, it } from 'vitest';
import { ProtobufError, decodeTraceExport } from './otlp-protobuf.js';

/** A minimal protobuf writer for the cases the official exporter does not produce. */
const varint = (n: bigint): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
};
const tag = (field: number, wire: number): number[] => varint(BigInt((field << 3) | wire));
const len = (field: number, bytes: number[]): number[] => [...tag(field, 2), ...varint(BigInt(bytes.length)), ...bytes];
const str = (field: number, s: string): number[] => len(field, [...Buffer.from(s)]);
const fixed64 = (field: number, n: bigint): number[] => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return [...tag(field, 1), ...b];
};
const kv = (key: string, value: number[]): number[] => [...str(1, key), ...len(2, value)];

function exportOf(spanFields: number[]): Buffer {
  return Buffer.from(len(1, len(2, len(2, spanFields))));
}

describe('OTLP protobuf decoding', () => {
  const ids = [...len(1, Array(16).fill(0xab)), ...len(2, Array(8).fill(0x01))];

  it('reads negative int64 values, key-value lists and bytes, and skips fields it does not know', () => {
    const span = [
      ...ids,
      ...str(5, 'step'),
      ...fixed64(7, 1_700_000_000_000_000_000n),
      ...fixed64(8, 1_700_000_000_500_000_000n),
      ...len(9, kv('delta', [...tag(3, 0), ...varint(-5n)])),
      ...len(9, kv('meta', len(6, len(1, kv('region', str(1, 'eu')))))),
      ...len(9, kv('blob', len(7, [1, 2, 3]))),
      ...tag(99, 0), ...varint(7n),
      ...str(100, 'future field'),
    ];
    const decoded = decodeTraceExport(exportOf(span)) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const s = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(s).toMatchObject({ traceId: 'ab'.repeat(16), spanId: '01'.repeat(8), name: 'step', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000' });
    expect(s.attributes).toEqual([
      { key: 'delta', value: { intValue: '-5' } },
      { key: 'meta', value: { kvlistValue: { values: [{ key: 'region', value: { stringValue: 'eu' } }] } } },
      { key: 'blob', value: { bytesValue: 'AQID' } },
    ]);
  });

  it('refuses truncated input and unknown wire types', () => {
    expect(() => decodeTraceExport(Buffer.from([0x0a, 0x10, 0x01]))).toThrow(ProtobufError);
    expect(() => decodeTraceExport(Buffer.from([...tag(1, 3)]))).toThrow(/wire type 3/);
  });
});
