/**
 * time.* over integer nanoseconds since the epoch (bigint), in UTC or an IANA zone given as [ns, "Zone/Name"].
 */
import { BuiltinError, operandTypeError } from './errors.js';
import { NUMBER, STRING, arg, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { isArray, isNumber, normalizeInt, type Value } from '../values.js';

const NS_PER_MS = 1_000_000n;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function nsOperand(v: Value, pos: number): { ns: bigint; zone: string } {
  let x = v;
  let zone = 'UTC';
  if (isArray(v)) {
    x = v[0]!;
    if (typeof v[1] === 'string' && v[1] !== '') zone = v[1] === 'Local' ? 'UTC' : v[1];
  }
  if (!isNumber(x)) throw operandTypeError(pos, 'number or array', v);
  return { ns: typeof x === 'bigint' ? x : BigInt(Math.trunc(x)), zone };
}

/** Calendar fields of an instant in a zone. */
function fields(ns: bigint, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number } {
  const ms = Number(ns / NS_PER_MS) - (ns < 0n && ns % NS_PER_MS !== 0n ? 1 : 0);
  if (zone === 'UTC') {
    const t = new Date(ms);
    return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(), wd: t.getUTCDay() };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'long' });
  } catch {
    throw new BuiltinError(`unknown time zone ${zone}`);
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), mo: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), mi: Number(parts.minute), s: Number(parts.second), wd: WEEKDAYS.indexOf(parts.weekday!) };
}

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

function parseDuration(s: string): bigint {
  const m = /^([+-]?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(s);
  if (!m) throw new BuiltinError(`time: invalid duration "${s}"`);
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * Number(DURATION_UNITS[part[2]!]);
  return BigInt(Math.round(m[1] === '-' ? -total : total));
}

function rfc3339(s: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new BuiltinError(`parsing time "${s}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const base = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  let offsetMs = 0;
  if (m[8] && m[8].toUpperCase() !== 'Z') offsetMs = (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) * 60_000;
  return BigInt(base - offsetMs) * NS_PER_MS + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
}

export const builtins: readonly BuiltinDef[] = [
  { decl: { name: 'time.parse_rfc3339_ns', args: [arg('value', STRING)], result: NUMBER, categories: ['time'] }, impl: (a) => normalizeInt(rfc3339(stringOperand(a, 1))) },
  { decl: { name: 'time.parse_duration_ns', args: [arg('duration', STRING)], result: NUMBER, categories: ['time'] }, impl: (a) => normalizeInt(parseDuration(stringOperand(a, 1))) },
  {
    decl: { name: 'time.date', args: [arg('x')], result: { kind: 'array' }, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = nsOperand(x!, 1);
      const f = fields(ns, zone);
      return [f.y, f.mo, f.d];
    },
  },
  {
    decl: { name: 'time.clock', args: [arg('x')], result: { kind: 'array' }, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = nsOperand(x!, 1);
      const f = fields(ns, zone);
      return [f.h, f.mi, f.s];
    },
  },
  {
    decl: { name: 'time.weekday', args: [arg('x')], result: STRING, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = nsOperand(x!, 1);
      return WEEKDAYS[fields(ns, zone).wd]!;
    },
  },
  {
    decl: { name: 'time.add_date', args: [arg('ns', NUMBER), arg('years', NUMBER), arg('months', NUMBER), arg('days', NUMBER)], result: NUMBER, categories: ['time'] },
    impl: ([x, y, mo, d]) => {
      const { ns } = nsOperand(x!, 1);
      const sub = ((ns % NS_PER_MS) + NS_PER_MS) % NS_PER_MS;
      const t = new Date(Number((ns - sub) / NS_PER_MS));
      const out = Date.UTC(t.getUTCFullYear() + Number(y), t.getUTCMonth() + Number(mo), t.getUTCDate() + Number(d), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
      if (!Number.isFinite(out)) throw new BuiltinError('time outside of valid range');
      return normalizeInt(BigInt(out) * NS_PER_MS + sub);
    },
  },
  {
    decl: { name: 'time.diff', args: [arg('ns1'), arg('ns2')], result: { kind: 'array' }, categories: ['time'] },
    impl: ([a, b]) => {
      let x = nsOperand(a!, 1).ns;
      let y = nsOperand(b!, 2).ns;
      if (x > y) [x, y] = [y, x];
      const f1 = fields(x, 'UTC');
      const f2 = fields(y, 'UTC');
      let [yy, mo, d, h, mi, s] = [f2.y - f1.y, f2.mo - f1.mo, f2.d - f1.d, f2.h - f1.h, f2.mi - f1.mi, f2.s - f1.s];
      if (s < 0) [s, mi] = [s + 60, mi - 1];
      if (mi < 0) [mi, h] = [mi + 60, h - 1];
      if (h < 0) [h, d] = [h + 24, d - 1];
      if (d < 0) [d, mo] = [d + new Date(Date.UTC(f2.y, f2.mo - 1, 0)).getUTCDate(), mo - 1];
      if (mo < 0) [mo, yy] = [mo + 12, yy - 1];
      return [yy, mo, d, h, mi, s];
    },
  },
  {
    decl: { name: 'time.format', args: [arg('x')], result: STRING, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = nsOperand(x!, 1);
      if (zone !== 'UTC') throw new BuiltinError('time.format supports UTC here');
      const sub = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
      const base = new Date(Number((ns - sub) / NS_PER_MS)).toISOString().slice(0, 19);
      const frac = sub ? '.' + sub.toString().padStart(9, '0').replace(/0+$/, '') : '';
      return `${base}${frac}Z`;
    },
  },
];
