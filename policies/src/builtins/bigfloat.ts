/**
 * Exact rationals for builtins that OPA computes with math/big: a number's value from its decimal text (as
 * big.Rat/big.Float SetString read it), rounding to a binary mantissa (big.Float's precision), and conversion to
 * the nearest float64.
 */
import type { RNumber } from '../values.js';

export interface Rat {
  readonly num: bigint;
  /** Always positive. */
  readonly den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b];
  while (y) [x, y] = [y, x % y];
  return x;
};

export function reduce(num: bigint, den: bigint): Rat {
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den < 0n ? -den : den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/** The exact value of a number's shortest decimal text (what OPA's JSON number string denotes). */
export function rational(n: RNumber): Rat {
  if (typeof n === 'bigint') return { num: n, den: 1n };
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return { num: BigInt(Math.trunc(n)), den: 1n };
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  const digits = BigInt(m[2]! + frac) * (m[1] ? -1n : 1n);
  return exp >= 0 ? { num: digits * 10n ** BigInt(exp), den: 1n } : reduce(digits, 10n ** BigInt(-exp));
}

const bitLength = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** Rounds to a binary float with `prec` mantissa bits, nearest-even, as big.Float does. */
export function roundMantissa(r: Rat, prec = 64): Rat {
  if (r.num === 0n) return r;
  const neg = r.num < 0n;
  const n = neg ? -r.num : r.num;
  let shift = BigInt(prec - (bitLength(n) - bitLength(r.den)));
  const scaled = (s: bigint): [bigint, bigint] => (s >= 0n ? [n << s, r.den] : [n, r.den << -s]);
  let [a, b] = scaled(shift);
  // The quotient now has prec or prec+1 bits.
  if (a / b >= 1n << BigInt(prec)) [a, b] = scaled(--shift);
  let q = a / b;
  const r2 = (a % b) * 2n;
  if (r2 > b || (r2 === b && (q & 1n) === 1n)) q++;
  const signed = neg ? -q : q;
  return shift >= 0n ? reduce(signed, 1n << shift) : { num: signed << -shift, den: 1n };
}

export const add = (a: Rat, b: Rat): Rat => reduce(a.num * b.den + b.num * a.den, a.den * b.den);
export const mul = (a: Rat, b: Rat): Rat => reduce(a.num * b.num, a.den * b.den);

/** The float64 nearest to r. */
export function toNumber(r: Rat): number {
  if (r.num === 0n) return 0;
  const rounded = roundMantissa(r, 53);
  // A 53-bit mantissa times a power of two converts exactly (barring overflow to Infinity).
  const den = rounded.den;
  const denBits = bitLength(den) - 1;
  return den === 1n ? Number(rounded.num) : Number(rounded.num) / 2 ** denBits;
}
