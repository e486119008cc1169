import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS } from './constants.js';
import { backoffMs, isRetryStatus, mayRetry, retryAfterMs } from './retry.js';

describe('retry rules', () => {
  it('retries only what changes nothing, unless the request carries an idempotency key', () => {
    expect(mayRetry('GET', new Headers())).toBe(true);
    expect(mayRetry('POST', new Headers())).toBe(false);
    expect(mayRetry('POST', new Headers({ 'idempotency-key': 'k1' }))).toBe(true);
  });

  it('retries 408, 429 and 5xx, and follows x-should-retry either way', () => {
    expect([408, 429, 500, 502, 503, 504].every((s) => isRetryStatus(s, new Headers()))).toBe(true);
    expect([400, 401, 403, 404, 409].some((s) => isRetryStatus(s, new Headers()))).toBe(false);
    expect(isRetryStatus(400, new Headers({ 'x-should-retry': 'true' }))).toBe(true);
    expect(isRetryStatus(503, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
  });

  it('reads Retry-After as seconds, as a date, and as retry-after-ms; caps it', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now + 3000).toUTCString() }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150' }), now)).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': '999999' }), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });

  it('backs off exponentially with jitter', () => {
    expect(backoffMs(0, 100, () => 0)).toBe(50);
    expect(backoffMs(2, 100, () => 1)).toBe(400);
  });
});
