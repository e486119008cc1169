/**
 * The one place the SDK talks HTTP: auth header, timeout, retries of what is safe to retry, and typed errors.
 */
import { HttpError, readErrorBody } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { POLICY_DENIED_CODES, PolicyDeniedError } from '../errors/policy-denied-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { HEADERS } from './constants.js';
import type { NormalizedOptions } from './options.js';
import { backoffMs, isRetryStatus, mayRetry, retryAfterMs } from './retry.js';

export interface RequestOptions {
  readonly method?: string;
  /** Path under the gateway origin, e.g. `/admin/calls`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined | null>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Overrides the client's timeout for this request (a long-poll, say). */
  readonly timeoutMs?: number;
  /** `text` for bodies that are not one JSON document (CSV, JSON lines, Prometheus text). Default `json`. */
  readonly responseType?: 'json' | 'text';
}

export interface JsonResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T;
}

export function buildURL(base: string, path: string, query?: RequestOptions['query']): string {
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  return url.toString();
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A response's body: parsed JSON where it parses, else its text (null when empty). */
export async function readBody(res: Response, type: 'json' | 'text' = 'json'): Promise<unknown> {
  const text = await res.text();
  if (type === 'text') return text;
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function httpError(method: string, url: string, res: Response, body: unknown): HttpError {
  const options = { method, url, status: res.status, body, callId: res.headers.get(HEADERS.callId) };
  const code = readErrorBody(body)?.code;
  return res.status === 403 && code && POLICY_DENIED_CODES.has(code) ? new PolicyDeniedError(options) : new HttpError(options);
}

/** Sends a request and returns the parsed JSON (or text) body; throws HttpError, TimeoutError or NetworkError. */
export async function request<T>(client: NormalizedOptions, options: RequestOptions): Promise<JsonResponse<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const url = buildURL(client.baseURL, options.path, options.query);
  const headers = new Headers({ ...client.headers, ...options.headers });
  if (client.apiKey && !headers.has('authorization')) headers.set('authorization', `Bearer ${client.apiKey}`);
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  const timeoutMs = options.timeoutMs ?? client.timeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const retries = mayRetry(method, headers) ? client.retryLimit : 0;

  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await client.fetch(url, {
        method,
        headers,
        signal,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      if (deadline.aborted) throw new TimeoutError({ method, url, timeoutMs });
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt >= retries) throw new NetworkError({ method, url, cause: error });
      await sleep(backoffMs(attempt, client.retryBackoffMs), signal).catch(() => undefined);
      continue;
    }
    if (res.ok) return { status: res.status, headers: res.headers, data: (await readBody(res, options.responseType)) as T };
    const body = await readBody(res);
    if (attempt >= retries || !isRetryStatus(res.status, res.headers)) throw httpError(method, url, res, body);
    try {
      await sleep(retryAfterMs(res.headers) ?? backoffMs(attempt, client.retryBackoffMs), signal);
    } catch {
      if (deadline.aborted) throw new TimeoutError({ method, url, timeoutMs });
      throw options.signal!.reason;
    }
  }
}
