/**
 * PEM decoding with Go's `encoding/pem` semantics: junk before a block is skipped, a malformed block is passed
 * over, and the caller gets the rest of the input (OPA rejects trailing data after a key, so `rest` matters).
 */
import { decodeBase64 } from '../encoding/gocodec.js';

export interface PemBlock {
  readonly type: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly bytes: Buffer;
}

const START = Buffer.from('\n-----BEGIN ');
const END = Buffer.from('\n-----END ');
const EOL = Buffer.from('-----');

function getLine(data: Buffer): [Buffer, Buffer] {
  const i = data.indexOf(0x0a);
  const [line, rest] = i < 0 ? [data, data.subarray(data.length)] : [data.subarray(0, i), data.subarray(i + 1)];
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x20 || line[end - 1] === 0x09 || line[end - 1] === 0x0d)) end--;
  return [line.subarray(0, end), rest];
}

const startsWith = (b: Buffer, prefix: Buffer): boolean => b.length >= prefix.length && b.subarray(0, prefix.length).equals(prefix);
const endsWith = (b: Buffer, suffix: Buffer): boolean => b.length >= suffix.length && b.subarray(b.length - suffix.length).equals(suffix);
const trimSpace = (b: Buffer): string => b.toString('latin1').trim();

/** The first PEM block in data and what follows it, or null (with all of data as rest) when there is none. */
export function pemDecode(input: Buffer | string): { block: PemBlock | null; rest: Buffer } {
  const data = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let rest = data;
  for (;;) {
    if (startsWith(rest, START.subarray(1))) rest = rest.subarray(START.length - 1);
    else {
      const i = rest.indexOf(START);
      if (i < 0) return { block: null, rest: data };
      rest = rest.subarray(i + START.length);
    }
    let typeLine: Buffer;
    [typeLine, rest] = getLine(rest);
    if (!endsWith(typeLine, EOL)) continue;
    typeLine = typeLine.subarray(0, typeLine.length - EOL.length);

    const headers = new Map<string, string>();
    for (;;) {
      if (rest.length === 0) return { block: null, rest: data };
      const [line, next] = getLine(rest);
      const colon = line.indexOf(0x3a);
      if (colon < 0) break;
      headers.set(trimSpace(line.subarray(0, colon)), trimSpace(line.subarray(colon + 1)));
      rest = next;
    }

    let endIndex: number;
    let endTrailerIndex: number;
    if (headers.size === 0 && startsWith(rest, END.subarray(1))) {
      endIndex = 0;
      endTrailerIndex = END.length - 1;
    } else {
      endIndex = rest.indexOf(END);
      endTrailerIndex = endIndex + END.length;
    }
    if (endIndex < 0) continue;
    const trailer = rest.subarray(endTrailerIndex);
    const trailerLen = typeLine.length + EOL.length;
    if (trailer.length < trailerLen) continue;
    const endLine = trailer.subarray(0, trailerLen);
    if (!startsWith(endLine, typeLine) || !endsWith(endLine, EOL)) continue;
    if (getLine(trailer.subarray(trailerLen))[0].length !== 0) continue;

    const body = Buffer.from([...rest.subarray(0, endIndex)].filter((c) => c !== 0x20 && c !== 0x09));
    let bytes: Buffer;
    try {
      bytes = decodeBase64(body.toString('latin1'));
    } catch {
      continue;
    }
    const [, after] = getLine(rest.subarray(endIndex + END.length - 1));
    return { block: { type: typeLine.toString('latin1'), headers, bytes }, rest: after };
  }
}

/** Every PEM block in data, in order (Go's loop of pem.Decode until no block is found). */
export function pemDecodeAll(input: Buffer | string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let rest = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  for (;;) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) return blocks;
    blocks.push(block);
    rest = next;
  }
}

export function pemEncode(type: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${type}-----\n`;
}
