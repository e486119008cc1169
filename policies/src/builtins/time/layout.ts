/**
 * Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): the chunking of time.nextStdChunk, Time.Format and
 * time.Parse, with Go's error texts.
 */
import { BuiltinError } from '../errors.js';
import { MONTHS, UTC, WEEKDAYS, civil, daysIn, fromCivil, splitNs, zoneAbbrev, type Zone } from './calendar.js';

/** The layout names OPA accepts in place of a layout (acceptedTimeFormats). */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

type Std =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth' | 'LongWeekDay' | 'WeekDay' | 'Day' | 'UnderDay' | 'ZeroDay'
  | 'UnderYearDay' | 'ZeroYearDay' | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second'
  | 'ZeroSecond' | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ' | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ' | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ'
  | 'NumColonSecondsTZ' | 'FracSecond0' | 'FracSecond9';

interface Chunk {
  readonly prefix: string;
  readonly std?: Std;
  /** The layout text of the element, for error messages. */
  readonly text: string;
  /** Fractional seconds: digit count and separator. */
  readonly digits?: number;
  readonly sep?: string;
  readonly rest: string;
}

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const startsLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';

const ZERO_STD: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
const TZ_FORMS: [string, Std][] = [['07:00:00', 'NumColonSecondsTZ'], ['070000', 'NumSecondsTz'], ['07:00', 'NumColonTZ'], ['0700', 'NumTZ'], ['07', 'NumShortTZ']];
const ISO_OF: Partial<Record<Std, Std>> = { NumColonSecondsTZ: 'ISO8601ColonSecondsTZ', NumSecondsTz: 'ISO8601SecondsTZ', NumColonTZ: 'ISO8601ColonTZ', NumTZ: 'ISO8601TZ', NumShortTZ: 'ISO8601ShortTZ' };

/** The first layout element: the literal text before it, the element, and what follows. */
function nextChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    const at = (len: number, std: Std, skip = 0): Chunk => ({ prefix: layout.slice(0, i + skip), std, text: layout.slice(i + skip, i + len), rest: layout.slice(i + len) });
    const s = layout.slice(i);
    switch (layout[i]) {
      case 'J':
        if (s.startsWith('Jan')) {
          if (s.startsWith('January')) return at(7, 'LongMonth');
          if (!startsLower(s.slice(3))) return at(3, 'Month');
        }
        break;
      case 'M':
        if (s.startsWith('Mon')) {
          if (s.startsWith('Monday')) return at(6, 'LongWeekDay');
          if (!startsLower(s.slice(3))) return at(3, 'WeekDay');
        }
        if (s.startsWith('MST')) return at(3, 'TZ');
        break;
      case '0':
        if (s.length >= 2 && s[1]! >= '1' && s[1]! <= '6') return at(2, ZERO_STD[s.charCodeAt(1) - 49]!);
        if (s.startsWith('002')) return at(3, 'ZeroYearDay');
        break;
      case '1':
        return s.startsWith('15') ? at(2, 'Hour') : at(1, 'NumMonth');
      case '2':
        return s.startsWith('2006') ? at(4, 'LongYear') : at(1, 'Day');
      case '_':
        if (s.startsWith('_2')) return s.startsWith('_2006') ? at(5, 'LongYear', 1) : at(2, 'UnderDay');
        if (s.startsWith('__2')) return at(3, 'UnderYearDay');
        break;
      case '3':
        return at(1, 'Hour12');
      case '4':
        return at(1, 'Minute');
      case '5':
        return at(1, 'Second');
      case 'P':
        if (s.startsWith('PM')) return at(2, 'PM');
        break;
      case 'p':
        if (s.startsWith('pm')) return at(2, 'pm');
        break;
      case '-':
      case 'Z': {
        for (const [form, std] of TZ_FORMS) {
          if (s.startsWith(form, 1)) return at(1 + form.length, layout[i] === 'Z' ? ISO_OF[std]! : std);
        }
        break;
      }
      case '.':
      case ',': {
        const ch = s[1];
        if (ch === '0' || ch === '9') {
          let j = 1;
          while (s[j] === ch) j++;
          if (!isDigitAt(s, j)) return { prefix: layout.slice(0, i), std: ch === '0' ? 'FracSecond0' : 'FracSecond9', text: s.slice(0, j), digits: j - 1, sep: s[0]!, rest: s.slice(j) };
        }
        break;
      }
    }
  }
  return { prefix: layout, text: '', rest: '' };
}

const pad = (n: number, width: number, ch = '0'): string => {
  const s = String(Math.abs(n)).padStart(width, ch);
  return n < 0 ? '-' + s : s;
};

function formatOffset(offset: number, colon: boolean, withMinutes: boolean, withSeconds: boolean): string {
  const abs = Math.abs(offset);
  let out = (offset < 0 ? '-' : '+') + pad(Math.floor(abs / 3600), 2);
  if (withMinutes) out += (colon ? ':' : '') + pad(Math.floor(abs / 60) % 60, 2);
  if (withSeconds) out += (colon ? ':' : '') + pad(abs % 60, 2);
  return out;
}

/** Time.Format. */
export function formatTime(ns: bigint, zone: Zone, layout: string): string {
  const t = civil(ns, zone);
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const c = nextChunk(rest);
    out += c.prefix;
    rest = c.rest;
    if (!c.std) break;
    out += formatElement(c, t, () => zoneAbbrev(zone, splitNs(ns).sec, t.offset));
  }
  return out;
}

function formatElement(c: Chunk, t: ReturnType<typeof civil>, abbrev: () => string): string {
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  switch (c.std!) {
    case 'Year':
      return pad(((t.year % 100) + 100) % 100, 2);
    case 'LongYear':
      return pad(t.year, 4);
    case 'Month':
      return MONTHS[t.month - 1]!.slice(0, 3);
    case 'LongMonth':
      return MONTHS[t.month - 1]!;
    case 'NumMonth':
      return String(t.month);
    case 'ZeroMonth':
      return pad(t.month, 2);
    case 'WeekDay':
      return WEEKDAYS[t.weekday]!.slice(0, 3);
    case 'LongWeekDay':
      return WEEKDAYS[t.weekday]!;
    case 'Day':
      return String(t.day);
    case 'UnderDay':
      return pad(t.day, 2, ' ');
    case 'ZeroDay':
      return pad(t.day, 2);
    case 'UnderYearDay':
      return pad(t.yearDay, 3, ' ');
    case 'ZeroYearDay':
      return pad(t.yearDay, 3);
    case 'Hour':
      return pad(t.hour, 2);
    case 'Hour12':
      return String(hour12);
    case 'ZeroHour12':
      return pad(hour12, 2);
    case 'Minute':
      return String(t.minute);
    case 'ZeroMinute':
      return pad(t.minute, 2);
    case 'Second':
      return String(t.second);
    case 'ZeroSecond':
      return pad(t.second, 2);
    case 'PM':
      return t.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return t.hour >= 12 ? 'pm' : 'am';
    case 'ISO8601TZ':
    case 'ISO8601SecondsTZ':
    case 'ISO8601ShortTZ':
    case 'ISO8601ColonTZ':
    case 'ISO8601ColonSecondsTZ':
      if (t.offset === 0) return 'Z';
      return numericTZ(c.std!, t.offset);
    case 'NumTZ':
    case 'NumSecondsTz':
    case 'NumShortTZ':
    case 'NumColonTZ':
    case 'NumColonSecondsTZ':
      return numericTZ(c.std!, t.offset);
    case 'TZ':
      return abbrev();
    case 'FracSecond0':
      return c.sep! + pad(t.nanos, 9).slice(0, c.digits!);
    case 'FracSecond9': {
      const digits = pad(t.nanos, 9).slice(0, c.digits!).replace(/0+$/, '');
      return digits ? c.sep! + digits : '';
    }
  }
}

function numericTZ(std: Std, offset: number): string {
  const colon = std.includes('Colon');
  const seconds = std.includes('Seconds');
  return formatOffset(offset, colon, !std.includes('Short'), seconds);
}

const quote = (s: string): string => JSON.stringify(s);

class ParseFailure extends Error {}

/** A field that parsed but is out of range; Go names the field in the message. */
class RangeFailure extends Error {
  constructor(readonly field: string) {
    super(field);
  }
}

/** time.Parse. Values without a zone are UTC; the result is unix nanoseconds (range unchecked). */
export function parseTime(layout: string, value: string): bigint {
  const fail = (valueElem: string, layoutElem: string): never => {
    throw new BuiltinError(`parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`);
  };
  const failMsg = (message: string): never => {
    throw new BuiltinError(`parsing time ${quote(value)}${message}`);
  };
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let pm: boolean | undefined;
  let zone: Zone | undefined;
  let offset: number | undefined;
  let zoneName = '';
  let rest = layout;
  let v = value;
  for (;;) {
    const c = nextChunk(rest);
    const after = skipPrefix(v, c.prefix);
    if (after === undefined) fail(v, c.prefix);
    v = after!;
    if (!c.std) {
      if (v.length > 0) failMsg(`: extra text: ${quote(v)}`);
      break;
    }
    rest = c.rest;
    const hold = v;
    let range = '';
    try {
      switch (c.std) {
        case 'Year': {
          const p = fixedDigits(v, 2);
          year = p >= 69 ? 1900 + p : 2000 + p;
          v = v.slice(2);
          break;
        }
        case 'LongYear':
          year = fixedDigits(v, 4);
          v = v.slice(4);
          break;
        case 'Month':
        case 'LongMonth':
          [month, v] = lookupName(v, MONTHS, c.std === 'Month');
          month++;
          break;
        case 'NumMonth':
        case 'ZeroMonth':
          [month, v] = getNum(v, c.std === 'ZeroMonth', 2);
          if (month <= 0 || month > 12) range = 'month';
          break;
        case 'WeekDay':
        case 'LongWeekDay':
          v = lookupName(v, WEEKDAYS, c.std === 'WeekDay')[1];
          break;
        case 'Day':
        case 'UnderDay':
        case 'ZeroDay':
          if (c.std === 'UnderDay' && v[0] === ' ') v = v.slice(1);
          [day, v] = getNum(v, c.std === 'ZeroDay', 2);
          break;
        case 'UnderYearDay':
        case 'ZeroYearDay':
          for (let i = 0; i < 2 && c.std === 'UnderYearDay' && v[0] === ' '; i++) v = v.slice(1);
          [yday, v] = getNum(v, c.std === 'ZeroYearDay', 3);
          if (yday < 1 || yday > 366) range = 'day-of-year';
          break;
        case 'Hour':
          [hour, v] = getNum(v, false, 2);
          if (hour < 0 || hour >= 24) range = 'hour';
          break;
        case 'Hour12':
        case 'ZeroHour12':
          [hour, v] = getNum(v, c.std === 'ZeroHour12', 2);
          if (hour < 0 || hour > 12) range = 'hour';
          break;
        case 'Minute':
        case 'ZeroMinute':
          [minute, v] = getNum(v, c.std === 'ZeroMinute', 2);
          if (minute < 0 || minute >= 60) range = 'minute';
          break;
        case 'Second':
        case 'ZeroSecond': {
          [second, v] = getNum(v, c.std === 'ZeroSecond', 2);
          if (second < 0 || second >= 60) {
            range = 'second';
            break;
          }
          // Go accepts a fractional second the layout does not mention, unless the layout's next element is one.
          const next = nextChunk(rest).std;
          if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1) && next !== 'FracSecond0' && next !== 'FracSecond9') {
            let n = 2;
            while (isDigitAt(v, n)) n++;
            nanos = parseNanos(v, n);
            v = v.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          const p = v.slice(0, 2);
          const [am, pmText] = c.std === 'PM' ? ['AM', 'PM'] : ['am', 'pm'];
          if (p === pmText) pm = true;
          else if (p === am) pm = false;
          else throw new ParseFailure();
          v = v.slice(2);
          break;
        }
        case 'TZ': {
          if (v.startsWith('UTC')) {
            zone = UTC;
            v = v.slice(3);
            break;
          }
          const n = timeZoneLength(v);
          if (n === 0) throw new ParseFailure();
          zoneName = v.slice(0, n);
          v = v.slice(n);
          break;
        }
        case 'FracSecond0': {
          const n = 1 + c.digits!;
          if (v.length < n) throw new ParseFailure();
          nanos = parseNanos(v, n);
          v = v.slice(n);
          break;
        }
        case 'FracSecond9': {
          if (v.length < 2 || (v[0] !== '.' && v[0] !== ',') || !isDigitAt(v, 1)) break;
          let i = 0;
          while (isDigitAt(v, i + 1)) i++;
          nanos = parseNanos(v, 1 + i);
          v = v.slice(1 + i);
          break;
        }
        default: {
          if (c.std.startsWith('ISO8601') && v[0] === 'Z') {
            v = v.slice(1);
            zone = UTC;
            break;
          }
          [offset, v] = parseOffset(v, c.std);
        }
      }
    } catch (e) {
      if (e instanceof ParseFailure) fail(hold, c.text);
      if (e instanceof RangeFailure) range = e.field;
      else throw e;
    }
    if (range) failMsg(`: ${range} out of range`);
  }
  if (pm === true && hour < 12) hour += 12;
  else if (pm === false && hour === 12) hour = 0;
  if (yday >= 0) {
    const fromYday = resolveYearDay(year, yday, month, day);
    if (!fromYday) failMsg(': day-of-year does not match ' + (month >= 0 && day >= 0 ? 'day' : 'month'));
    [month, day] = fromYday!;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) failMsg(': day out of range');
  if (zone) return fromCivil(year, month, day, hour, minute, second, nanos, zone);
  if (offset !== undefined) return fromCivil(year, month, day, hour, minute, second, nanos, UTC) - BigInt(offset) * 1_000_000_000n;
  // A zone abbreviation names no offset by itself (Go looks it up in the local zone, else assumes 0, or GMT±h).
  const gmt = /^GMT([+-]\d+)$/.exec(zoneName);
  const guessed = gmt ? Number(gmt[1]) * 3600 : 0;
  return fromCivil(year, month, day, hour, minute, second, nanos, UTC) - BigInt(guessed) * 1_000_000_000n;
}

function resolveYearDay(year: number, yday: number, month: number, day: number): [number, number] | undefined {
  let m = 1;
  let d = yday;
  while (m <= 12 && d > daysIn(m, year)) d -= daysIn(m++, year);
  if (m > 12) return undefined;
  if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) return undefined;
  return [m, d];
}

/** Go's skip: literal text must match, with runs of spaces in the layout matching runs of spaces in the value. */
function skipPrefix(value: string, prefix: string): string | undefined {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') return undefined;
      p = p.replace(/^ +/, '');
      v = v.replace(/^ +/, '');
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) return undefined;
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

function fixedDigits(v: string, n: number): number {
  if (v.length < n) throw new ParseFailure();
  for (let i = 0; i < n; i++) if (!isDigitAt(v, i)) throw new ParseFailure();
  return Number(v.slice(0, n));
}

/** Go's getnum/getnum3: up to `max` digits; `fixed` demands all of them. */
function getNum(v: string, fixed: boolean, max: number): [number, string] {
  let n = 0;
  while (n < max && isDigitAt(v, n)) n++;
  if (n === 0 || (fixed && n < max)) throw new ParseFailure();
  return [Number(v.slice(0, n)), v.slice(n)];
}

function lookupName(v: string, names: readonly string[], short: boolean): [number, string] {
  for (let i = 0; i < names.length; i++) {
    const name = short ? names[i]!.slice(0, 3) : names[i]!;
    if (v.length >= name.length && v.slice(0, name.length).toLowerCase() === name.toLowerCase()) return [i, v.slice(name.length)];
  }
  throw new ParseFailure();
}

function parseNanos(v: string, n: number): number {
  if (v[0] !== '.' && v[0] !== ',') throw new ParseFailure();
  const digits = v.slice(1, Math.min(n, 10));
  if (!/^\d+$/.test(digits)) throw new ParseFailure();
  return Number(digits.padEnd(9, '0'));
}

/** Numeric offsets: ±hh, ±hhmm, ±hh:mm, ±hhmmss, ±hh:mm:ss per the element. */
function parseOffset(v: string, std: Std): [number, string] {
  const colon = std.includes('Colon');
  const shape = std.includes('Short') ? 'hh' : std.includes('Seconds') ? (colon ? 'hh:mm:ss' : 'hhmmss') : colon ? 'hh:mm' : 'hhmm';
  const len = 1 + shape.length;
  if (v.length < len || (v[0] !== '+' && v[0] !== '-')) throw new ParseFailure();
  const body = v.slice(1, len);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === ':' ? body[i] !== ':' : !isDigitAt(body, i)) throw new ParseFailure();
  }
  const nums = body.split(':').join('').match(/\d\d/g)!.map(Number);
  const [hh, mm = 0, ss = 0] = nums;
  if (hh! > 24) throw new RangeFailure('time zone offset hour');
  if (mm > 60) throw new RangeFailure('time zone offset minute');
  if (ss > 60) throw new RangeFailure('time zone offset second');
  const sign = v[0] === '-' ? -1 : 1;
  return [sign * ((hh! * 60 + mm) * 60 + ss), v.slice(len)];
}

/** Go's parseTimeZone: length of a zone abbreviation at the start of v, or 0. */
function timeZoneLength(v: string): number {
  if (v.length < 3) return 0;
  if (v.startsWith('ChST') || v.startsWith('MeST')) return 4;
  if (v.startsWith('GMT')) {
    const m = /^GMT([+-]\d{1,2})?/.exec(v)!;
    if (m[1] && Math.abs(Number(m[1])) > 23) return 3;
    return m[0].length;
  }
  if (v[0] === '+' || v[0] === '-') {
    const m = /^[+-](\d\d)(\d\d)?/.exec(v);
    return m ? m[0].length : 0;
  }
  let n = 0;
  while (n < 6 && n < v.length && v[n]! >= 'A' && v[n]! <= 'Z') n++;
  if (n === 3) return 3;
  if (n === 4 && (v[3] === 'T' || v.startsWith('WITA'))) return 4;
  if (n === 5 && v[4] === 'T') return 5;
  return 0;
}
