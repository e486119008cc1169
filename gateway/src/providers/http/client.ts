/**
 * The one place adapters make upstream HTTP calls: pooled keep-alive connections (an undici Pool per origin), the deployment's
 * connect / first-byte / idle / total timeouts, and every failure mapped to a typed UpstreamError.
 */
import type { CallSignal } from '../../pipeline/call-signal.js';
import type { Readable } from 'node:stream';
import { Pool, errors as undiciErrors } from 'undici';
import { UpstreamConnectError, UpstreamError, UpstreamHttpError, UpstreamTimeoutError } from '../errors.js';
import type { DeploymentTimeouts } from '../provider.js';

export interface HttpCall {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeouts: DeploymentTimeouts;
  readonly signal: CallSignal;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Readable;
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
    if (reply.statusCode >= 400) throw await httpError(reply.statusCode, reply.headers, reply.body);
    const body = reply.body;
    body.on('error', () => undefined);
    const timer = setTimeout(() => body.destroy(new UpstreamTimeoutError('total', totalMs)), Math.max(0, totalMs - (Date.now() - started)));
    body.once('close', () => clearTimeout(timer));
    return { status: reply.statusCode, headers: reply.headers, body };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
    this.#targets.clear();
  }
}

/** Maps undici/socket failures, including those raised later while reading a body. */
export function mapTransportError(error: unknown, timeouts: DeploymentTimeouts, total?: { readonly aborted: boolean }): Error {
  if (error instanceof UpstreamError) return error;
  if (total?.aborted) return new UpstreamTimeoutError('total', timeouts.totalMs);
  const code = (error as { code?: string }).code;
  if (error instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamTimeoutError('connect', timeouts.connectMs);
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new UpstreamTimeoutError('first_byte', timeouts.firstByteMs);
  }
  if (error instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamTimeoutError('idle', timeouts.idleMs);
  }
  if ((error as Error).name === 'AbortError' || code === 'UND_ERR_ABORTED') return error as Error;
  return new UpstreamConnectError(`upstream connection failed: ${code ?? (error as Error).message}`, error);
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Keeps the upstream's own message and type (OpenAI and Anthropic error bodies), never the request. */
async function httpError(status: number, headers: Record<string, string | string[] | undefined>, body: Readable): Promise<UpstreamHttpError> {
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
  const text = Buffer.concat(chunks).toString('utf8');
  let message = `upstream responded ${status}`;
  let upstreamType: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown } | string; message?: unknown };
    const err = parsed.error;
    if (typeof err === 'object' && err) {
      if (typeof err.message === 'string') message = err.message;
      if (typeof err.type === 'string') upstreamType = err.type;
    } else if (typeof err === 'string') message = err;
    else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    if (text && text.length < 500) message = text.trim();
  }
  const ra = retryAfterMs(headers['retry-after']);
  return new UpstreamHttpError({ status, message, ...(upstreamType ? { upstreamType } : {}), ...(ra !== undefined ? { retryAfterMs: ra } : {}) });
}

/** Collects a body with plain events: cheaper per request than an async iterator. */
export function readAll(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    body.once('error', reject);
  });
}
