/**
 * time.* as OPA computes them: instants are int64 nanoseconds since the epoch, given either as a number or as
 * [ns, "Zone/Name"] (plus a layout for time.format); calendars, layouts and durations follow Go's `time` package.
 */
import { BuiltinError, operandTypeError } from './errors.js';
import { NUMBER, STRING, arg, intOperand, stringOperand } from './operands.js';
import type { BuiltinDef } from './types.js';
import { MAX_NS, MIN_NS, UTC, WEEKDAYS, checkRange, civil, daysIn, fromCivil, loadZone, type Zone } from './time/calendar.js';
import { parseDuration } from './time/duration.js';
import { NAMED_LAYOUTS, formatTime, parseTime } from './time/layout.js';
import { isArray, isNumber, normalizeInt, type Value } from '../values.js';

const TIME_OPERAND = 'either number (ns) or [number (ns), string (tz)]';

/** OPA's tzTime: the instant, its zone and an optional layout. */
function tzTime(v: Value): { ns: bigint; zone: Zone; layout: string } {
  let n: Value = v;
  let zone = UTC;
  let layout = '';
  if (isArray(v)) {
    if (v.length === 0) throw operandTypeError(1, TIME_OPERAND, v);
    n = v[0]!;
    if (!isNumber(n)) throw operandTypeError(1, 'number', n);
    if (v.length > 1) {
      if (typeof v[1] !== 'string') throw operandTypeError(1, 'string', v[1]!);
      zone = loadZone(v[1]);
    }
    if (v.length > 2) {
      if (typeof v[2] !== 'string') throw operandTypeError(1, 'string', v[2]!);
      layout = v[2];
    }
  } else if (!isNumber(n)) throw operandTypeError(1, TIME_OPERAND, v);
  return { ns: exactInt64(n as number | bigint), zone, layout };
}

/** OPA converts the number to a float and demands an exact int64 of it. */
function exactInt64(n: number | bigint): bigint {
  if (typeof n === 'number' && !Number.isInteger(n)) throw new BuiltinError('timestamp too big');
  const i = BigInt(n);
  if (i < MIN_NS || i > MAX_NS) throw new BuiltinError('timestamp too big');
  return i;
}

const nsResult = (ns: bigint): Value => normalizeInt(checkRange(ns));
const TIME_ARG = arg('x');

export const builtins: readonly BuiltinDef[] = [
  {
    decl: { name: 'time.now_ns', args: [], result: NUMBER, nondeterministic: true, categories: ['time'] },
    impl: (_a, ctx) => normalizeInt(ctx.nowNs),
  },
  { decl: { name: 'time.parse_rfc3339_ns', args: [arg('value', STRING)], result: NUMBER, categories: ['time'] }, impl: (a) => nsResult(parseTime(NAMED_LAYOUTS.RFC3339!, stringOperand(a, 1))) },
  {
    decl: { name: 'time.parse_ns', args: [arg('layout', STRING), arg('value', STRING)], result: NUMBER, categories: ['time'] },
    impl: (a) => {
      const layout = stringOperand(a, 1);
      const value = stringOperand(a, 2);
      return nsResult(parseTime(NAMED_LAYOUTS[layout] ?? layout, value));
    },
  },
  { decl: { name: 'time.parse_duration_ns', args: [arg('duration', STRING)], result: NUMBER, categories: ['time'] }, impl: (a) => normalizeInt(parseDuration(stringOperand(a, 1))) },
  {
    decl: { name: 'time.format', args: [TIME_ARG], result: STRING, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone, layout } = tzTime(x!);
      return formatTime(ns, zone, layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[layout] ?? layout));
    },
  },
  {
    decl: { name: 'time.date', args: [TIME_ARG], result: { kind: 'array' }, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = tzTime(x!);
      const t = civil(ns, zone);
      return [t.year, t.month, t.day];
    },
  },
  {
    decl: { name: 'time.clock', args: [TIME_ARG], result: { kind: 'array' }, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = tzTime(x!);
      const t = civil(ns, zone);
      return [t.hour, t.minute, t.second];
    },
  },
  {
    decl: { name: 'time.weekday', args: [TIME_ARG], result: STRING, categories: ['time'] },
    impl: ([x]) => {
      const { ns, zone } = tzTime(x!);
      return WEEKDAYS[civil(ns, zone).weekday]!;
    },
  },
  {
    decl: { name: 'time.add_date', args: [TIME_ARG, arg('years', NUMBER), arg('months', NUMBER), arg('days', NUMBER)], result: NUMBER, categories: ['time'] },
    impl: (a) => {
      const { ns, zone } = tzTime(a[0]!);
      const [years, months, days] = [intOperand(a, 2), intOperand(a, 3), intOperand(a, 4)];
      const t = civil(ns, zone);
      return nsResult(fromCivil(t.year + years, t.month + months, t.day + days, t.hour, t.minute, t.second, t.nanos, zone));
    },
  },
  {
    decl: { name: 'time.diff', args: [arg('ns1'), arg('ns2')], result: { kind: 'array' }, categories: ['time'] },
    impl: ([a, b]) => {
      const first = tzTime(a!);
      let x = first.ns;
      let y = tzTime(b!).ns;
      if (x > y) [x, y] = [y, x];
      // Both instants are read in the first operand's zone.
      const t1 = civil(x, first.zone);
      const t2 = civil(y, first.zone);
      let [year, month, day, hour, min, sec] = [t2.year - t1.year, t2.month - t1.month, t2.day - t1.day, t2.hour - t1.hour, t2.minute - t1.minute, t2.second - t1.second];
      if (sec < 0) [sec, min] = [sec + 60, min - 1];
      if (min < 0) [min, hour] = [min + 60, hour - 1];
      if (hour < 0) [hour, day] = [hour + 24, day - 1];
      if (day < 0) [day, month] = [day + daysIn(t1.month, t1.year), month - 1];
      if (month < 0) [month, year] = [month + 12, year - 1];
      return [year, month, day, hour, min, sec];
    },
  },
];
