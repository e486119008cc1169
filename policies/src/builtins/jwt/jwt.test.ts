import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../index.js';

const policy = Engine.compile([
  {
    file: 'jwt.rego',
    source: `package t

token := io.jwt.encode_sign({"alg": input.alg, "kid": "k1"}, {"sub": "alice", "exp": input.exp}, input.private)

verified := v if {
	v := io.jwt.decode_verify(token, {"cert": json.marshal(input.public), "time": 1000000000000000000})
}

pub := json.marshal(input.public)

verify_fn := io.jwt.verify_rs256(token, pub) if input.alg == "RS256"
verify_fn := io.jwt.verify_ps384(token, pub) if input.alg == "PS384"
verify_fn := io.jwt.verify_es256(token, pub) if input.alg == "ES256"
verify_fn := io.jwt.verify_eddsa(token, pub) if input.alg == "EdDSA"

tampered := io.jwt.decode_verify(concat(".", [parts[0], base64url.encode_no_pad("{\\"sub\\":\\"mallory\\"}"), parts[2]]), {"cert": json.marshal(input.public)}) if {
	parts := split(token, ".")
}
`,
  },
]);

function jwkPair(kind: 'rsa' | 'ec' | 'ed25519') {
  const { publicKey, privateKey } =
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { public: { ...publicKey.export({ format: 'jwk' }), kid: 'k1' }, private: privateKey.export({ format: 'jwk' }) };
}

describe('io.jwt sign and verify', () => {
  for (const [alg, kind] of [['RS256', 'rsa'], ['PS384', 'rsa'], ['ES256', 'ec'], ['EdDSA', 'ed25519']] as const) {
    it(`${alg}: a signed token verifies, a tampered one does not`, () => {
      const input = { alg, exp: 2000000000, ...jwkPair(kind) };
      const verified = policy.document(['t', 'verified'], { input }) as unknown[];
      expect(verified[0]).toBe(true);
      expect(policy.document(['t', 'verify_fn'], { input })).toBe(true);
      expect((policy.document(['t', 'tampered'], { input }) as unknown[])[0]).toBe(false);
    });
  }

  it('an expired token is not valid, a key of another pair is refused', () => {
    const pair = jwkPair('ec');
    expect((policy.document(['t', 'verified'], { input: { alg: 'ES256', exp: 999999999, ...pair } }) as unknown[])[0]).toBe(false);
    const other = jwkPair('ec');
    expect((policy.document(['t', 'verified'], { input: { alg: 'ES256', exp: 2000000000, private: pair.private, public: other.public } }) as unknown[])[0]).toBe(false);
  });

  it('HS256 with a secret: verify_hs256 and decode_verify agree', () => {
    const e = Engine.compile([
      {
        file: 'hs.rego',
        source: `package h

t := io.jwt.encode_sign_raw("{\\"alg\\":\\"HS256\\"}", "{\\"iss\\":\\"me\\"}", json.marshal({"kty": "oct", "k": base64url.encode_no_pad("s3cret")}))
ok := io.jwt.verify_hs256(t, "s3cret")
wrong := io.jwt.verify_hs256(t, "other")
dv := io.jwt.decode_verify(t, {"secret": "s3cret", "iss": "me"})
`,
      },
    ]);
    expect(e.document(['h', 'ok'])).toBe(true);
    expect(e.document(['h', 'wrong'])).toBe(false);
    expect((e.document(['h', 'dv']) as unknown[])[0]).toBe(true);
  });

  it('decode_verify holds PSS to a hash-length salt, verify_ps256 accepts any', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = Buffer.from('{"alg":"PS256"}').toString('base64url') + '.' + Buffer.from('{}').toString('base64url');
    const sig = sign('sha256', Buffer.from(input), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 });
    const token = `${input}.${sig.toString('base64url')}`;
    const e = Engine.compile([
      {
        file: 'ps.rego',
        source: `package ps

loose := io.jwt.verify_ps256(input.token, input.key)
strict := io.jwt.decode_verify(input.token, {"cert": input.key})[0]
`,
      },
    ]);
    const key = publicKey.export({ format: 'pem', type: 'spki' });
    expect(e.document(['ps', 'loose'], { input: { token, key } })).toBe(true);
    expect(e.document(['ps', 'strict'], { input: { token, key } })).toBe(false);
  });
});
