/**
 * units.parse and units.parse_bytes as OPA computes them: units.parse multiplies exact rationals (an integer result
 * stays exact, anything else is rounded to 10 decimals); units.parse_bytes multiplies Go big.Floats of 64-bit
 * precision and truncates to an integer.
 */
import { BuiltinError } from './errors.js';
import { NUMBER, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { mulBin, roundRat } from './bigfloat.js';
import { normalizeInt, type RNumber } from '../values.js';

const K = 1000n;
const SI: Record<string, bigint> = { k: K, m: K ** 2n, g: K ** 3n, t: K ** 4n, p: K ** 5n, e: K ** 6n };
const BINARY: Record<string, bigint> = { ki: 1n << 10n, mi: 1n << 20n, gi: 1n << 30n, ti: 1n << 40n, pi: 1n << 50n, ei: 1n << 60n };
const MAX_EXPONENT_DIGITS = 6;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** OPA's extractNumAndUnit: the leading number (digits, '.', and an exponent when one follows 'e') and the rest. */
function splitNumber(s: string): { num: string; unit: string } | 'exponent too large' {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') return { num: s.slice(0, i), unit: s.slice(i) };
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (!isDigit(next) && next !== '+' && next !== '-') return { num: s.slice(0, i), unit: s.slice(i) };
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) return 'exponent too large';
    }
  }
  return { num: s, unit: '' };
}

/** A decimal literal (Go's big.Rat / big.Float SetString of what splitNumber lets through) as num/den. */
function rational(text: string): { num: bigint; den: bigint } | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  let num = BigInt((m[2] ?? '') + frac || '0');
  if (m[1] === '-') num = -num;
  return exp >= 0 ? { num: num * 10n ** BigInt(exp), den: 1n } : { num, den: 10n ** BigInt(-exp) };
}

/** Rat.FloatString(10): ten decimals, the last rounded half away from zero. */
function tenDecimals(num: bigint, den: bigint): number {
  const neg = num < 0n !== den < 0n;
  const a = (num < 0n ? -num : num) * 10n ** 10n;
  const b = den < 0n ? -den : den;
  let q = a / b;
  if ((a % b) * 2n >= b) q++;
  const digits = q.toString().padStart(11, '0');
  return Number(`${neg ? '-' : ''}${digits.slice(0, -10)}.${digits.slice(-10)}`);
}

function parseUnits(raw: string): RNumber {
  const fail = (msg: string) => new BuiltinError(`units.parse: ${msg}`);
  const s = raw.replaceAll('"', '');
  if (s.includes(' ')) throw fail('spaces not allowed in resource strings');
  const split = splitNumber(s);
  if (split === 'exponent too large') throw fail(split);
  if (split.num === '') throw fail('no amount provided');
  // Only letters after the first are case-insensitive, so that milli (m) and mega (M) differ.
  const unit = split.unit.length > 1 ? split.unit[0] + split.unit.slice(1).toLowerCase() : split.unit;
  let factor: { num: bigint; den: bigint };
  if (unit === 'm') factor = { num: 1n, den: 1000n };
  else if (unit === '') factor = { num: 1n, den: 1n };
  else if (unit === 'M') factor = { num: SI.m!, den: 1n };
  else if (unit.length === 1 && unit.toLowerCase() in SI) factor = { num: SI[unit.toLowerCase()]!, den: 1n };
  else if (unit.length === 2 && unit.toLowerCase() in BINARY) factor = { num: BINARY[unit.toLowerCase()]!, den: 1n };
  else throw fail(`unit ${unit} not recognized`);
  const x = rational(split.num);
  if (!x) throw fail('could not parse amount to a number');
  const num = x.num * factor.num;
  const den = x.den * factor.den;
  if (num % den === 0n) return normalizeInt(num / den);
  return tenDecimals(num, den);
}

function parseBytes(raw: string): RNumber {
  const fail = (msg: string) => new BuiltinError(`units.parse_bytes: ${msg}`);
  const s = raw.toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw fail('spaces not allowed in resource strings');
  const split = splitNumber(s);
  if (split === 'exponent too large') throw fail(split);
  if (split.num === '') throw fail('no byte amount provided');
  const u = split.unit;
  const bare = u.endsWith('b') && u.length > 1 ? u.slice(0, -1) : u;
  let factor: bigint;
  if (u === '') factor = 1n;
  else if (bare.length === 1 && bare in SI) factor = SI[bare]!;
  else if (bare.length === 2 && bare in BINARY) factor = BINARY[bare]!;
  else throw fail(`byte unit ${u} not recognized`);
  const x = rational(split.num);
  if (!x) throw fail('could not parse byte amount to a number');
  const product = mulBin(roundRat(x), { m: factor, e: 0 });
  // big.Float.Int truncates toward zero.
  return normalizeInt(product.e >= 0 ? product.m << BigInt(product.e) : product.m / (1n << BigInt(-product.e)));
}

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'units.parse', args: [arg('x', STRING)], result: NUMBER, categories: ['units'] }, impl: (a) => parseUnits(stringOperand(a, 1)) },
  { decl: { name: 'units.parse_bytes', args: [arg('x', STRING)], result: NUMBER, categories: ['units'] }, impl: (a) => parseBytes(stringOperand(a, 1)) },
];
