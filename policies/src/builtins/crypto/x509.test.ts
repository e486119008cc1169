import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../index.js';

// A minimal DER writer, enough to mint test certificates signed with ECDSA P-256 / SHA-256.
const len = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const oid = (s: string): Buffer => {
  const [a, b, ...rest] = s.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift(v % 128);
      if (v < 128) break;
    }
    bytes.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(bytes));
};
const int = (n: number) => tlv(0x02, Buffer.from([n]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s));
const name = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), utf8(cn))));
const time = (d: string) => tlv(0x17, Buffer.from(d));
const ext = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

interface Minted {
  readonly pem: string;
  readonly key: KeyObject;
}

function mint(cn: string, issuer: { cn: string; key: KeyObject } | null, extensions: Buffer[], validity = ['200101000000Z', '491231000000Z']): Minted {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tbs = seq(
    tlv(0xa0, int(2)),
    int(7),
    ECDSA_SHA256,
    name(issuer?.cn ?? cn),
    seq(time(validity[0]!), time(validity[1]!)),
    name(cn),
    publicKey.export({ format: 'der', type: 'spki' }),
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer?.key ?? privateKey);
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
  const b64 = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return { pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`, key: privateKey };
}

const CA = ext('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff]))));
const san = (...names: Buffer[]) => ext('2.5.29.17', false, seq(...names));
const dns = (s: string) => tlv(0x82, Buffer.from(s));

const e = Engine.compile([
  {
    file: 'x.rego',
    source: `package x

certs := crypto.x509.parse_certificates(input.pem)
verified := crypto.x509.parse_and_verify_certificates(input.pem)
`,
  },
]);

const e2 = Engine.compile([{ file: 'c.rego', source: 'package c\n\ncsr := crypto.x509.parse_certificate_request(input.csr)\n' }]);

describe('crypto.x509', () => {
  const root = mint('Test Root', null, [CA]);
  const rootIssuer = { cn: 'Test Root', key: root.key };

  it('exposes Go certificate fields: SANs, name constraints, unhandled critical extensions', () => {
    const nc = seq(tlv(0xa0, seq(dns('example.com'))), tlv(0xa1, seq(tlv(0x87, Buffer.from([10, 0, 0, 0, 255, 0, 0, 0])))));
    const leaf = mint('leaf', rootIssuer, [
      san(dns('a.example.com'), tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x86, Buffer.from('spiffe://example.com/x'))),
      ext('2.5.29.30', true, nc),
      ext('1.2.3.4', true, tlv(0x05, Buffer.alloc(0))),
    ]);
    const [c] = e.document(['x', 'certs'], { input: { pem: leaf.pem } }) as Record<string, unknown>[];
    expect(c!.DNSNames).toEqual(['a.example.com']);
    expect(c!.IPAddresses).toEqual(['127.0.0.1']);
    expect(c!.URIStrings).toEqual(['spiffe://example.com/x']);
    expect(c!.PermittedDNSDomains).toEqual(['example.com']);
    expect(c!.PermittedDNSDomainsCritical).toBe(true);
    expect(c!.ExcludedIPRanges).toEqual([{ IP: '10.0.0.0', Mask: '/wAAAA==' }]);
    expect(c!.UnhandledCriticalExtensions).toEqual([[1, 2, 3, 4]]);
    expect((c!.Subject as Record<string, unknown>).CommonName).toBe('leaf');
    expect(c!.SignatureAlgorithm).toBe(10);
    expect(c!.PublicKeyAlgorithm).toBe(3);
  });

  it('verifies root, intermediate, leaf and refuses broken chains', () => {
    const inter = mint('Test Intermediate', rootIssuer, [CA]);
    const leaf = mint('leaf', { cn: 'Test Intermediate', key: inter.key }, [san(dns('leaf.test'))]);
    const ok = e.document(['x', 'verified'], { input: { pem: root.pem + inter.pem + leaf.pem } }) as [boolean, Record<string, { CommonName: string }>[]];
    expect(ok[0]).toBe(true);
    expect(ok[1].map((c) => c.Subject!.CommonName)).toEqual(['leaf', 'Test Intermediate', 'Test Root']);

    const notCa = mint('Not A CA', rootIssuer, []);
    const below = mint('leaf', { cn: 'Not A CA', key: notCa.key }, []);
    expect((e.document(['x', 'verified'], { input: { pem: root.pem + notCa.pem + below.pem } }) as unknown[])[0]).toBe(false);

    const expired = mint('old', rootIssuer, [], ['200101000000Z', '210101000000Z']);
    expect((e.document(['x', 'verified'], { input: { pem: root.pem + expired.pem } }) as unknown[])[0]).toBe(false);

    const stranger = mint('Other Root', null, [CA]);
    expect((e.document(['x', 'verified'], { input: { pem: stranger.pem + leaf.pem } }) as unknown[])[0]).toBe(false);
  });

  it('parses a CSR with its requested extensions and attributes', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const request = seq(oid('1.2.840.113549.1.9.14'), tlv(0x31, seq(san(dns('req.example.com')))));
    const info = seq(int(0), name('req'), publicKey.export({ format: 'der', type: 'spki' }), tlv(0xa0, request));
    const der = seq(info, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), sign('sha256', info, privateKey)));
    const csr = e2.document(['c', 'csr'], { input: { csr: der.toString('base64') } }) as Record<string, unknown>;
    expect((csr.Subject as Record<string, unknown>).CommonName).toBe('req');
    expect(csr.DNSNames).toEqual(['req.example.com']);
    expect(csr.Attributes).toEqual([{ Type: [1, 2, 840, 113549, 1, 9, 14], Value: [[{ Type: [2, 5, 29, 17], Value: seq(dns('req.example.com')).toString('base64') }]] }]);
  });
});
