import { DEFAULT_RETRY_BACKOFF_MS, DEFAULT_RETRY_LIMIT, DEFAULT_TIMEOUT_MS } from './constants.js';
import { AirlockError } from '../errors/airlock-error.js';

/** The `fetch` the SDK calls; any WHATWG-compatible implementation. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * How to reach the gateway. Every field falls back to the environment (`AIRLOCK_URL`, `AIRLOCK_API_KEY`).
 * @example
 * const airlock = createAirlock({ baseURL: 'http://127.0.0.1:8080', apiKey: process.env.AIRLOCK_API_KEY });
 */
export interface AirlockOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:8080` (no `/v1`). */
  readonly baseURL?: string;
  /** An Airlock virtual key (`alk_…`); sent as `Authorization: Bearer`. */
  readonly apiKey?: string;
  /** Per request, including retries' waits. Default 30 s. */
  readonly timeoutMs?: number;
  /** Retries of idempotent requests (GET) on network errors, 408, 429 and 5xx. Default 2; 0 turns them off. */
  readonly retryLimit?: number;
  /** The first retry's delay; doubled each time, with jitter, unless the gateway sends `Retry-After`. */
  readonly retryBackoffMs?: number;
  readonly fetch?: FetchLike;
  /** Sent with every request the SDK makes (not with wrapped clients' calls), e.g. `x-airlock-tenant` for a superadmin. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Where step and run spans go (OTLP/HTTP JSON); default `${baseURL}/v1/traces`. `false` records none. */
  readonly tracesURL?: string | false;
}

export interface NormalizedOptions {
  readonly baseURL: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly retryLimit: number;
  readonly retryBackoffMs: number;
  readonly fetch: FetchLike;
  readonly headers: Readonly<Record<string, string>>;
  readonly tracesURL: string | null;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export function normalizeOptions(options: AirlockOptions = {}, env: Readonly<Record<string, string | undefined>> = process.env): NormalizedOptions {
  const baseURL = (options.baseURL ?? env.AIRLOCK_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  try {
    new URL(baseURL);
  } catch {
    throw new AirlockError(`baseURL is not a URL: ${JSON.stringify(baseURL)}`);
  }
  const count = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0) throw new AirlockError(`${name} must be a number ≥ 0, not ${v}`);
    return v;
  };
  return {
    baseURL,
    apiKey: options.apiKey ?? env.AIRLOCK_API_KEY,
    timeoutMs: count('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    retryLimit: Math.floor(count('retryLimit', options.retryLimit, DEFAULT_RETRY_LIMIT)),
    retryBackoffMs: count('retryBackoffMs', options.retryBackoffMs, DEFAULT_RETRY_BACKOFF_MS),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    headers: { ...options.headers },
    tracesURL: options.tracesURL === false ? null : (options.tracesURL ?? `${baseURL}/v1/traces`),
  };
}
