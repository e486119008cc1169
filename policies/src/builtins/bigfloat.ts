/**
 * Number arithmetic the way OPA does it with math/big: a number's value is its decimal text (big.Rat/big.Float
 * SetString), big.Float operations round to a 64-bit mantissa, and results come back as the nearest float64.
 * Binary floats are m·2^e with a bigint mantissa, so that sums and products need only shifts.
 */
import type { RNumber } from '../values.js';

export interface Rat {
  readonly num: bigint;
  /** Always positive. */
  readonly den: bigint;
}

/** m · 2^e. */
export interface BinFloat {
  readonly m: bigint;
  readonly e: number;
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

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

const POW10: bigint[] = [1n];
const pow10 = (k: number): bigint => {
  for (let i = POW10.length; i <= k; i++) POW10.push(POW10[i - 1]! * 10n);
  return POW10[k]!;
};

/** A number's shortest decimal text as digits / 10^k, unreduced. */
function decimal(n: number): Rat {
  const m = DECIMAL.exec(String(n));
  if (!m) return { num: BigInt(Math.trunc(n)), den: 1n };
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  const digits = BigInt(m[2]! + frac) * (m[1] ? -1n : 1n);
  return exp >= 0 ? { num: digits * pow10(exp), den: 1n } : { num: digits, den: pow10(-exp) };
}

/** The exact value of a number's shortest decimal text (what OPA's JSON number string denotes), reduced. */
export function rational(n: RNumber): Rat {
  if (typeof n === 'bigint') return { num: n, den: 1n };
  const r = decimal(n);
  return r.den === 1n ? r : reduce(r.num, r.den);
}

function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = (n < 0n ? -n : n).toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/** num/den rounded to `prec` bits, nearest-even, as big.Float does. */
function roundQuotient(num: bigint, den: bigint, prec: number): BinFloat {
  if (num === 0n) return { m: 0n, e: 0 };
  const neg = num < 0n;
  const n = neg ? -num : num;
  let shift = prec - (bitLength(n) - bitLength(den));
  let [a, b] = shift >= 0 ? [n << BigInt(shift), den] : [n, den << BigInt(-shift)];
  let q = a / b;
  // The quotient has prec or prec+1 bits; take one more step down when it is long.
  if (bitLength(q) > prec) {
    shift--;
    [a, b] = shift >= 0 ? [n << BigInt(shift), den] : [n, den << BigInt(-shift)];
    q = a / b;
  }
  const r2 = (a % b) * 2n;
  if (r2 > b || (r2 === b && (q & 1n) === 1n)) q++;
  return { m: neg ? -q : q, e: -shift };
}

/** Rounds a binary float's mantissa to `prec` bits. */
function roundBin(x: BinFloat, prec: number): BinFloat {
  const bits = bitLength(x.m);
  if (bits <= prec) return x;
  const drop = BigInt(bits - prec);
  const neg = x.m < 0n;
  const m = neg ? -x.m : x.m;
  let q = m >> drop;
  const rest = m - (q << drop);
  const half = 1n << (drop - 1n);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
  return { m: neg ? -q : q, e: x.e + Number(drop) };
}

export const roundRat = (r: Rat, prec = 64): BinFloat => roundQuotient(r.num, r.den, prec);

const cache = new Map<number, BinFloat>();

/** A number as big.Float(64).SetString reads its text; floats repeat in policies, so readings are memoized. */
export function readFloat(n: RNumber): BinFloat {
  if (typeof n === 'bigint') return roundBin({ m: n, e: 0 }, 64);
  let hit = cache.get(n);
  if (!hit) {
    hit = roundRat(decimal(n));
    if (cache.size >= 4096) cache.clear();
    cache.set(n, hit);
  }
  return hit;
}

export function addBin(x: BinFloat, y: BinFloat, prec = 64): BinFloat {
  if (x.m === 0n) return y;
  if (y.m === 0n) return x;
  const e = Math.min(x.e, y.e);
  const m = (x.m << BigInt(x.e - e)) + (y.m << BigInt(y.e - e));
  return roundBin({ m, e }, prec);
}

export const negBin = (x: BinFloat): BinFloat => ({ m: -x.m, e: x.e });
export const mulBin = (x: BinFloat, y: BinFloat, prec = 64): BinFloat => roundBin({ m: x.m * y.m, e: x.e + y.e }, prec);

export function divBin(x: BinFloat, y: BinFloat, prec = 64): BinFloat {
  const q = roundQuotient(x.m, y.m < 0n ? -y.m : y.m, prec);
  return { m: y.m < 0n ? -q.m : q.m, e: q.e + x.e - y.e };
}

/** The float64 nearest to a binary float. */
export function toNumber(x: BinFloat): number {
  if (x.m === 0n) return 0;
  const r = roundBin(x, 53);
  // Scaling in two steps keeps 2^e finite where the product itself is representable.
  const half = Math.trunc(r.e / 2);
  return Number(r.m) * 2 ** half * 2 ** (r.e - half);
}

/** The float64 nearest to an exact rational. */
export const ratToNumber = (r: Rat): number => toNumber(roundRat(r, 53));
