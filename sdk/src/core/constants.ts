/** The header names the gateway reads and answers with; one place, so the SDK and its docs cannot disagree. */
export const HEADERS = {
  workflow: 'x-airlock-workflow',
  run: 'x-airlock-run',
  step: 'x-airlock-step',
  traceparent: 'traceparent',
  callId: 'x-airlock-call-id',
  approvalId: 'x-airlock-approval-id',
  approvalMode: 'x-airlock-approval-mode',
  signature: 'x-airlock-signature',
} as const;

export type HeaderName = (typeof HEADERS)[keyof typeof HEADERS];

/** Methods that may be retried without an idempotency key: they change nothing on the server. */
export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/** Statuses at which the gateway did not act, or said to try again. */
export const RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504] as const;

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY_LIMIT = 2;
export const DEFAULT_RETRY_BACKOFF_MS = 300;
export const MAX_RETRY_AFTER_MS = 60_000;
