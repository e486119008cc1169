/**
 * X.509 certificates and CSRs as OPA returns them: the JSON encoding of Go's x509.Certificate /
 * x509.CertificateRequest (field names, integer enums, OIDs as integer arrays, byte slices as base64, absent lists
 * as null).
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { bitString, boolean, children, contextTag, DerError, expect, integer, oid, oidString, readOne, readTlv, TAG, time, asn1String, type Tlv } from './der.js';
import { goUrl, goUrlString, type GoURL } from './gourl.js';

type Json = null | boolean | number | bigint | string | Json[] | { [k: string]: Json };

const b64 = (b: Buffer | null | undefined): string | null => (b && b.length ? b.toString('base64') : b ? '' : null);
const goTime = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.3.101.112': 16,
};
const PSS_BY_HASH: Record<string, number> = { '2.16.840.1.101.3.4.2.1': 13, '2.16.840.1.101.3.4.2.2': 14, '2.16.840.1.101.3.4.2.3': 15 };
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = { '1.2.840.113549.1.1.1': 1, '1.2.840.10040.4.1': 2, '1.2.840.10045.2.1': 3, '1.3.101.112': 4 };
const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};
/** pkix.Name fields filled from attribute types 2.5.4.n. */
const NAME_FIELDS: Record<number, string> = { 3: 'CommonName', 5: 'SerialNumber', 6: 'Country', 7: 'Locality', 8: 'Province', 9: 'StreetAddress', 10: 'Organization', 11: 'OrganizationalUnit', 17: 'PostalCode' };

function signatureAlgorithm(algId: Tlv): number {
  const [idTlv, params] = children(expect(algId, TAG.SEQUENCE));
  const id = oidString(oid(idTlv!));
  if (id !== '1.2.840.113549.1.1.10') return SIGNATURE_ALGORITHMS[id] ?? 0;
  // RSASSA-PSS names its hash in the parameters: [0] { hashAlgorithm AlgorithmIdentifier }.
  const hash = params ? children(params).find((t) => t.tag === contextTag(0, true)) : undefined;
  const hashOid = hash ? oidString(oid(children(children(hash)[0]!)[0]!)) : '';
  return PSS_BY_HASH[hashOid] ?? 0;
}

/** Go's pkix.Name, filled from an RDNSequence. */
export function goName(rdns: Tlv): { [k: string]: Json } {
  const name: { [k: string]: Json } = { Country: null, Organization: null, OrganizationalUnit: null, Locality: null, Province: null, StreetAddress: null, PostalCode: null, SerialNumber: '', CommonName: '', Names: null, ExtraNames: null };
  const names: Json[] = [];
  for (const rdn of children(expect(rdns, TAG.SEQUENCE))) {
    for (const atv of children(expect(rdn, TAG.SET))) {
      const [typeTlv, valueTlv] = children(expect(atv, TAG.SEQUENCE));
      const type = oid(typeTlv!);
      const value = asn1String(valueTlv!);
      names.push({ Type: type, Value: value });
      const field = type.length === 4 && type[0] === 2 && type[1] === 5 && type[2] === 4 ? NAME_FIELDS[type[3]!] : undefined;
      if (field === 'CommonName' || field === 'SerialNumber') name[field] = value;
      else if (field) name[field] = [...((name[field] as Json[] | null) ?? []), value];
    }
  }
  if (names.length) name.Names = names;
  return name;
}

/** Go's JSON for the crypto.PublicKey inside a certificate (*rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey). */
export function goPublicKey(key: KeyObject): Json {
  const jwk = key.export({ format: 'jwk' });
  const int = (s: string | undefined) => BigInt('0x' + (Buffer.from(s ?? '', 'base64url').toString('hex') || '0'));
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { N: int(jwk.n), E: Number(int(jwk.e)) };
    case 'ec':
      // Go's elliptic.Curve values have no exported fields, so they marshal as {}.
      return { Curve: {}, X: int(jwk.x), Y: int(jwk.y) };
    case 'ed25519':
      return Buffer.from(jwk.x ?? '', 'base64url').toString('base64');
    default:
      return null;
  }
}

function publicKeyOf(spki: Tlv): { algorithm: number; key: Json } {
  const [alg] = children(expect(spki, TAG.SEQUENCE));
  const algorithm = PUBLIC_KEY_ALGORITHMS[oidString(oid(children(alg!)[0]!))] ?? 0;
  try {
    return { algorithm, key: goPublicKey(createPublicKey({ key: spki.raw, format: 'der', type: 'spki' })) };
  } catch {
    return { algorithm, key: null };
  }
}

/** SubjectAltName-style GeneralNames into the lists Go keeps. */
function generalNames(seq: Tlv, into: { DNSNames: string[]; EmailAddresses: string[]; IPAddresses: string[]; URIs: GoURL[] }): void {
  for (const gn of children(expect(seq, TAG.SEQUENCE))) {
    const v = gn.value;
    if (gn.tag === contextTag(1, false)) into.EmailAddresses.push(v.toString('latin1'));
    else if (gn.tag === contextTag(2, false)) into.DNSNames.push(v.toString('latin1'));
    else if (gn.tag === contextTag(6, false)) into.URIs.push(goUrl(v.toString('latin1')));
    else if (gn.tag === contextTag(7, false)) {
      if (v.length === 4) into.IPAddresses.push([...v].join('.'));
      else if (v.length === 16) into.IPAddresses.push(ipv6(v));
      else throw new DerError(`x509: cannot parse IP address of length ${v.length}`);
    }
  }
}

function ipv6(b: Buffer): string {
  if (b.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))) return [...b.subarray(12)].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

const uriOf = (gn: Tlv): string | null => (gn.tag === contextTag(6, false) ? gn.value.toString('latin1') : null);

/** An IP range from a name constraint: address then mask, as Go's *net.IPNet marshals ({IP, Mask}). */
function ipNet(v: Buffer): Json {
  if (v.length !== 8 && v.length !== 32) throw new DerError(`x509: IP constraint contained value of length ${v.length}`);
  const half = v.length / 2;
  const ip = v.subarray(0, half);
  return { IP: half === 4 ? [...ip].join('.') : ipv6(ip), Mask: v.subarray(half).toString('base64') };
}

const SUBTREE_FIELDS: Record<number, [string, string]> = { 1: ['PermittedEmailAddresses', 'ExcludedEmailAddresses'], 2: ['PermittedDNSDomains', 'ExcludedDNSDomains'], 6: ['PermittedURIDomains', 'ExcludedURIDomains'], 7: ['PermittedIPRanges', 'ExcludedIPRanges'] };

/** Go's parseNameConstraintsExtension; false (unhandled) when a critical extension names an unsupported form. */
function nameConstraints(seq: Tlv, critical: boolean, out: { [k: string]: Json }): boolean {
  out.PermittedDNSDomainsCritical = critical;
  let handled = true;
  for (const subtrees of children(seq)) {
    const excluded = subtrees.tag === contextTag(1, true) ? 1 : 0;
    for (const subtree of children(subtrees)) {
      const base = children(expect(subtree, TAG.SEQUENCE))[0]!;
      const n = base.tag & 0x1f;
      const fields = (base.tag & 0xc0) === 0x80 ? SUBTREE_FIELDS[n] : undefined;
      if (!fields) {
        handled = handled && !critical;
        continue;
      }
      const field = fields[excluded]!;
      const entry = n === 7 ? ipNet(base.value) : base.value.toString('latin1');
      out[field] = [...((out[field] as Json[] | null) ?? []), entry];
    }
  }
  return handled;
}

interface Extensions {
  [k: string]: Json;
}

/** Fills the certificate fields Go derives from extensions; unhandled critical ones are listed. */
function processExtensions(exts: Tlv[], out: Extensions, forCertificate: boolean): Json[] {
  const list: Json[] = [];
  const names = { DNSNames: [] as string[], EmailAddresses: [] as string[], IPAddresses: [] as string[], URIs: [] as GoURL[] };
  const unhandled: Json[] = [];
  const push = (field: string, v: Json) => (out[field] = [...((out[field] as Json[] | null) ?? []), v]);
  for (const ext of exts) {
    const parts = children(expect(ext, TAG.SEQUENCE));
    const id = oid(parts[0]!);
    const critical = parts.length === 3 ? boolean(parts[1]!) : false;
    const value = expect(parts[parts.length - 1], TAG.OCTET_STRING).value;
    list.push({ Id: id, Critical: critical, Value: value.toString('base64') });
    const key = oidString(id);
    let handled = true;
    if (key === '2.5.29.17') generalNames(readOne(value), names);
    else if (!forCertificate) handled = false;
    else if (key === '2.5.29.15') {
      const { bytes, bitLength } = bitString(readOne(value));
      let usage = 0;
      for (let i = 0; i < 9 && i < bitLength; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) usage |= 1 << i;
      out.KeyUsage = usage;
    } else if (key === '2.5.29.19') {
      const items = children(readOne(value, TAG.SEQUENCE));
      let i = 0;
      out.IsCA = items[i]?.tag === TAG.BOOLEAN ? boolean(items[i++]!) : false;
      out.MaxPathLen = items[i] ? Number(integer(items[i]!)) : -1;
      out.BasicConstraintsValid = true;
      out.MaxPathLenZero = out.MaxPathLen === 0;
    } else if (key === '2.5.29.37') {
      for (const u of children(readOne(value, TAG.SEQUENCE))) {
        const arcs = oid(u);
        const known = EXT_KEY_USAGES[oidString(arcs)];
        if (known === undefined) push('UnknownExtKeyUsage', arcs);
        else push('ExtKeyUsage', known);
      }
    } else if (key === '2.5.29.14') out.SubjectKeyId = b64(readOne(value, TAG.OCTET_STRING).value);
    else if (key === '2.5.29.35') {
      const keyId = children(readOne(value, TAG.SEQUENCE)).find((t) => t.tag === contextTag(0, false));
      if (keyId) out.AuthorityKeyId = b64(keyId.value);
    } else if (key === '2.5.29.31') {
      for (const dp of children(readOne(value, TAG.SEQUENCE))) {
        const dpName = children(dp).find((t) => t.tag === contextTag(0, true));
        const fullName = dpName && children(dpName).find((t) => t.tag === contextTag(0, true));
        for (const gn of fullName ? children(fullName) : []) {
          const uri = uriOf(gn);
          if (uri !== null) push('CRLDistributionPoints', uri);
        }
      }
    } else if (key === '1.3.6.1.5.5.7.1.1') {
      for (const ad of children(readOne(value, TAG.SEQUENCE))) {
        const [method, location] = children(ad);
        const uri = location ? uriOf(location) : null;
        const m = oidString(oid(method!));
        if (uri === null) continue;
        if (m === '1.3.6.1.5.5.7.48.1') push('OCSPServer', uri);
        else if (m === '1.3.6.1.5.5.7.48.2') push('IssuingCertificateURL', uri);
      }
    } else if (key === '2.5.29.32') {
      for (const pi of children(readOne(value, TAG.SEQUENCE))) {
        const arcs = oid(children(pi)[0]!);
        push('PolicyIdentifiers', arcs);
        push('Policies', oidString(arcs));
      }
    } else if (key === '2.5.29.30') handled = nameConstraints(readOne(value, TAG.SEQUENCE), critical, out);
    else handled = false;
    if (critical && !handled) unhandled.push(id);
  }
  if (names.DNSNames.length) out.DNSNames = names.DNSNames;
  if (names.EmailAddresses.length) out.EmailAddresses = names.EmailAddresses;
  if (names.IPAddresses.length) out.IPAddresses = names.IPAddresses;
  if (names.URIs.length) out.URIs = names.URIs as unknown as Json;
  if (unhandled.length && forCertificate) out.UnhandledCriticalExtensions = unhandled;
  return list;
}

export interface ParsedCertificate {
  readonly json: { [k: string]: Json };
  readonly der: Buffer;
  readonly rawSubject: Buffer;
  readonly rawIssuer: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly node: X509Certificate;
}

/** One DER certificate; throws DerError with Go's wording for structural problems. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  let cert: Tlv, tbs: Tlv, fields: Tlv[];
  try {
    cert = readOne(der, TAG.SEQUENCE);
    [tbs] = children(cert) as [Tlv];
    fields = children(expect(tbs, TAG.SEQUENCE));
  } catch {
    throw new DerError('x509: malformed certificate');
  }
  const [, sigAlg, sigBits] = children(cert);
  let i = 0;
  const version = fields[0]?.tag === contextTag(0, true) ? Number(integer(children(fields[i++]!)[0]!)) + 1 : 1;
  const serial = integer(fields[i++]!);
  i++; // the inner signature AlgorithmIdentifier repeats the outer one
  const issuer = fields[i++]!;
  const [notBefore, notAfter] = children(fields[i++]!).map(time) as [Date, Date];
  const subject = fields[i++]!;
  const spki = fields[i++]!;
  const extWrapper = fields.slice(i).find((t) => t.tag === contextTag(3, true));
  const { algorithm, key } = publicKeyOf(spki);

  const json: { [k: string]: Json } = {
    Raw: der.toString('base64'),
    RawTBSCertificate: tbs.raw.toString('base64'),
    RawSubjectPublicKeyInfo: spki.raw.toString('base64'),
    RawSubject: subject.raw.toString('base64'),
    RawIssuer: issuer.raw.toString('base64'),
    Signature: b64(bitString(sigBits!).bytes),
    SignatureAlgorithm: signatureAlgorithm(sigAlg!),
    PublicKeyAlgorithm: algorithm,
    PublicKey: key,
    Version: version,
    SerialNumber: serial,
    Issuer: goName(issuer),
    Subject: goName(subject),
    NotBefore: goTime(notBefore),
    NotAfter: goTime(notAfter),
    KeyUsage: 0,
    Extensions: null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
    InhibitAnyPolicy: 0,
    InhibitAnyPolicyZero: false,
    InhibitPolicyMapping: 0,
    InhibitPolicyMappingZero: false,
    RequireExplicitPolicy: 0,
    RequireExplicitPolicyZero: false,
    PolicyMappings: null,
  };
  if (extWrapper) {
    const exts = children(readOne(extWrapper.value, TAG.SEQUENCE));
    if (exts.length) json.Extensions = processExtensions(exts, json, true);
  }
  let node: X509Certificate;
  try {
    node = new X509Certificate(der);
  } catch (error) {
    throw new DerError(`x509: ${(error as Error).message}`);
  }
  return { json, der, rawSubject: subject.raw, rawIssuer: issuer.raw, notBefore, notAfter, node };
}

/** Go's x509.ParseCertificates: any number of DER certificates back to back. */
export function parseCertificates(der: Buffer): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (let p = 0; p < der.length; ) {
    let next: number;
    try {
      next = readTlv(der, p).next;
    } catch {
      throw new DerError('x509: malformed certificate');
    }
    out.push(parseCertificate(der.subarray(p, next)));
    p = next;
  }
  return out;
}

/** The extended certificate OPA returns from parse_certificates: Go's fields plus URIStrings. */
export function withUriStrings(c: ParsedCertificate): { [k: string]: Json } {
  const uris = c.json.URIs as unknown as GoURL[] | null;
  return { ...c.json, URIStrings: uris ? uris.map(goUrlString) : null };
}

/**
 * Go parses a CSR with encoding/asn1, which compares the outer tag before it looks at the length; its message
 * names the tag it found.
 */
function outerTagCheck(der: Buffer): void {
  if (der.length < 2) throw new DerError('asn1: syntax error: truncated tag or length');
  const t = der[0]!;
  if (t === TAG.SEQUENCE) return;
  const len = der[1]! & 0x80 ? -1 : der[1]!;
  throw new DerError(`asn1: structure error: tags don't match (16 vs {class:${t >> 6} tag:${t & 0x1f} length:${len} isCompound:${(t & 0x20) !== 0}}) certificateRequest @2`);
}

/** Go's x509.ParseCertificateRequest, as JSON. */
export function parseCertificateRequest(der: Buffer): { [k: string]: Json } {
  let csr: Tlv, info: Tlv, fields: Tlv[];
  outerTagCheck(der);
  try {
    csr = readOne(der, TAG.SEQUENCE);
    [info] = children(csr) as [Tlv];
    fields = children(expect(info, TAG.SEQUENCE));
  } catch (error) {
    throw new DerError(`asn1: structure error: ${(error as Error).message}`);
  }
  const [, sigAlg, sigBits] = children(csr);
  const [versionTlv, subject, spki, attributes] = fields as [Tlv, Tlv, Tlv, Tlv | undefined];
  const { algorithm, key } = publicKeyOf(spki);
  const json: { [k: string]: Json } = {
    Raw: der.toString('base64'),
    RawTBSCertificateRequest: info.raw.toString('base64'),
    RawSubjectPublicKeyInfo: spki.raw.toString('base64'),
    RawSubject: subject.raw.toString('base64'),
    Version: Number(integer(versionTlv)),
    Signature: b64(bitString(sigBits!).bytes),
    SignatureAlgorithm: signatureAlgorithm(sigAlg!),
    PublicKeyAlgorithm: algorithm,
    PublicKey: key,
    Subject: goName(subject),
    Attributes: null,
    Extensions: null,
    ExtraExtensions: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
  };
  const rawAttributes = attributes && attributes.tag === contextTag(0, true) ? children(attributes) : [];
  const parsed = rawAttributes.map(attributeSet).filter((a): a is Json => a !== undefined);
  if (parsed.length) json.Attributes = parsed;
  // PKCS #9 extensionRequest (1.2.840.113549.1.9.14) carries the requested extensions.
  for (const attr of rawAttributes) {
    const [type, values] = children(attr);
    if (oidString(oid(type!)) !== '1.2.840.113549.1.9.14') continue;
    for (const exts of children(values!)) json.Extensions = processExtensions(children(exts), json, false);
  }
  return json;
}

/**
 * A value as Go's encoding/asn1 decodes into `any`: strings, integers that fit int64, OIDs, times and byte
 * strings; other types (booleans, constructed values) become nil. Undefined means a decoding error.
 */
function asn1Any(t: Tlv | undefined): Json | undefined {
  if (!t) return null;
  switch (t.tag) {
    case TAG.UTF8:
    case TAG.PRINTABLE:
    case TAG.IA5:
    case TAG.T61:
    case TAG.BMP:
    case 0x12:
      return asn1String(t);
    case TAG.INTEGER: {
      const v = integer(t);
      return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
    }
    case TAG.BIT_STRING: {
      const { bytes, bitLength } = bitString(t);
      return { Bytes: b64(bytes), BitLength: bitLength };
    }
    case TAG.OID:
      return oid(t);
    case TAG.UTC_TIME:
    case TAG.GENERALIZED_TIME:
      return goTime(time(t));
    case TAG.OCTET_STRING:
      return b64(t.value);
    default:
      return null;
  }
}

/** Go's parseRawAttributes: an attribute kept as {Type, Value: [[{Type, Value}]]} when it decodes as one. */
function attributeSet(attr: Tlv): Json | undefined {
  try {
    const [type, values] = children(expect(attr, TAG.SEQUENCE));
    const sets: Json[] = children(expect(values, TAG.SET)).map((set) =>
      children(expect(set, TAG.SEQUENCE)).map((atv) => {
        const [t, v] = children(expect(atv, TAG.SEQUENCE));
        const value = asn1Any(v);
        if (value === undefined) throw new DerError('unsupported value');
        return { Type: oid(t!), Value: value };
      }),
    );
    return { Type: oid(type!), Value: sets };
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}
