/**
 * Upstream failures, thrown by adapters and mapped by the gateway to the caller's error shape:
 * HTTP errors keep the upstream's status class and message, timeouts → 504, connection failures → 502.
 * Messages never carry prompt or completion text.
 *
 * `retryable` says what the official OpenAI and Anthropic SDKs would retry: failures where the upstream did not act
 * (no connection) or said another try may work (408, 409, 429, 5xx, `x-should-retry: true`; `x-should-retry: false`
 * overrides the status). A timeout after the request was delivered is not retryable by itself: the first generation
 * may still run upstream and be billed, so the router repeats it only when the model or the caller opts in.
 */
import type { ApiFormat } from './provider.js';

export type UpstreamErrorKind = 'http' | 'timeout' | 'connect' | 'protocol' | 'unsupported';

export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  /** Whether another attempt (same or another deployment) is safe and may succeed. */
  readonly retryable: boolean;
  /** Whether the upstream may have received the request and be acting on it. */
  readonly delivered: boolean;
  constructor(kind: UpstreamErrorKind, message: string, options: { retryable: boolean; delivered: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'UpstreamError';
    this.kind = kind;
    this.retryable = options.retryable;
    this.delivered = options.delivered;
  }

  /**
   * Whether the failure says the deployment is unwell (for its circuit breaker): rate limits, 5xx, timeouts and
   * transport failures. A client error (400, 404, 422…) is the request's fault and proves the deployment answered.
   */
  get unhealthy(): boolean {
    return this.kind !== 'unsupported';
  }
}

/** Statuses the official SDKs retry when the upstream sends no `x-should-retry`. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export class UpstreamHttpError extends UpstreamError {
  readonly status: number;
  /** The upstream's own error type/code when it gave one (e.g. `rate_limit_error`). */
  readonly upstreamType: string | undefined;
  /** From the upstream's Retry-After header, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The error body as the upstream sent it (at most 64 KiB), for a caller that speaks the upstream's format. */
  readonly body: string;
  /** The upstream's response headers that callers' SDKs read (headers.ts), and its content type. */
  readonly headers: Readonly<Record<string, string>>;
  /** The wire format the upstream answered in. */
  readonly format: ApiFormat | undefined;
  constructor(options: {
    status: number;
    message: string;
    upstreamType?: string;
    retryAfterMs?: number;
    body?: string;
    headers?: Readonly<Record<string, string>>;
    format?: ApiFormat;
    /** The upstream's `x-should-retry` header, which overrides what the status implies. */
    shouldRetry?: boolean;
  }) {
    super('http', options.message, { retryable: options.shouldRetry ?? retryableStatus(options.status), delivered: true });
    this.name = 'UpstreamHttpError';
    this.status = options.status;
    this.upstreamType = options.upstreamType;
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body ?? '';
    this.headers = options.headers ?? {};
    this.format = options.format;
  }

  override get unhealthy(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export type TimeoutPhase = 'connect' | 'first_byte' | 'idle' | 'total';

export class UpstreamTimeoutError extends UpstreamError {
  readonly phase: TimeoutPhase;
  /**
   * `delivered` is false only when no connection was made (the connect phase, or a total deadline that ran out while
   * connecting): the request never left, so another attempt is as safe as the SDKs' retry of a connection error.
   */
  constructor(phase: TimeoutPhase, ms: number, delivered = phase !== 'connect') {
    super('timeout', `upstream ${phase.replace('_', ' ')} timeout after ${ms} ms`, { retryable: !delivered, delivered });
    this.name = 'UpstreamTimeoutError';
    this.phase = phase;
  }
}

/**
 * The connection failed or broke. Retried as the SDKs retry connection errors; `delivered` is false when the
 * failure proves the request never reached the upstream (refused, unresolvable, unreachable), which matters where a
 * repeat must be ruled out (non-idempotent API calls).
 */
export class UpstreamConnectError extends UpstreamError {
  constructor(message: string, cause?: unknown, delivered = true) {
    super('connect', message, { retryable: true, delivered, cause });
    this.name = 'UpstreamConnectError';
  }
}

export class UpstreamProtocolError extends UpstreamError {
  constructor(message: string, cause?: unknown) {
    super('protocol', message, { retryable: false, delivered: true, cause });
    this.name = 'UpstreamProtocolError';
  }
}

/** The call asks for something its translation to the deployment's API cannot carry (`n > 1` on Anthropic, say). */
export class UnsupportedTranslationError extends UpstreamError {
  /** The request field at fault. */
  readonly param: string;
  constructor(message: string, param: string) {
    super('unsupported', message, { retryable: false, delivered: false });
    this.name = 'UnsupportedTranslationError';
    this.param = param;
  }
}
