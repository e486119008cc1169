/**
 * Civil time as Go's `time` package computes it: an instant is integer nanoseconds since the epoch (bigint, the
 * int64 range OPA allows), shown in a zone whose offset comes from the platform's IANA data (Intl).
 */
import { BuiltinError } from '../errors.js';

export const NS_PER_SEC = 1_000_000_000n;
export const MIN_NS = -(2n ** 63n);
export const MAX_NS = 2n ** 63n - 1n;

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A zone: UTC, a fixed offset (from a parsed value), or an IANA name. */
export type Zone = { kind: 'utc' } | { kind: 'fixed'; name: string; offset: number } | { kind: 'iana'; name: string };
export const UTC: Zone = { kind: 'utc' };

export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  yearDay: number;
  /** Seconds east of UTC. */
  offset: number;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const mod = (a: number, b: number): number => ((a % b) + b) % b;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12, day may overflow), per Hinnant's algorithm. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - floorDiv(153 * mp + 2, 5) + 1 };
}

export const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

export function daysIn(month: number, year: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(name: string): Intl.DateTimeFormat {
  let f = formatters.get(name);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', era: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new BuiltinError(`unknown time zone ${name}`);
    }
    formatters.set(name, f);
  }
  return f;
}

/** Go's time.LoadLocation, for the names tzTime accepts ("" and "UTC" are UTC; "Local" is the process zone). */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const iana = name === 'Local' ? new Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  if (iana === 'UTC') return UTC;
  // Intl accepts offsets and case variants that Go's tzdata lookup rejects.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(iana)) throw new BuiltinError(`unknown time zone ${name}`);
  formatter(iana);
  return { kind: 'iana', name: iana };
}

/** Intl's range is ±8.64e15 ms; instants beyond it are outside OPA's int64 range anyway, so UTC serves for them. */
const INTL_LIMIT_SEC = 8.64e12 - 86400 * 2;

function ianaOffset(name: string, unixSec: number): number {
  if (Math.abs(unixSec) > INTL_LIMIT_SEC) return 0;
  const parts = formatter(name).formatToParts(new Date(unixSec * 1000));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  let year = Number(get('year'));
  if (get('era') === 'BC' || get('era') === 'B') year = 1 - year;
  const local = daysFromCivil(year, Number(get('month')), Number(get('day'))) * 86400 + Number(get('hour')) * 3600 + Number(get('minute')) * 60 + Number(get('second'));
  return local - unixSec;
}

export function zoneOffset(zone: Zone, unixSec: number): number {
  switch (zone.kind) {
    case 'utc':
      return 0;
    case 'fixed':
      return zone.offset;
    case 'iana':
      return ianaOffset(zone.name, unixSec);
  }
}

/**
 * ICU's English locales each know a different subset of tzdata's abbreviations (en-GB has CET, en-IN has IST, …);
 * the first alphabetic one found is what Go would print.
 */
const ABBREV_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-NZ', 'en-CA', 'en-IE', 'en-ZA', 'en-SG'];
const abbrevFormatters = new Map<string, Intl.DateTimeFormat[]>();

/** The zone abbreviation for the `MST` layout element; tzdata's numeric form (-03, +0530) when none is known. */
export function zoneAbbrev(zone: Zone, unixSec: number, offset: number): string {
  if (zone.kind === 'utc') return 'UTC';
  if (zone.kind === 'fixed') return zone.name;
  if (Math.abs(unixSec) <= INTL_LIMIT_SEC) {
    let fmts = abbrevFormatters.get(zone.name);
    if (!fmts) {
      fmts = ABBREV_LOCALES.map((loc) => new Intl.DateTimeFormat(loc, { timeZone: zone.name, timeZoneName: 'short' }));
      abbrevFormatters.set(zone.name, fmts);
    }
    for (const f of fmts) {
      const name = f.formatToParts(new Date(unixSec * 1000)).find((p) => p.type === 'timeZoneName')?.value ?? '';
      if (/^[A-Z]{3,5}$/.test(name)) return name;
    }
  }
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = Math.floor(abs / 60) % 60;
  return (offset < 0 ? '-' : '+') + hh + (mm ? String(mm).padStart(2, '0') : '');
}

export function splitNs(ns: bigint): { sec: number; nanos: number } {
  let sec = ns / NS_PER_SEC;
  let nanos = ns % NS_PER_SEC;
  if (nanos < 0n) {
    nanos += NS_PER_SEC;
    sec -= 1n;
  }
  return { sec: Number(sec), nanos: Number(nanos) };
}

export function civil(ns: bigint, zone: Zone): Civil {
  const { sec, nanos } = splitNs(ns);
  const offset = zoneOffset(zone, sec);
  const local = sec + offset;
  const days = floorDiv(local, 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: floorDiv(secOfDay, 3600),
    minute: floorDiv(secOfDay % 3600, 60),
    second: secOfDay % 60,
    nanos,
    weekday: mod(days + 4, 7),
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
    offset,
  };
}

/**
 * Go's time.Date: fields may overflow (month 13, day 0, …) and are normalized; a local time that a zone
 * transition skips or repeats resolves as Go resolves it (offset looked up at the guess, then at the result).
 * Returns unix nanoseconds, possibly outside the int64 range (callers check).
 */
export function fromCivil(year: number, month: number, day: number, hour: number, minute: number, second: number, nanos: number, zone: Zone): bigint {
  const m0 = month - 1;
  const y = year + floorDiv(m0, 12);
  const days = daysFromCivil(y, mod(m0, 12) + 1, 1) + day - 1;
  const extraSec = floorDiv(nanos, 1e9);
  let unix = days * 86400 + hour * 3600 + minute * 60 + second + extraSec;
  const guess = zoneOffset(zone, unix);
  if (guess !== 0) unix -= zoneOffset(zone, unix - guess);
  if (!Number.isFinite(unix) || !Number.isSafeInteger(unix)) throw new BuiltinError('time outside of valid range');
  return BigInt(unix) * NS_PER_SEC + BigInt(mod(nanos, 1e9));
}

/** OPA's toSafeUnixNano. */
export function checkRange(ns: bigint): bigint {
  if (ns < MIN_NS || ns > MAX_NS) throw new BuiltinError('time outside of valid range');
  return ns;
}
