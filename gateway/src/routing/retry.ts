/**
 * When and how long to wait before another attempt. Retried: connection failures, timeouts, 429 and 5xx
 * (UpstreamError.retryable). Waits grow exponentially with full jitter; an upstream's Retry-After is honoured when it
 * fits in what is left of the call's deadline, and a retry that would not fit is not made.
 */
export interface RetryOptions {
  /** Attempts in all, across deployments (1 = no retry). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Full jitter: uniformly between 0 and the capped exponential step. */
export function backoffMs(retry: number, options: RetryOptions, random: () => number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * cap);
}

/** The wait before the next attempt, or undefined when no retry fits before the deadline. */
export function nextDelayMs(options: {
  retry: number;
  retryAfterMs: number | undefined;
  remainingMs: number;
  sameDeployment: boolean;
  policy: RetryOptions;
  random: () => number;
}): number | undefined {
  // Moving to another deployment needs no backoff: it has not been failing.
  const backoff = options.sameDeployment ? backoffMs(options.retry, options.policy, options.random) : 0;
  const wait = options.sameDeployment && options.retryAfterMs !== undefined ? Math.max(backoff, options.retryAfterMs) : backoff;
  return wait < options.remainingMs ? wait : undefined;
}
