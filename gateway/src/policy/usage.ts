/**
 * Spend and request counts per key and team, today (UTC) and this minute, for the policy input. Kept in memory by
 * this process from the calls it records.
 */
interface Figures {
  /** Days since the epoch, UTC: a number to compare, where formatting a date string cost microseconds a call. */
  day: number;
  minute: number;
  spendTodayMicros: number;
  requestsToday: number;
  requestsThisMinute: number;
}

export interface UsageFigures {
  readonly spend_today_micros: number;
  readonly requests_today: number;
  readonly requests_this_minute: number;
}

export class UsageTracker {
  #figures = new Map<string, Figures>();

  #get(key: string, now: number): Figures {
    const day = Math.floor(now / 86_400_000);
    const minute = Math.floor(now / 60_000);
    let f = this.#figures.get(key);
    if (!f || f.day !== day) this.#figures.set(key, (f = { day, minute, spendTodayMicros: 0, requestsToday: 0, requestsThisMinute: 0 }));
    if (f.minute !== minute) {
      f.minute = minute;
      f.requestsThisMinute = 0;
    }
    return f;
  }

  /** Counts a call as it starts (rate limits see it at once). */
  request(scopes: readonly string[], now = Date.now()): void {
    for (const s of scopes) {
      const f = this.#get(s, now);
      f.requestsToday++;
      f.requestsThisMinute++;
    }
  }

  spend(scopes: readonly string[], micros: number, now = Date.now()): void {
    for (const s of scopes) this.#get(s, now).spendTodayMicros += micros;
  }

  figures(scope: string, now = Date.now()): UsageFigures {
    const f = this.#get(scope, now);
    return { spend_today_micros: f.spendTodayMicros, requests_today: f.requestsToday, requests_this_minute: f.requestsThisMinute };
  }
}
