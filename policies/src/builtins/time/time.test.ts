import { describe, expect, it } from 'vitest';
import { UTC, civil, fromCivil, loadZone } from './calendar.js';
import { parseDuration } from './duration.js';
import { formatTime, parseTime } from './layout.js';

const NS = 1670006453141828752n; // 2022-12-02T18:40:53.141828752Z

describe('Go layouts', () => {
  it('formats every element kind', () => {
    expect(formatTime(NS, UTC, 'Mon Jan _2 15:04:05.000 MST 2006')).toBe('Fri Dec  2 18:40:53.141 UTC 2022');
    expect(formatTime(NS, loadZone('America/Los_Angeles'), 'Monday, 02-Jan-06 3:04:05 PM -07:00')).toBe('Friday, 02-Dec-22 10:40:53 AM -08:00');
    expect(formatTime(NS, UTC, '002 __2 .999999 ,000 Z07:00')).toBe('336 336 .141828 ,141 Z');
    expect(formatTime(0n, loadZone('Europe/Paris'), 'MST')).toBe('CET');
  });

  it('parses as time.Parse does, with its error texts', () => {
    expect(parseTime('Jan 2 2006 3:04PM', 'feb 3 2020 1:30PM')).toBe(1580736600000000000n);
    expect(parseTime('2006-01-02T15:04:05Z07:00', '2020-01-01T00:00:00.5+01:00')).toBe(1577833200500000000n);
    expect(() => parseTime('2006-01-02', '2020-02-30')).toThrow('parsing time "2020-02-30": day out of range');
    expect(() => parseTime('2006-01-02', '2020-01-01x')).toThrow('extra text: "x"');
    expect(() => parseTime('2006-01-02', '20-01-01')).toThrow('cannot parse "20-01-01" as "2006"');
  });
});

describe('calendar', () => {
  it('normalizes overflowing fields like time.Date', () => {
    expect(fromCivil(2020, 13, 32, 0, 0, 0, 0, UTC)).toBe(fromCivil(2021, 2, 1, 0, 0, 0, 0, UTC));
    expect(civil(-1n, UTC)).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, second: 59, nanos: 999999999, weekday: 3 });
  });

  it('resolves DST gaps the way Go does', () => {
    const ny = loadZone('America/New_York');
    // 02:30 does not exist on 2021-03-14 in New York: Go reads it with the later offset (EDT), i.e. 06:30Z.
    expect(formatTime(fromCivil(2021, 3, 14, 2, 30, 0, 0, ny), ny, '15:04 MST')).toBe('01:30 EST');
  });
});

describe('durations', () => {
  it('sums exactly within int64 and reports Go errors', () => {
    expect(parseDuration('2562047h47m16.854775807s')).toBe(9223372036854775807n);
    expect(parseDuration('-1.5h')).toBe(-5400000000000n);
    expect(() => parseDuration('1')).toThrow('time: missing unit in duration "1"');
    expect(() => parseDuration('3d')).toThrow('time: unknown unit "d" in duration "3d"');
    expect(() => parseDuration('9223372036854775808ns')).toThrow('time: invalid duration');
  });
});
