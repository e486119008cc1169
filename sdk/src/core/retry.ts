import { IDEMPOTENT_METHODS, MAX_RETRY_AFTER_MS, RETRY_STATUS_CODES } from './constants.js';

const RETRY_STATUSES: ReadonlySet<number> = new Set(RETRY_STATUS_CODES);
const IDEMPOTENT: ReadonlySet<string> = new Set(IDEMPOTENT_METHODS);

/** A POST changes state on the gateway (a decision, a key): it is sent once, unless it carries an idempotency key. */
export const mayRetry = (method: string, headers: Headers): boolean => IDEMPOTENT.has(method) || headers.has('idempotency-key');

export const isRetryStatus = (status: number, headers: Headers): boolean => {
  const said = headers.get('x-should-retry');
  if (said === 'true') return true;
  if (said === 'false') return false;
  return RETRY_STATUSES.has(status);
};

/** `Retry-After` in seconds or as an HTTP date; null when absent or unreadable. Capped so a bad value cannot hang. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after-ms') ?? null;
  if (value !== null && Number.isFinite(Number(value))) return Math.min(Math.max(0, Number(value)), MAX_RETRY_AFTER_MS);
  const after = headers.get('retry-after');
  if (after === null) return null;
  const seconds = Number(after);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : null;
}

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export const backoffMs = (attempt: number, baseMs: number, random: () => number = Math.random): number =>
  Math.round(baseMs * 2 ** attempt * (0.5 + random() / 2));
