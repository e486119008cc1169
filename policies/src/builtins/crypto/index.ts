/**
 * crypto.*: digests and HMACs (hash.ts), X.509 parsing and chain verification, and private key parsing. Inputs
 * are PEM, or base64 of PEM or DER, decided the way OPA decides (by a "-----BEGIN" prefix).
 */
import { BuiltinError, operandTypeError } from '../errors.js';
import { objectOperand, stringOperand } from '../operands.js';
import type { BuiltinContext, BuiltinDef } from '../types.js';
import { fromJSON, isArray, isNumber, isSet, type Value } from '../../values.js';
import { verifyChain, type VerifyOptions } from './chain.js';
import { DerError } from './der.js';
import { decodeBase64 } from '../encoding/gocodec.js';
import { hashBuiltins } from './hash.js';
import { goPrivateKey, privateJwk, privateKeysFromPem, x509KeyPair } from './keys.js';
import { pemDecode, pemEncode } from './pem.js';
import { parseCertificateRequest, parseCertificates, withUriStrings, type ParsedCertificate } from './x509.js';

const STRING = { kind: 'string' } as const;
const BEGIN = '-----BEGIN';

/** Go-side parse failures become builtin errors with Go's text. */
function wrapped<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof DerError) throw new BuiltinError(error.message);
    throw error;
  }
}

function certsFromPem(data: Buffer): ParsedCertificate[] {
  const ders: Buffer[] = [];
  for (let rest = data; rest.length > 0; ) {
    const { block, rest: next } = pemDecode(rest);
    if (block && block.type !== 'CERTIFICATE') throw new BuiltinError(`PEM block type is '${block.type}', expected CERTIFICATE`);
    if (!block) break;
    ders.push(block.bytes);
    rest = next;
  }
  return wrapped(() => parseCertificates(Buffer.concat(ders)));
}

function certsFromString(text: string): ParsedCertificate[] {
  if (text.startsWith(BEGIN)) return certsFromPem(Buffer.from(text, 'utf8'));
  const decoded = decodeBase64(text);
  if (decoded.subarray(0, BEGIN.length).toString('latin1') === BEGIN) return certsFromPem(decoded);
  return wrapped(() => parseCertificates(decoded));
}

const KEY_USAGES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

function verifyOptions(options: Value, ctx: BuiltinContext): VerifyOptions {
  const o = objectOperand([options], 1);
  let dnsName: string | undefined;
  let currentTimeNs = ctx.nowNs;
  const keyUsages: number[] = [];
  for (const [k, v] of o.sortedEntries()) {
    if (typeof k !== 'string') continue;
    switch (k) {
      case 'DNSName':
        if (typeof v !== 'string') throw new BuiltinError("'DNSName' should be a string");
        dnsName = v.replace(/^"+|"+$/g, '');
        break;
      case 'CurrentTime':
        if (!isNumber(v)) throw new BuiltinError("'CurrentTime' should be a number");
        if (typeof v === 'number' && !Number.isInteger(v)) throw new BuiltinError("'CurrentTime' should be a valid int64 number");
        currentTimeNs = BigInt(v);
        break;
      case 'MaxConstraintComparisons':
        if (!isNumber(v)) throw new BuiltinError("'MaxConstraintComparisons' should be a number");
        if (typeof v === 'number' && !Number.isInteger(v)) throw new BuiltinError("'MaxConstraintComparisons' should be a valid number");
        break;
      case 'KeyUsages': {
        if (!isArray(v) && !isSet(v)) throw new BuiltinError("'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const u of isSet(v) ? v.sorted() : v) {
          if (typeof u !== 'string') continue;
          const name = u.replace(/^"+|"+$/g, '');
          if (name in KEY_USAGES) keyUsages.push(KEY_USAGES[name]!);
          else invalid.push(name);
        }
        if (invalid.length) throw new BuiltinError(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        throw new BuiltinError('invalid key option');
    }
  }
  return { dnsName, currentTimeNs, keyUsages };
}

function parseAndVerify(text: string, options: () => VerifyOptions, present: (c: ParsedCertificate) => unknown): Value {
  const invalid: Value = [false, []];
  let certs: ParsedCertificate[];
  try {
    certs = certsFromString(text);
  } catch (error) {
    if (error instanceof BuiltinError) return invalid;
    throw error;
  }
  const opts = options();
  if (certs.length < 2) return invalid;
  const chain = verifyChain(certs, opts);
  return chain ? [true, fromJSON(chain.map(present))] : invalid;
}

/** Base64 input is decoded unless it already looks like PEM. */
const pemOrBase64 = (text: string, prefix = BEGIN): Buffer => (text.startsWith(prefix) ? Buffer.from(text, 'utf8') : decodeBase64(text));

export const builtins: readonly BuiltinDef[] = [
  ...hashBuiltins,
  {
    decl: { name: 'crypto.x509.parse_certificates', args: [{ name: 'certs', type: STRING }], result: { kind: 'array' }, categories: ['crypto'] },
    impl: (a) => fromJSON(certsFromString(stringOperand(a, 1)).map(withUriStrings)),
  },
  {
    decl: { name: 'crypto.x509.parse_and_verify_certificates', args: [{ name: 'certs', type: STRING }], result: { kind: 'array' }, categories: ['crypto'] },
    impl: (a, ctx) => parseAndVerify(stringOperand(a, 1), () => ({ currentTimeNs: ctx.nowNs }), withUriStrings),
  },
  {
    decl: {
      name: 'crypto.x509.parse_and_verify_certificates_with_options',
      args: [{ name: 'certs', type: STRING }, { name: 'options', type: { kind: 'object' } }],
      result: { kind: 'array' },
      categories: ['crypto'],
    },
    impl: (a, ctx) => {
      const text = stringOperand(a, 1);
      objectOperand(a, 2);
      return parseAndVerify(text, () => verifyOptions(a[1]!, ctx), (c) => c.json);
    },
  },
  {
    decl: { name: 'crypto.x509.parse_certificate_request', args: [{ name: 'csr', type: STRING }], result: { kind: 'object' }, categories: ['crypto'] },
    impl: (a) => {
      let der = pemOrBase64(stringOperand(a, 1), '-----BEGIN CERTIFICATE REQUEST-----');
      const { block } = pemDecode(der);
      if (block && block.type !== 'CERTIFICATE REQUEST') throw new BuiltinError('invalid PEM-encoded certificate signing request');
      if (block) der = block.bytes;
      const csr = der;
      return fromJSON(wrapped(() => parseCertificateRequest(csr)));
    },
  },
  {
    decl: { name: 'crypto.x509.parse_keypair', args: [{ name: 'cert', type: STRING }, { name: 'pem', type: STRING }], result: { kind: 'object' }, categories: ['crypto'] },
    impl: (a) => {
      const cert = stringOperand(a, 1);
      if (typeof a[1] !== 'string') throw operandTypeError(1, 'string', a[1]!);
      // DER (after base64) is wrapped as PEM, as OPA does, before Go's tls.X509KeyPair sees it.
      const asPem = (text: string, type: string): Buffer => {
        const data = pemOrBase64(text, `${BEGIN} `);
        return data.subarray(0, BEGIN.length).toString('latin1') === BEGIN ? data : Buffer.from(pemEncode(type, data));
      };
      const certPem = asPem(cert, 'CERTIFICATE');
      const keyPem = asPem(a[1], 'PRIVATE KEY');
      return fromJSON(wrapped(() => x509KeyPair(certPem, keyPem)));
    },
  },
  {
    decl: { name: 'crypto.x509.parse_rsa_private_key', args: [{ name: 'pem', type: STRING }], result: { kind: 'object' }, categories: ['crypto'] },
    impl: (a) => {
      let text = stringOperand(a, 1);
      if (text === '') throw new BuiltinError('input PEM data was empty');
      if (!text.startsWith(BEGIN)) text = decodeBase64(text).toString('utf8');
      const keys = privateKeysFromPem(text);
      return keys.length ? fromJSON(privateJwk(keys[0]!)) : null;
    },
  },
  {
    decl: { name: 'crypto.parse_private_keys', args: [{ name: 'keys', type: STRING }], result: { kind: 'array' }, categories: ['crypto'] },
    impl: (a) => {
      const text = stringOperand(a, 1);
      if (text === '') return null;
      return fromJSON(privateKeysFromPem(text).map(goPrivateKey));
    },
  },
];
