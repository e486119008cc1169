/**
 * OTLP/HTTP protobuf (`application/x-protobuf`, the default of OpenTelemetry's Python, Go and Java exporters) →
 * the same object OTLP/HTTP JSON parses to, so both encodings go through one schema and one mapping.
 * Only the fields the trace store keeps are read; every other field is skipped by its wire type, as protobuf's
 * forward compatibility requires.
 */

type Json = Record<string, unknown>;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

/** A cursor over one message's bytes. */
class Reader {
  #pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.#pos = start;
  }

  get done(): boolean {
    return this.#pos >= this.end;
  }

  /** Varints are read as bigint: int64 attribute values use all 64 bits. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.#pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.#pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  tag(): { field: number; wire: number } {
    const key = Number(this.varint());
    return { field: key >>> 3, wire: key & 7 };
  }

  fixed64(): bigint {
    this.#need(8);
    const v = this.buf.readBigUInt64LE(this.#pos);
    this.#pos += 8;
    return v;
  }

  double(): number {
    this.#need(8);
    const v = this.buf.readDoubleLE(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** The next length-delimited field, as a reader over its bytes. */
  message(): Reader {
    const length = Number(this.varint());
    this.#need(length);
    const sub = new Reader(this.buf, this.#pos, this.#pos + length);
    this.#pos += length;
    return sub;
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    this.#need(length);
    const out = this.buf.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  string(): string {
    return this.bytes().toString('utf8');
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.#advance(8);
    else if (wire === LENGTH) this.bytes();
    else if (wire === FIXED32) this.#advance(4);
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }

  #advance(n: number): void {
    this.#need(n);
    this.#pos += n;
  }

  #need(n: number): void {
    if (this.#pos + n > this.end) throw new ProtobufError('truncated field');
  }
}

/** Calls `on(field, wire)` for each field; `on` returns false for fields it does not read, which are skipped. */
function fields(r: Reader, on: (field: number, wire: number) => boolean): void {
  while (!r.done) {
    const { field, wire } = r.tag();
    if (!on(field, wire)) r.skip(wire);
  }
}

const toInt64 = (v: bigint): bigint => BigInt.asIntN(64, v);

function anyValue(r: Reader): Json {
  const out: Json = {};
  fields(r, (field, wire) => {
    if (field === 1 && wire === LENGTH) out.stringValue = r.string();
    else if (field === 2 && wire === VARINT) out.boolValue = r.varint() !== 0n;
    else if (field === 3 && wire === VARINT) out.intValue = toInt64(r.varint()).toString();
    else if (field === 4 && wire === FIXED64) out.doubleValue = r.double();
    else if (field === 5 && wire === LENGTH) out.arrayValue = { values: repeated(r.message(), 1, anyValue) };
    else if (field === 6 && wire === LENGTH) out.kvlistValue = { values: repeated(r.message(), 1, keyValue) };
    else if (field === 7 && wire === LENGTH) out.bytesValue = r.bytes().toString('base64');
    else return false;
    return true;
  });
  return out;
}

function keyValue(r: Reader): Json {
  const out: Json = { key: '' };
  fields(r, (field, wire) => {
    if (field === 1 && wire === LENGTH) out.key = r.string();
    else if (field === 2 && wire === LENGTH) out.value = anyValue(r.message());
    else return false;
    return true;
  });
  return out;
}

/** Every occurrence of one repeated message field. */
function repeated(r: Reader, wanted: number, read: (r: Reader) => Json): Json[] {
  const out: Json[] = [];
  fields(r, (field, wire) => {
    if (field !== wanted || wire !== LENGTH) return false;
    out.push(read(r.message()));
    return true;
  });
  return out;
}

function span(r: Reader): Json {
  const out: Json = { attributes: [] as Json[] };
  fields(r, (field, wire) => {
    if (field === 1 && wire === LENGTH) out.traceId = r.bytes().toString('hex');
    else if (field === 2 && wire === LENGTH) out.spanId = r.bytes().toString('hex');
    else if (field === 4 && wire === LENGTH) out.parentSpanId = r.bytes().toString('hex');
    else if (field === 5 && wire === LENGTH) out.name = r.string();
    else if (field === 6 && wire === VARINT) out.kind = Number(r.varint());
    else if (field === 7 && wire === FIXED64) out.startTimeUnixNano = r.fixed64().toString();
    else if (field === 8 && wire === FIXED64) out.endTimeUnixNano = r.fixed64().toString();
    else if (field === 9 && wire === LENGTH) (out.attributes as Json[]).push(keyValue(r.message()));
    else if (field === 15 && wire === LENGTH) out.status = status(r.message());
    else return false;
    return true;
  });
  return out;
}

function status(r: Reader): Json {
  const out: Json = {};
  fields(r, (field, wire) => {
    if (field === 2 && wire === LENGTH) out.message = r.string();
    else if (field === 3 && wire === VARINT) out.code = Number(r.varint());
    else return false;
    return true;
  });
  return out;
}

function resourceSpans(r: Reader): Json {
  const out: Json = { scopeSpans: [] as Json[] };
  fields(r, (field, wire) => {
    if (field === 1 && wire === LENGTH) out.resource = { attributes: repeated(r.message(), 1, keyValue) };
    else if (field === 2 && wire === LENGTH) (out.scopeSpans as Json[]).push({ spans: repeated(r.message(), 2, span) });
    else return false;
    return true;
  });
  return out;
}

/** An ExportTraceServiceRequest in protobuf → its OTLP JSON form. Throws ProtobufError on malformed bytes. */
export function decodeTraceExport(body: Buffer): Json {
  return { resourceSpans: repeated(new Reader(body), 1, resourceSpans) };
}
