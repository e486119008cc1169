/**
 * HTTP-level behaviour through a real listening gateway: bad input, limits, workflow context, the API proxy.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;
let crm: { url: string; seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[]; close: () => void };

async function startCrm(): Promise<typeof crm> {
  const seen: (typeof crm)['seen'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-crm': 'yes' });
      res.end(JSON.stringify({ ok: true, method: req.method }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  crm = await startCrm();
  gw = await startGateway(
    {
      ...fakeUpstreamConfig(upstream),
      server: { body_limit_bytes: 2048 },
      systems: { crm: { base_url: crm.url + '/base', methods: ['GET', 'POST'], headers: { authorization: 'Bearer ${CRM_TOKEN}' } } },
    },
    { env: { CRM_TOKEN: 'crm-secret' } },
  );
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
  crm.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(gw.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.userKey}`, ...headers } });

describe('bad input gets a clear error in the caller\'s shape', () => {
  it('malformed JSON → 400 (OpenAI shape)', async () => {
    const res = await post('/v1/chat/completions', '{"model":');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'GW_ERR_MALFORMED_JSON' } });
  });

  it('malformed JSON → 400 (Anthropic shape)', async () => {
    const res = await post('/v1/messages', '[', { 'x-api-key': gw.userKey });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('oversized body → 413', async () => {
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'GW_ERR_BODY_TOO_LARGE' } });
  });

  it('a body that is not an object → 400', async () => {
    const res = await post('/v1/chat/completions', '[1,2]');
    expect(res.status).toBe(400);
  });

  it('unknown route → 404 in OpenAI shape', async () => {
    const res = await fetch(gw.url + '/v1/nothing');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'GW_ERR_NOT_FOUND' } });
  });

  it('missing key → 401', async () => {
    const res = await fetch(gw.url + '/v1/chat/completions', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
  });

  it('the admin key may call model routes', async () => {
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] }), { authorization: `Bearer ${gw.adminKey}` });
    expect(res.status).toBe(200);
  });
});

describe('an upstream answering 200 with a body that is not JSON', () => {
  it('reaches a same-format caller as the upstream sent it: the gateway passes such bodies through unread', async () => {
    upstream.behave({ kind: 'raw', body: 'upstream garbage' }, 1);
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('upstream garbage');
  });

  it('is a 502 in the caller\'s shape when the gateway has to translate it', async () => {
    upstream.behave({ kind: 'raw', body: 'upstream garbage' }, 1);
    const res = await post('/v1/messages', JSON.stringify({ model: 'gpt-test', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }));
    expect(res.status).toBe(502);
    const body = (await res.json()) as { type: string; error: { message: string } };
    expect(body.type).toBe('error');
    expect(body.error.message).toMatch(/not JSON/);
  });
});

describe('workflow context', () => {
  it('is echoed with the call id, and traceparent is accepted', async () => {
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }), {
      'x-airlock-workflow': 'invoice-approval',
      'x-airlock-run': 'run-7',
      'x-airlock-step': 'extract',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-airlock-call-id')).toMatch(/^call_[0-9a-f]{32}$/);
    expect(res.headers.get('x-airlock-workflow')).toBe('invoice-approval');
    expect(res.headers.get('x-airlock-run')).toBe('run-7');
    expect(res.headers.get('x-airlock-step')).toBe('extract');
    expect(res.headers.get('x-airlock-served-by')).toBe('openai/gpt-upstream');
  });

  it('errors carry the call id too', async () => {
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'missing', messages: [{ role: 'user', content: 'hi' }] }));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-airlock-call-id')).toBeTruthy();
  });
});

describe('bot and API calls through /api/:system', () => {
  it('forwards with the gateway\'s credentials, never the caller\'s key', async () => {
    const res = await fetch(`${gw.url}/api/crm/contacts?limit=5`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Ann' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.userKey}`, 'x-airlock-run': 'r1' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-crm')).toBe('yes');
    expect(res.headers.get('x-airlock-call-id')).toBeTruthy();
    expect(await res.json()).toEqual({ ok: true, method: 'POST' });
    const seen = crm.seen.at(-1)!;
    expect(seen.url).toBe('/base/contacts?limit=5');
    expect(seen.headers.authorization).toBe('Bearer crm-secret');
    expect(JSON.parse(seen.body)).toEqual({ name: 'Ann' });
  });

  it('requires a valid key', async () => {
    const res = await fetch(`${gw.url}/api/crm/contacts`);
    expect(res.status).toBe(401);
  });

  it('refuses methods the system does not allow', async () => {
    const res = await fetch(`${gw.url}/api/crm/contacts/1`, { method: 'DELETE', headers: { authorization: `Bearer ${gw.userKey}` } });
    expect(res.status).toBe(405);
    expect(crm.seen.every((s) => s.method !== 'DELETE')).toBe(true);
  });

  it('404 for an unknown system', async () => {
    const res = await fetch(`${gw.url}/api/erp/x`, { headers: { authorization: `Bearer ${gw.userKey}` } });
    expect(res.status).toBe(404);
  });
});
