/**
 * units.parse (SI and binary suffixes, milli included) and units.parse_bytes, computed exactly: the amount is read
 * as a decimal (mantissa × 10^exponent) so that "128Gi" or "10ei" keep every digit.
 */
import { BuiltinError } from './errors.js';
import { NUMBER, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { normalizeInt, type RNumber } from '../values.js';

const DECIMAL: Record<string, number> = { '': 0, k: 3, m: 6, g: 9, t: 12, p: 15, e: 18 };
const BINARY: Record<string, number> = { ki: 10, mi: 20, gi: 30, ti: 40, pi: 50, ei: 60 };
const MAX_EXPONENT = 1000;

function decimal(text: string, what: string): { mantissa: bigint; exp: number } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (!m[2] && !m[3])) throw new BuiltinError(`could not parse ${what} to a number`);
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  if (Math.abs(exp) > MAX_EXPONENT) throw new BuiltinError('exponent too large');
  return { mantissa: BigInt((m[1] === '-' ? '-' : '') + (digits || '0')), exp };
}

/** mantissa × 10^exp × 2^bits, exact when it is an integer. */
function scale(mantissa: bigint, exp: number, bits: number, truncate: boolean): RNumber {
  let n = mantissa << BigInt(bits);
  if (exp >= 0) return normalizeInt(n * 10n ** BigInt(exp));
  const d = 10n ** BigInt(-exp);
  if (n % d === 0n || truncate) return normalizeInt(n / d);
  return Number(n) / Number(d);
}

function parse(raw: string, bytes: boolean): RNumber {
  const what = bytes ? 'byte amount' : 'amount';
  const s = raw.replace(/^"(.*)"$/, '$1');
  if (/\s/.test(s)) throw new BuiltinError('spaces not allowed in resource strings');
  const m = /^([0-9.eE+-]*?)([a-zA-Z]*)$/.exec(s.replace(/^([0-9.]+[eE][+-]?\d+)/, '$1'));
  let num = m?.[1] ?? '';
  let unit = m?.[2] ?? '';
  // "5e2MiB": the exponent belongs to the number; "5E" alone is the exa suffix.
  const exp = /^([0-9.]+[eE][+-]?\d+)(.*)$/.exec(s);
  if (exp && /[0-9]$/.test(exp[1]!)) [num, unit] = [exp[1]!, exp[2]!];
  if (!num) throw new BuiltinError(`no ${what} provided`);
  const { mantissa, exp: e } = decimal(num, what);
  const u = bytes ? unit.toLowerCase().replace(/b$/, '') : unit;
  if (!bytes && u === 'm') return scale(mantissa, e - 3, 0, false);
  const lower = u.toLowerCase();
  if (lower in BINARY) return scale(mantissa, e, BINARY[lower]!, bytes);
  const key = bytes ? lower : u === 'K' ? 'k' : u.length === 1 && u !== 'k' ? u.toLowerCase() : u;
  if (key in DECIMAL && (bytes || u === '' || u === 'k' || u === 'K' || /^[MGTPE]$/.test(u))) return scale(mantissa, e + DECIMAL[key]!, 0, bytes);
  throw new BuiltinError(`${bytes ? 'byte ' : ''}unit ${unit} not recognized`);
}

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'units.parse', args: [arg('x', STRING)], result: NUMBER, categories: ['units'] }, impl: (a) => parse(stringOperand(a, 1), false) },
  { decl: { name: 'units.parse_bytes', args: [arg('x', STRING)], result: NUMBER, categories: ['units'] }, impl: (a) => parse(stringOperand(a, 1), true) },
];
