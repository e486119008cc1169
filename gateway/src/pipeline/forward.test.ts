import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callContext } from '../../test/helpers/stage-kit.js';
import { DEFAULT_SYSTEM_RETRY } from '../routing/retry.js';
import { Forwarder, forwardStage } from './forward.js';
import type { Answer } from './stage.js';

let seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    res.writeHead(207, { 'content-type': 'text/plain', 'x-system': 'crm', connection: 'keep-alive' });
    res.end(`got ${body.length} bytes`);
  });
});
let base = '';
const forwarder = new Forwarder();

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await forwarder.close();
  server.close();
});

function apiCall(rawBody: unknown, headers: Record<string, string>, baseUrl = `${base}/v2`) {
  const ctx = callContext({ api: 'http', rawBody, headers });
  ctx.target = { system: { name: 'crm', baseUrl, methods: new Set(['POST']), headers: { authorization: 'Bearer crm-secret' }, redact: false, idempotencyKeys: false, retry: DEFAULT_SYSTEM_RETRY }, method: 'POST', path: '/contacts?limit=5' };
  return ctx;
}

async function read(answer: Answer): Promise<string> {
  let s = '';
  for await (const c of answer.stream!) s += String(c);
  return s;
}

describe('forward stage', () => {
  it('sends the call with the system\'s credentials, never the caller\'s, and answers with the system\'s status, headers and body', async () => {
    seen = [];
    const ctx = apiCall({ name: 'Ann' }, { authorization: 'Bearer alk_caller', 'x-api-key': 'alk_caller', 'x-airlock-run': 'r1', 'content-type': 'application/json', accept: 'text/plain' });
    const answer = await forwardStage(forwarder).run(ctx, () => {
      throw new Error('the innermost stage never hands on');
    });
    expect(answer.status).toBe(207);
    expect(answer.headers['x-system']).toBe('crm');
    expect(answer.headers.connection).toBeUndefined();
    expect(await read(answer)).toBe('got 14 bytes');
    expect(await answer.outcome).toBeNull();
    const s = seen[0]!;
    expect(s).toMatchObject({ method: 'POST', url: '/v2/contacts?limit=5', body: '{"name":"Ann"}' });
    expect(s.headers.authorization).toBe('Bearer crm-secret');
    expect(s.headers['x-api-key']).toBeUndefined();
    expect(s.headers['x-airlock-run']).toBeUndefined();
    expect(s.headers.accept).toBe('text/plain');
  });

  it('forwards bytes of any type as they came', async () => {
    seen = [];
    const answer = await forwardStage(forwarder).run(apiCall(Buffer.from([0, 1, 2, 255]), { 'content-type': 'application/octet-stream' }), () => undefined as never);
    await read(answer);
    expect(Buffer.from(seen[0]!.body, 'latin1')).toHaveLength(4);
  });

  it('an unreachable system is a 502 that names it', async () => {
    await expect(forwardStage(forwarder).run(apiCall(undefined, {}, 'http://127.0.0.1:9'), () => undefined as never)).rejects.toMatchObject({ code: 'GW_ERR_UPSTREAM_UNAVAILABLE', status: 502, message: expect.stringContaining('crm') });
  });
});
