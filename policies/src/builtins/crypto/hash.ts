/** crypto.md5/sha1/sha256, crypto.hmac.* and crypto.hmac.equal: digests of a string's UTF-8 bytes, as hex. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { stringOperand } from '../operands.js';
import type { BuiltinDef } from '../types.js';

const STRING = { kind: 'string' } as const;

const digest = (alg: 'md5' | 'sha1' | 'sha256'): BuiltinDef => ({
  decl: { name: `crypto.${alg}`, args: [{ name: 'x', type: STRING }], result: STRING, categories: ['crypto'] },
  impl: (a) => createHash(alg).update(stringOperand(a, 1)).digest('hex'),
});

const hmac = (alg: 'md5' | 'sha1' | 'sha256' | 'sha512'): BuiltinDef => ({
  decl: { name: `crypto.hmac.${alg}`, args: [{ name: 'x', type: STRING }, { name: 'key', type: STRING }], result: STRING, categories: ['crypto'] },
  impl: (a) => {
    const message = stringOperand(a, 1);
    return createHmac(alg, stringOperand(a, 2)).update(message).digest('hex');
  },
});

/** Constant-time for equal lengths, like Go's hmac.Equal (which also answers false at once on a length mismatch). */
function macEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const hashBuiltins: readonly BuiltinDef[] = [
  digest('md5'),
  digest('sha1'),
  digest('sha256'),
  hmac('md5'),
  hmac('sha1'),
  hmac('sha256'),
  hmac('sha512'),
  {
    decl: { name: 'crypto.hmac.equal', args: [{ name: 'mac1', type: STRING }, { name: 'mac2', type: STRING }], result: { kind: 'boolean' }, categories: ['crypto'] },
    impl: (a) => {
      const mac1 = stringOperand(a, 1);
      return macEqual(mac1, stringOperand(a, 2));
    },
  },
];
