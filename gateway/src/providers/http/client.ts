/**
 * The one place adapters make upstream HTTP calls: pooled keep-alive connections (an undici Pool per origin), the deployment's
 * connect / first-byte / idle / total timeouts, and every failure mapped to a typed UpstreamError.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import type { CallSignal } from '../../contracts/call-signal.js';
import { UpstreamConnectError, UpstreamError, UpstreamHttpError, UpstreamTimeoutError } from '../errors.js';
import { passedResponseHeaders } from '../headers.js';
import type { ApiFormat, DeploymentTimeouts } from '../provider.js';

export interface HttpCall {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeouts: DeploymentTimeouts;
  readonly signal: CallSignal;
  /** The wire format the upstream answers in, and the one the caller speaks: an error body keeps both in view. */
  readonly format: ApiFormat;
  readonly clientFormat: ApiFormat;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable;
}

/** A whole upstream answer, for calls that do not stream. */
export interface BufferedReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** performance.now() when the response started. */
  readonly firstByteAt: number;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface Target {
  readonly pool: Pool;
  readonly path: string;
}

/**
 * A Pool per origin and connect timeout (undici sets that per pool, the other timeouts per request). Pools, not
 * an Agent: the Agent's per-request origin lookup and URL parsing cost about a fifth of a proxied call's CPU.
 */
export class HttpClient {
  #pools = new Map<string, Pool>();
  /** Call URLs come from the config (base URL + API path), so this stays as small as the set of deployments. */
  #targets = new Map<string, Target>();

  #target(url: string, connectMs: number): Target {
    const key = `${connectMs} ${url}`;
    let target = this.#targets.get(key);
    if (!target) {
      const { origin, pathname, search } = new URL(url);
      const poolKey = `${connectMs} ${origin}`;
      let pool = this.#pools.get(poolKey);
      if (!pool) {
        pool = new Pool(origin, { connect: { timeout: connectMs }, keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
        this.#pools.set(poolKey, pool);
      }
      target = { pool, path: pathname + search };
      this.#targets.set(key, target);
    }
    return target;
  }

  /**
   * The caller's signal goes to undici as it is; the deadlines need no controller of their own (EventTarget
   * listeners cost more per request than the rest of the hop): before the response starts, undici's connect and
   * headers timeouts (capped by the total) apply; after it, a timer destroys the body when the total runs out.
   */
  async send(call: HttpCall): Promise<HttpReply> {
    const started = Date.now();
    const { totalMs } = call.timeouts;
    let reply;
    try {
      const { pool, path } = this.#target(call.url, Math.min(call.timeouts.connectMs, totalMs));
      reply = await pool.request({
        path,
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: call.signal,
        headersTimeout: Math.min(call.timeouts.firstByteMs, totalMs),
        bodyTimeout: call.timeouts.idleMs,
      });
    } catch (error) {
      throw mapTransportError(error, call.timeouts, { aborted: Date.now() - started >= totalMs });
    }
    if (reply.statusCode >= 400) throw upstreamHttpError(call, reply.statusCode, reply.headers, await readErrorBody(reply.body));
    const body = reply.body;
    body.on('error', () => undefined);
    const timer = setTimeout(() => body.destroy(new UpstreamTimeoutError('total', totalMs)), Math.max(0, totalMs - (Date.now() - started)));
    body.once('close', () => clearTimeout(timer));
    return { status: reply.statusCode, headers: reply.headers, body };
  }

  /**
   * A call that does not stream, collected from undici's dispatcher callbacks: no body stream, its events and the
   * promise hops between them, which at concurrency 1 are a measurable share of a proxied call's time.
   * Same timeouts and failures as `send`.
   */
  sendBuffered(call: HttpCall): Promise<BufferedReply> {
    const { timeouts } = call;
    const { pool, path } = this.#target(call.url, Math.min(timeouts.connectMs, timeouts.totalMs));
    return new Promise((resolve, reject) => {
      pool.dispatch(
        {
          path,
          method: call.method,
          headers: call.headers,
          body: call.body ?? null,
          headersTimeout: Math.min(timeouts.firstByteMs, timeouts.totalMs),
          bodyTimeout: timeouts.idleMs,
        },
        new BufferedCall(call, resolve, reject),
      );
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
    this.#targets.clear();
  }
}

/**
 * One buffered call's undici handler: collects the body, holds the total deadline from the response's start, and
 * cancels the request when the client goes. State lives in fields and the callbacks are methods, so a call costs
 * one object rather than a closure per callback.
 */
class BufferedCall implements Dispatcher.DispatchHandler {
  readonly #started = Date.now();
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #status = 0;
  #firstByteAt = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #controller: Dispatcher.DispatchController | undefined;
  #timer: NodeJS.Timeout | undefined;
  // Bound, not an arrow field: tsx names arrow fields with Object.defineProperty, once per call.
  readonly #onAbort = this.#abort.bind(this);

  constructor(
    private readonly call: HttpCall,
    private readonly resolve: (reply: BufferedReply) => void,
    private readonly reject: (error: Error) => void,
  ) {
    call.signal.once('abort', this.#onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // A call queued behind busy connections may have lost its client before it got one.
    if (this.call.signal.aborted) controller.abort(new undiciErrors.RequestAbortedError());
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = statusCode;
    this.#headers = headers;
    this.#firstByteAt = performance.now();
    const { totalMs } = this.call.timeouts;
    this.#timer = setTimeout(() => controller.abort(new UpstreamTimeoutError('total', totalMs)), Math.max(0, totalMs - (Date.now() - this.#started)));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#status < 400 || this.#size <= MAX_ERROR_BODY_BYTES) this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#done();
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (this.#status >= 400) this.reject(upstreamHttpError(this.call, this.#status, this.#headers, body.toString('utf8')));
    else this.resolve({ status: this.#status, headers: this.#headers, body, firstByteAt: this.#firstByteAt });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#done();
    const { timeouts } = this.call;
    this.reject(mapTransportError(error, timeouts, { aborted: Date.now() - this.#started >= timeouts.totalMs }));
  }

  #abort(): void {
    this.#controller?.abort(new undiciErrors.RequestAbortedError());
  }

  #done(): void {
    clearTimeout(this.#timer);
    this.call.signal.off('abort', this.#onAbort);
  }
}

/** Maps undici/socket failures, including those raised later while reading a body. */
export function mapTransportError(error: unknown, timeouts: DeploymentTimeouts, total?: { readonly aborted: boolean }): Error {
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: string }).code;
  const connectTimeout = isConnectTimeout(error);
  // The total deadline ran out; if it did so while connecting, the request never left.
  if (total?.aborted) return new UpstreamTimeoutError('total', timeouts.totalMs, !connectTimeout);
  if (connectTimeout) return new UpstreamTimeoutError('connect', timeouts.connectMs);
  if (error instanceof undiciErrors.HeadersTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new UpstreamTimeoutError('first_byte', timeouts.firstByteMs);
  }
  if (error instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamTimeoutError('idle', timeouts.idleMs);
  }
  if ((error as Error).name === 'AbortError' || code === 'UND_ERR_ABORTED') return error as Error;
  return new UpstreamConnectError(`upstream connection failed: ${code ?? (error as Error).message}`, error, !neverSent(error));
}

/** Socket errors that happen before a connection exists: the request cannot have been sent. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

function isConnectTimeout(error: unknown): boolean {
  return error instanceof undiciErrors.ConnectTimeoutError || (error as { code?: string }).code === 'UND_ERR_CONNECT_TIMEOUT';
}

/** Whether an undici failure proves the request never reached the server (no connection was made). */
export function neverSent(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return isConnectTimeout(error) || (code !== undefined && NOT_DELIVERED.has(code));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `x-should-retry`, as the SDKs read it: only `true` and `false` mean anything. */
export function shouldRetry(value: string | string[] | undefined): boolean | undefined {
  const v = header(value);
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/** `retry-after-ms` (OpenAI's, read first as the SDKs do), else Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>): number | undefined {
  const ms = parseFloat(header(headers['retry-after-ms']) ?? '');
  if (Number.isFinite(ms)) return Math.max(0, ms);
  const v = header(headers['retry-after']);
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Reads at most MAX_ERROR_BODY_BYTES of an error body, then lets the rest go. */
async function readErrorBody(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_ERROR_BODY_BYTES) break;
      chunks.push(chunk as Buffer);
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Keeps the upstream's own message and type (OpenAI and Anthropic error bodies), never the request, and the body
 * and headers as sent, for a caller of the same format.
 */
function upstreamHttpError(call: HttpCall, status: number, headers: Record<string, string | string[] | undefined>, text: string): UpstreamHttpError {
  let message = `upstream responded ${status}`;
  let upstreamType: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown } | string; message?: unknown };
    const err = parsed.error;
    if (typeof err === 'object' && err) {
      if (typeof err.message === 'string') message = err.message;
      if (typeof err.type === 'string') upstreamType = err.type;
      else if (typeof err.code === 'string') upstreamType = err.code;
    } else if (typeof err === 'string') message = err;
    else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    if (text && text.length < 500) message = text.trim();
  }
  const ra = retryAfterMs(headers);
  const retry = shouldRetry(headers['x-should-retry']);
  const passed = passedResponseHeaders(headers, call.format, call.clientFormat);
  const type = headers['content-type'];
  if (typeof type === 'string') passed['content-type'] = type;
  return new UpstreamHttpError({
    status,
    message,
    body: text,
    headers: passed,
    format: call.format,
    ...(upstreamType ? { upstreamType } : {}),
    ...(ra !== undefined ? { retryAfterMs: ra } : {}),
    ...(retry !== undefined ? { shouldRetry: retry } : {}),
  });
}
