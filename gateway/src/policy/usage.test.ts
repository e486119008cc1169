import { describe, expect, it } from 'vitest';
import { UsageTracker } from './usage.js';

describe('usage figures', () => {
  it('count requests per minute and spend per UTC day, starting afresh at each', () => {
    const usage = new UsageTracker();
    const t = Date.UTC(2026, 11, 1, 23, 59, 30);
    usage.request(['key:a'], t);
    usage.request(['key:a'], t + 10_000);
    usage.spend(['key:a'], 500, t + 20_000);
    expect(usage.figures('key:a', t + 25_000)).toEqual({ spend_today_micros: 500, requests_today: 2, requests_this_minute: 2 });
    // 23:59:30 + 40 s is the next UTC day: a new minute and a new day.
    usage.request(['key:a'], t + 40_000);
    expect(usage.figures('key:a', t + 40_000)).toEqual({ spend_today_micros: 0, requests_today: 1, requests_this_minute: 1 });
    expect(usage.figures('key:b', t)).toEqual({ spend_today_micros: 0, requests_today: 0, requests_this_minute: 0 });
  });
});
