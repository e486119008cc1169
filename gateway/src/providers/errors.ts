/**
 * Upstream failures, thrown by adapters and mapped by the gateway to the caller's error shape:
 * HTTP errors keep the upstream's status class and message, timeouts → 504, connection failures → 502.
 * Messages never carry prompt or completion text.
 */
import type { ApiFormat } from './provider.js';

export type UpstreamErrorKind = 'http' | 'timeout' | 'connect' | 'protocol' | 'unsupported';

export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  /** Whether another attempt (same or another deployment) may succeed: connect errors, timeouts, 429 and 5xx. */
  readonly retryable: boolean;
  constructor(kind: UpstreamErrorKind, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'UpstreamError';
    this.kind = kind;
    this.retryable = options.retryable;
  }
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
  }) {
    super('http', options.message, { retryable: options.status === 429 || options.status >= 500 });
    this.name = 'UpstreamHttpError';
    this.status = options.status;
    this.upstreamType = options.upstreamType;
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body ?? '';
    this.headers = options.headers ?? {};
    this.format = options.format;
  }
}

export type TimeoutPhase = 'connect' | 'first_byte' | 'idle' | 'total';

export class UpstreamTimeoutError extends UpstreamError {
  readonly phase: TimeoutPhase;
  constructor(phase: TimeoutPhase, ms: number) {
    super('timeout', `upstream ${phase.replace('_', ' ')} timeout after ${ms} ms`, { retryable: true });
    this.name = 'UpstreamTimeoutError';
    this.phase = phase;
  }
}

export class UpstreamConnectError extends UpstreamError {
  constructor(message: string, cause?: unknown) {
    super('connect', message, { retryable: true, cause });
    this.name = 'UpstreamConnectError';
  }
}

export class UpstreamProtocolError extends UpstreamError {
  constructor(message: string, cause?: unknown) {
    super('protocol', message, { retryable: false, cause });
    this.name = 'UpstreamProtocolError';
  }
}

/** The call asks for something its translation to the deployment's API cannot carry (`n > 1` on Anthropic, say). */
export class UnsupportedTranslationError extends UpstreamError {
  /** The request field at fault. */
  readonly param: string;
  constructor(message: string, param: string) {
    super('unsupported', message, { retryable: false });
    this.name = 'UnsupportedTranslationError';
    this.param = param;
  }
}
