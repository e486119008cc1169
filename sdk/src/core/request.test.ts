import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { PolicyDeniedError } from '../errors/policy-denied-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { normalizeOptions } from './options.js';
import { request } from './request.js';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
let server: Server | null = null;

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((req, res) => handler(req, res, ++hits));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((r) => server!.close(r));
  server = null;
});

describe('request', () => {
  it('sends the key as a bearer token and parses JSON', async () => {
    const { url } = await serve((req, res) => json(res, 200, { auth: req.headers.authorization, q: req.url }));
    const client = normalizeOptions({ baseURL: url, apiKey: 'alk_1' }, {});
    const { data } = await request<{ auth: string; q: string }>(client, { path: '/admin/calls', query: { team: 'a b', limit: 5, user: undefined } });
    expect(data).toEqual({ auth: 'Bearer alk_1', q: '/admin/calls?team=a+b&limit=5' });
  });

  it('retries a GET after a 503, honouring Retry-After', async () => {
    const { url, hits } = await serve((_req, res, hit) => (hit < 3 ? json(res, 503, { error: { message: 'busy' } }, { 'retry-after': '0' }) : json(res, 200, { ok: true })));
    const { data } = await request(normalizeOptions({ baseURL: url, retryBackoffMs: 1 }, {}), { path: '/x' });
    expect(data).toEqual({ ok: true });
    expect(hits()).toBe(3);
  });

  it('sends a POST once, whatever the status, unless it carries an idempotency key', async () => {
    const { url, hits } = await serve((_req, res) => json(res, 503, { error: { message: 'busy', code: 'GW_ERR_UPSTREAM' } }, { 'retry-after': '0' }));
    const client = normalizeOptions({ baseURL: url, retryBackoffMs: 1 }, {});
    const error = await request(client, { method: 'POST', path: '/x', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 503, code: 'GW_ERR_UPSTREAM' });
    expect(hits()).toBe(1);
    await request(client, { method: 'POST', path: '/x', body: {}, headers: { 'idempotency-key': 'k' } }).catch(() => undefined);
    expect(hits()).toBe(4);
  });

  it('turns a policy denial into PolicyDeniedError with the call id', async () => {
    const { url } = await serve((_req, res) =>
      json(res, 403, { error: { message: 'payments over 10000 EUR need approval', code: 'GW_ERR_POLICY_DENIED', type: 'permission_denied' } }, { 'x-airlock-call-id': 'call-9' }),
    );
    const error = (await request(normalizeOptions({ baseURL: url }, {}), { path: '/x' }).catch((e: unknown) => e)) as PolicyDeniedError;
    expect(error).toBeInstanceOf(PolicyDeniedError);
    expect(error.callId).toBe('call-9');
    expect(error.reason).toBe('payments over 10000 EUR need approval');
    expect(error.isAirlockError).toBe(true);
  });

  it('times out, and names the method and URL', async () => {
    const { url } = await serve(() => undefined);
    const error = await request(normalizeOptions({ baseURL: url, timeoutMs: 100 }, {}), { path: '/slow' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain(`GET ${url}/slow`);
  });

  it('reports an unreachable gateway as NetworkError with the cause', async () => {
    const { url } = await serve(() => undefined);
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = null;
    const error = await request(normalizeOptions({ baseURL: url, retryLimit: 0 }, {}), { path: '/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toBeDefined();
  });

  it('refuses options that make no sense', () => {
    expect(() => normalizeOptions({ baseURL: 'not a url' }, {})).toThrow(/not a URL/);
    expect(() => normalizeOptions({ timeoutMs: -1 }, {})).toThrow(/timeoutMs/);
    expect(normalizeOptions({}, { AIRLOCK_URL: 'http://gw:8080/v1/' }).baseURL).toBe('http://gw:8080');
  });
});
