/**
 * API calls' innermost stage: forwards the call to its system with the credentials the gateway holds (the caller's
 * own key never leaves), and answers with the system's status, headers and body as a stream. It is built on
 * undici directly, not on a Fastify proxy plugin, so that the answer comes back through the pipeline like a model
 * call's: the stages around it see it, the ingress sends it and the record stage sees its end.
 */
import { Pool } from 'undici';
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import type { CallContext } from './call-context.js';
import type { Answer, Stage } from './stage.js';

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

  forward(ctx: CallContext): Promise<Answer> {
    const { system, method, path } = ctx.target!;
    const url = new URL(system.baseUrl.replace(/\/+$/, '') + path);
    return this.#pool(url.origin)
      .request({ path: url.pathname + url.search, method: method as 'GET', headers: requestHeaders(ctx), body: requestBody(ctx.rawBody), signal: ctx.signal })
      .then(
        (reply): Answer => {
          const stream = reply.body as Readable;
          stream.on('error', () => undefined);
          return { status: reply.statusCode, headers: responseHeaders(reply.headers), stream, outcome: NO_OUTCOME };
        },
        (error: unknown) => {
          throw new GatewayError('GW_ERR_UPSTREAM_UNAVAILABLE', `system \`${system.name}\` is unreachable: ${(error as Error).message}`, { cause: error });
        },
      );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }
}

export function forwardStage(forwarder: Forwarder): Stage {
  return { id: 'forward', run: (ctx) => forwarder.forward(ctx) };
}
