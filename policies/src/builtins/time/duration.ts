/**
 * Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` summed exactly in int64 nanoseconds, with Go's errors.
 */
import { BuiltinError } from '../errors.js';

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const LIMIT = 2n ** 63n;
const FRACTION_LIMIT = (2n ** 63n - 1n) / 10n;

export function parseDuration(text: string): bigint {
  const invalid = () => new BuiltinError(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!/^[0-9.]/.test(s)) throw invalid();
    const int = /^\d*/.exec(s)![0];
    s = s.slice(int.length);
    const whole = BigInt(int || '0');
    if (whole >= LIMIT) throw invalid();
    let frac = 0n;
    let scale = 1;
    let fracDigits = '';
    if (s[0] === '.') {
      fracDigits = /^\d*/.exec(s.slice(1))![0];
      s = s.slice(1 + fracDigits.length);
      // Like Go, digits past int64 precision are consumed but ignored.
      for (const d of fracDigits) {
        if (frac > FRACTION_LIMIT) break;
        frac = frac * 10n + BigInt(d);
        scale *= 10;
      }
    }
    if (int === '' && fracDigits === '') throw invalid();
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new BuiltinError(`time: missing unit in duration ${JSON.stringify(text)}`);
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined) throw new BuiltinError(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`);
    if (whole > LIMIT / unit) throw invalid();
    // Go scales the fraction in float64; doing the same keeps rounding identical.
    const v = whole * unit + (frac > 0n ? BigInt(Math.trunc(Number(frac) * (Number(unit) / scale))) : 0n);
    if (v > LIMIT) throw invalid();
    total += v;
    if (total > LIMIT) throw invalid();
  }
  if (neg) return -total;
  if (total > LIMIT - 1n) throw invalid();
  return total;
}
