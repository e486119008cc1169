import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../index.js';
import { opaBase64UrlDecode } from './gobase64.js';
import { pemDecode } from './pem.js';

describe('OPA base64url', () => {
  it("pads unpadded input and reports Go's errors", () => {
    expect(opaBase64UrlDecode('aGVsbG8').toString()).toBe('hello');
    expect(() => opaBase64UrlDecode('aGVs!G8')).toThrow('illegal base64 data at input byte 4');
    expect(() => opaBase64UrlDecode('abcde')).toThrow('illegal base64url string: abcde');
  });
});

describe('PEM', () => {
  it('skips leading junk and returns what follows the block', () => {
    const { block, rest } = pemDecode('junk\n-----BEGIN X-----\nAAEC\n-----END X-----\ntail');
    expect(block?.type).toBe('X');
    expect([...block!.bytes]).toEqual([0, 1, 2]);
    expect(rest.toString()).toBe('tail');
    expect(pemDecode('-----BEGIN X-----\nAAEC\n-----END Y-----\n').block).toBeNull();
  });
});

describe('crypto private keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const e = Engine.compile([
    {
      file: 'k.rego',
      source: `package k

keys := crypto.parse_private_keys(input.pem)
jwk := crypto.x509.parse_rsa_private_key(input.pem)
eq := crypto.hmac.equal(crypto.hmac.sha256("m", "k"), crypto.hmac.sha256("m", "k"))
neq := crypto.hmac.equal(crypto.hmac.sha256("m", "k"), crypto.hmac.sha256("m", "other"))
`,
    },
  ]);

  it('returns Go key structures for each PEM block, in order', () => {
    const pem = String(rsa.export({ format: 'pem', type: 'pkcs1' })) + String(ec.export({ format: 'pem', type: 'sec1' }));
    const keys = e.document(['k', 'keys'], { input: { pem } }) as Record<string, unknown>[];
    expect(keys.length).toBe(2);
    expect(keys[0]!.E).toBe(65537);
    expect((keys[0]!.Primes as unknown[]).length).toBe(2);
    expect(Object.keys(keys[1]!).sort()).toEqual(['Curve', 'D', 'X', 'Y']);
  });

  it('parse_rsa_private_key gives the JWK of the first key, also from base64 of the PEM', () => {
    const pem = rsa.export({ format: 'pem', type: 'pkcs8' }) as string;
    const jwk = e.document(['k', 'jwk'], { input: { pem: Buffer.from(pem).toString('base64') } }) as Record<string, string>;
    expect(jwk.kty).toBe('RSA');
    expect(jwk.n).toBe(rsa.export({ format: 'jwk' }).n);
  });

  it('crypto.hmac.equal compares MACs', () => {
    expect(e.document(['k', 'eq'])).toBe(true);
    expect(e.document(['k', 'neq'])).toBe(false);
  });
});

describe('crypto.x509.parse_and_verify_certificates_with_options', () => {
  // A root, an intermediate and a leaf for notarealsite.opa.localhost, from OPA's conformance cases.
  const cases = new URL('../../../../../shared/opa-conformance/cryptox509parseandverifycertificates/test-cryptox509parseandverifycertificates.yaml', import.meta.url);
  const chain = (parseYaml(readFileSync(cases, 'utf8')) as { cases: { modules: string[] }[] }).cases[0]!.modules[0]!.match(/certs := `([^`]*)`/)![1]!;
  const e = Engine.compile([
    {
      file: 'v.rego',
      source: `package v

valid := crypto.x509.parse_and_verify_certificates_with_options(input.chain, input.options)[0]
`,
    },
  ]);
  const valid = (options: Record<string, unknown>) => e.document(['v', 'valid'], { input: { chain, options } });

  it('checks the DNS name, the time and the key usages', () => {
    expect(valid({ DNSName: 'notarealsite.opa.localhost' })).toBe(true);
    expect(valid({ DNSName: 'elsewhere.opa.localhost' })).toBe(false);
    expect(valid({ CurrentTime: 0 })).toBe(false);
    expect(valid({ KeyUsages: ['KeyUsageAny'] })).toBe(true);
  });

  it('rejects unknown options', () => {
    expect(() => e.document(['v', 'valid'], { input: { chain, options: { KeyUsages: ['Nope'] } }, strict: true })).toThrow("invalid entries for 'KeyUsages' found: [Nope]");
    expect(() => e.document(['v', 'valid'], { input: { chain, options: { Other: 1 } }, strict: true })).toThrow('invalid key option');
  });
});
