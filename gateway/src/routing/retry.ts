/**
 * When and how long to wait before another attempt. What may be repeated at all is UpstreamError's `retryable` (what
 * the official SDKs retry), and after a delivered-request timeout `onTimeout` or the caller's Idempotency-Key
 * (router.ts). Waits grow exponentially with full jitter; an upstream's `retry-after-ms` / Retry-After is honoured
 * when it fits in what is left of the call's deadline, and a retry that would not fit is not made.
 */
export interface RetryOptions {
  /** Attempts on one deployment (1 = no retry); each fallback deployment has the same budget. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Repeat a call whose upstream timed out after the request was delivered (the first may still run and bill). */
  readonly onTimeout: boolean;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000, onTimeout: false };

/** API calls through /api/:system: one retry, for what is safe to repeat (forward.ts). */
export const DEFAULT_SYSTEM_RETRY: RetryOptions = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 2_000, onTimeout: false };

/** Full jitter: uniformly between 0 and the capped exponential step. */
export function backoffMs(retry: number, options: RetryOptions, random: () => number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * cap);
}

/** The wait before the next attempt, or undefined when no retry fits before the deadline. */
export function nextDelayMs(options: {
  /** Earlier attempts on the deployment about to be tried (0: it has not failed this call yet). */
  retry: number;
  /** What that deployment's last failure asked for. */
  retryAfterMs: number | undefined;
  remainingMs: number;
  policy: RetryOptions;
  random: () => number;
}): number | undefined {
  // Moving to a deployment that has not failed this call needs no backoff.
  if (options.retry === 0) return 0 < options.remainingMs ? 0 : undefined;
  const backoff = backoffMs(options.retry - 1, options.policy, options.random);
  const wait = options.retryAfterMs !== undefined ? Math.max(backoff, options.retryAfterMs) : backoff;
  return wait < options.remainingMs ? wait : undefined;
}
