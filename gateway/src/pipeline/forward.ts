/**
 * API calls' innermost stage: forwards the call to its system with the credentials the gateway holds (the caller's
 * own key never leaves), and answers with the system's status, headers and body as a stream. It is built on
 * undici directly, not on a Fastify proxy plugin, so that the answer comes back through the pipeline like a model
 * call's: the stages around it see it, the ingress sends it and the record stage sees its end.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { GatewayError } from '../errors.js';
import { retryableStatus } from '../providers/errors.js';
import { neverSent, retryAfterMs, shouldRetry } from '../providers/http/client.js';
import type { AttemptRecord } from '../routing/router.js';
import { nextDelayMs } from '../routing/retry.js';
import type { CallContext } from './call-context.js';
import type { Answer, Stage } from './stage.js';

/** RFC 9110 §9.2.2: sending these twice has the effect of sending them once. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Whether an API call may reach its system more than once: an idempotent method, or a caller that sent an
 * Idempotency-Key (so the system can tell a repeat). Anything else (POST, PATCH) runs at most once: it is sent again
 * only when it provably never left (no connection was made).
 */
export function mayRepeat(method: string, headers: CallContext['headers']): boolean {
  const key = headers['idempotency-key'];
  return IDEMPOTENT_METHODS.has(method) || (typeof key === 'string' ? key.length > 0 : Array.isArray(key) && key.length > 0);
}

/** Request headers that are the gateway's own, the caller's credentials, or about this hop only. */
const DROPPED_REQUEST = new Set([
  'authorization', 'x-api-key', 'host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding', 'te', 'trailer',
  'upgrade', 'expect', 'proxy-authorization', 'proxy-connection',
]);
/** Response headers about the system's hop to the gateway, not the gateway's to the client. */
const DROPPED_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate']);

/** An API answer carries no model usage: its outcome is settled from the start. */
const NO_OUTCOME: Promise<null> = Promise.resolve(null);

function requestHeaders(ctx: CallContext): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value === undefined || DROPPED_REQUEST.has(name) || name.startsWith('x-airlock-')) continue;
    out[name] = value;
  }
  return Object.assign(out, ctx.target!.system.headers);
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_RESPONSE.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The body as it came: bytes for any content type, JSON re-encoded when Fastify parsed it, nothing for GET. */
function requestBody(body: unknown): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  return JSON.stringify(body);
}

/** Pooled keep-alive connections per system origin; closed with the app. */
export class Forwarder {
  readonly #pools = new Map<string, Pool>();

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) this.#pools.set(origin, (pool = new Pool(origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 })));
    return pool;
  }

  /**
   * Sends the call, and again (within `system.retry`) when that is safe (mayRepeat) and the system did not act or
   * said another try may work: no connection, or 408, 409, 429, 5xx and `x-should-retry` as the SDKs read them.
   * A Retry-After longer than the retry's cap is left for the caller to honour. Every attempt is in `ctx.attempts`.
   */
  async forward(ctx: CallContext): Promise<Answer> {
    const { system, method, path } = ctx.target!;
    const url = new URL(system.baseUrl.replace(/\/+$/, '') + path);
    const pool = this.#pool(url.origin);
    const options = { path: url.pathname + url.search, method: method as 'GET', headers: requestHeaders(ctx), body: requestBody(ctx.rawBody), signal: ctx.signal };
    const repeatable = mayRepeat(method, ctx.headers);
    const attempts: AttemptRecord[] = [];
    ctx.attempts = attempts;
    for (;;) {
      const startedAtMs = Date.now();
      const t0 = performance.now();
      const attempt = (ok: boolean, error?: AttemptRecord['error']): void => {
        attempts.push({ deploymentId: system.name, provider: 'http', startedAtMs, durationMs: performance.now() - t0, ok, ...(error ? { error } : {}) });
      };
      let reply: Dispatcher.ResponseData;
      try {
        reply = await pool.request(options);
      } catch (error) {
        const delivered = !neverSent(error);
        attempt(false, { kind: 'connect', message: (error as Error).message, delivered });
        if (!ctx.signal.aborted && (repeatable || !delivered) && (await this.#waited(ctx, attempts, undefined))) continue;
        throw new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', `system \`${system.name}\` is unreachable: ${(error as Error).message}`, { cause: error });
      }
      const status = reply.statusCode;
      attempt(status < 400, status >= 400 ? { kind: 'http', status, message: `system responded ${status}`, delivered: true } : undefined);
      const retry = status >= 400 && repeatable && (shouldRetry(reply.headers['x-should-retry']) ?? retryableStatus(status));
      if (retry && !ctx.signal.aborted && (await this.#waited(ctx, attempts, retryAfterMs(reply.headers), () => reply.body.dump()))) continue;
      const stream = reply.body as Readable;
      stream.on('error', () => undefined);
      return { status, headers: responseHeaders(reply.headers), stream, outcome: NO_OUTCOME };
    }
  }

  /** Waits before another attempt; false when none is left or the wait would pass the retry's cap. */
  async #waited(ctx: CallContext, attempts: readonly AttemptRecord[], retryAfter: number | undefined, discard?: () => Promise<unknown>): Promise<boolean> {
    const policy = ctx.target!.system.retry;
    if (attempts.length >= policy.maxAttempts) return false;
    const wait = nextDelayMs({ retry: attempts.length, retryAfterMs: retryAfter, remainingMs: policy.maxDelayMs + 1, policy, random: Math.random });
    if (wait === undefined) return false;
    await discard?.().catch(() => undefined);
    if (wait > 0) await sleep(wait);
    return !ctx.signal.aborted;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }
}

export function forwardStage(forwarder: Forwarder): Stage {
  return { id: 'forward', run: (ctx) => forwarder.forward(ctx) };
}
