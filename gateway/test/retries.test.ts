/**
 * Safe retries, counted at the upstream: the gateway repeats a call only where the official SDKs would (no
 * connection, 408, 409, 429, 5xx, `x-should-retry`), a delivered request that timed out only when the model opts in
 * or the caller sent an Idempotency-Key, and falls back to other deployments apart from its retry budget. Every
 * attempt is recorded with what it may cost; client errors never open a circuit; API calls through /api/:system run
 * a non-idempotent method at most once without an Idempotency-Key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { startGateway, type TestGateway } from './helpers/start-gateway.js';

let up: FakeUpstream;
let other: FakeUpstream;
let gw: TestGateway;
let client: OpenAI;

/** A system for /api/crm that answers each request with the next queued status (200 when none), counting them. */
let system: Server;
let systemSeen: { method: string; url: string; idempotencyKey: string | undefined }[] = [];
let systemQueue: { status: number; headers?: Record<string, string> }[] = [];

const timeouts = { connect_ms: 500, first_byte_ms: 300, idle_ms: 300, total_ms: 5_000 };
const quick = { base_delay_ms: 5, max_delay_ms: 20 };
/** Breakers that stay closed through this file's many deliberate failures (the breaker has its own test below). */
const lenient = { failure_threshold: 50, window: 100, min_calls: 100 };

beforeAll(async () => {
  up = await startFakeUpstream();
  other = await startFakeUpstream();
  system = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      systemSeen.push({ method: req.method!, url: req.url!, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      const next = systemQueue.shift() ?? { status: 200 };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify({ status: next.status }));
    });
  });
  await new Promise<void>((r) => system.listen(0, '127.0.0.1', r));
  const crm = `http://127.0.0.1:${(system.address() as AddressInfo).port}`;
  gw = await startGateway({
    store: { kind: 'embedded', path: 'clickhouse' },
    providers: {
      up: { kind: 'openai', base_url: up.openaiBaseUrl, timeouts },
      other: { kind: 'anthropic', base_url: other.anthropicBaseUrl, timeouts },
    },
    models: {
      single: { retry: { max_attempts: 3, ...quick }, breaker: lenient, deployments: [{ id: 'single', provider: 'up', model: 'gpt-4o' }] },
      'timeout-ok': { retry: { max_attempts: 2, on_timeout: true, ...quick }, breaker: lenient, deployments: [{ id: 'tok', provider: 'up', model: 'gpt-4o' }] },
      // One attempt per deployment must still fall back to the next one.
      pair: {
        retry: { max_attempts: 1 },
        breaker: lenient,
        deployments: [{ id: 'first', provider: 'up', model: 'gpt-4o' }, { id: 'second', provider: 'other', model: 'claude-x' }],
      },
      'no-fallback': {
        retry: { max_attempts: 1 },
        fallback: false,
        breaker: lenient,
        deployments: [{ id: 'nf-first', provider: 'up', model: 'gpt-4o' }, { id: 'nf-second', provider: 'other', model: 'claude-x' }],
      },
      fragile: { retry: { max_attempts: 1 }, breaker: { failure_threshold: 3, cooldown_ms: 60_000 }, deployments: [{ id: 'fragile', provider: 'up', model: 'gpt-4o' }] },
    },
    systems: { crm: { base_url: crm, methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], retry: { max_attempts: 3, ...quick } } },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await up.close();
  await other.close();
  await new Promise((r) => system.close(r));
});
beforeEach(() => {
  up.behave({ kind: 'ok' });
  other.behave({ kind: 'ok' });
  systemSeen = [];
  systemQueue = [];
});

const ask = (model: string, headers: Record<string, string> = {}) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'count me' }] }, { headers }).withResponse();

/** How many requests the upstream received while `run` ran. */
async function counted(upstream: FakeUpstream, run: () => Promise<unknown>): Promise<number> {
  const before = upstream.requests.length;
  await run().catch(() => undefined);
  return upstream.requests.length - before;
}

describe('what is retried, as the SDKs retry it', () => {
  for (const status of [408, 409, 429, 500, 503, 529]) {
    it(`${status} is retried`, async () => {
      up.behave({ kind: 'status', status }, 1);
      expect(await counted(up, () => ask('single'))).toBe(2);
    });
  }

  for (const status of [400, 401, 403, 404, 422]) {
    it(`${status} is not`, async () => {
      up.behave({ kind: 'status', status }, 3);
      expect(await counted(up, () => ask('single'))).toBe(1);
    });
  }

  it('x-should-retry: false overrides a 503, and x-should-retry: true a 400', async () => {
    up.behave({ kind: 'status', status: 503, headers: { 'x-should-retry': 'false' } }, 1);
    expect(await counted(up, () => ask('single'))).toBe(1);
    up.behave({ kind: 'status', status: 400, headers: { 'x-should-retry': 'true' } }, 1);
    expect(await counted(up, () => ask('single'))).toBe(2);
  });

  it('waits what retry-after-ms says before the retry', async () => {
    up.behave({ kind: 'status', status: 429, headers: { 'retry-after-ms': '250' } }, 1);
    const started = Date.now();
    const { response } = await ask('single');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('a Retry-After beyond the deadline is not waited for: the caller gets the 429 and the hint', async () => {
    up.behave({ kind: 'status', status: 429, retryAfter: 3600 }, 1);
    let error: unknown;
    const n = await counted(up, () => ask('single').catch((e: unknown) => Promise.reject((error = e))));
    expect(n).toBe(1);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('a timeout after the request was delivered', () => {
  it('is not repeated by default: the first generation may still run and be billed', async () => {
    up.behave({ kind: 'hang' }, 3);
    let error: unknown;
    expect(await counted(up, () => ask('single').catch((e: unknown) => Promise.reject((error = e))))).toBe(1);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
  });

  it('a stream that stalls before any data (idle timeout) is not repeated either', async () => {
    up.behave({ kind: 'stall', afterEvents: 0 }, 3);
    const n = await counted(up, async () => {
      const stream = await client.chat.completions.create({ model: 'single', stream: true, messages: [{ role: 'user', content: 'x' }] });
      for await (const _ of stream) {
        // drain
      }
    });
    expect(n).toBe(1);
  });

  it('is repeated when the model opts in (retry.on_timeout)', async () => {
    up.behave({ kind: 'hang' }, 1);
    expect(await counted(up, () => ask('timeout-ok'))).toBe(2);
  });

  it('is repeated when the caller sent an Idempotency-Key', async () => {
    up.behave({ kind: 'hang' }, 1);
    let status = 0;
    expect(await counted(up, async () => (status = (await ask('single', { 'idempotency-key': 'k-1' })).response.status))).toBe(2);
    expect(status).toBe(200);
  });

  it('every attempt is recorded, the timed-out one with the prompt it may have been billed for', async () => {
    up.behave({ kind: 'hang' }, 1);
    const { response } = await ask('timeout-ok');
    const id = response.headers.get('x-airlock-call-id')!;
    await new Promise((r) => setTimeout(r, 50));
    await gw.app.airlock.store!.writer.flush();
    const res = await fetch(`${gw.url}/admin/calls/${id}`, { headers: { authorization: `Bearer ${gw.adminKey}` } });
    const { call, spans } = (await res.json()) as { call: { attempts: number; cost_micros: number | string }; spans: { kind: string; status_code: string; attributes: Record<string, string> }[] };
    const client = spans.filter((s) => s.kind === 'CLIENT');
    expect(call.attempts).toBe(2);
    expect(client.map((s) => s.status_code)).toEqual(['ERROR', 'OK']);
    const [failed, answered] = client as [(typeof client)[0], (typeof client)[0]];
    expect(failed.attributes).toMatchObject({ 'error.type': 'timeout', 'airlock.attempt.delivered': 'true', 'airlock.usage.estimated': 'true' });
    expect(Number(failed.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    const failedCost = Number(failed.attributes['airlock.attempt.cost_micros']);
    const answeredCost = Number(answered.attributes['airlock.attempt.cost_micros']);
    expect(failedCost).toBeGreaterThan(0);
    expect(answeredCost).toBeGreaterThan(0);
    expect(Number(call.cost_micros)).toBe(failedCost + answeredCost);
  });
});

describe('fallback is governed apart from retries', () => {
  it('max_attempts: 1 still falls back to the next deployment', async () => {
    up.behave({ kind: 'status', status: 500 }, 1);
    const before = other.requests.length;
    const { response } = await ask('pair');
    expect(response.headers.get('x-airlock-served-by')).toBe('second');
    expect(other.requests.length - before).toBe(1);
  });

  it('fallback: false keeps the call on its deployment', async () => {
    up.behave({ kind: 'status', status: 500 }, 1);
    const before = other.requests.length;
    const error = await ask('no-fallback').catch((e: unknown) => e);
    // The upstream's own 500, as the caller's SDK expects it.
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect(other.requests.length - before).toBe(0);
  });

  it('a delivered timeout does not fall over to another deployment without the opt-in', async () => {
    up.behave({ kind: 'hang' }, 1);
    const before = other.requests.length;
    await expect(ask('pair')).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(other.requests.length - before).toBe(0);
  });
});

describe('circuit breaker', () => {
  const breaker = async (id: string): Promise<string> => {
    const res = await fetch(`${gw.url}/admin/deployments`, { headers: { authorization: `Bearer ${gw.adminKey}` } });
    return ((await res.json()) as { deployments: { id: string; breaker: string }[] }).deployments.find((d) => d.id === id)!.breaker;
  };

  it('client errors (400, 404, 422) never open it; 5xx do', async () => {
    for (const status of [400, 404, 422, 400, 404, 422]) {
      up.behave({ kind: 'status', status }, 1);
      await ask('fragile').catch(() => undefined);
    }
    expect(await breaker('fragile')).toBe('closed');
    // The client errors proved the deployment answers; three server errors in a row are what opens it.
    up.behave({ kind: 'status', status: 500 }, 3);
    for (let i = 0; i < 3; i++) await ask('fragile').catch(() => undefined);
    expect(await breaker('fragile')).toBe('open');
  });
});

describe('/api/:system: non-idempotent methods run at most once without an Idempotency-Key', () => {
  const call = (method: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}/api/crm/contacts?x=1`, {
      method,
      headers: { authorization: `Bearer ${gw.adminKey}`, ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{"name":"Ann"}' }),
    });

  for (const method of ['POST', 'PATCH']) {
    it(`${method} answered 503 reaches the system once, and the caller gets the 503`, async () => {
      systemQueue = [{ status: 503 }, { status: 503 }];
      const res = await call(method);
      expect(res.status).toBe(503);
      expect(systemSeen).toHaveLength(1);
    });

    it(`${method} with an Idempotency-Key is retried, the key sent each time`, async () => {
      systemQueue = [{ status: 503 }];
      const res = await call(method, { 'idempotency-key': 'op-7' });
      expect(res.status).toBe(200);
      expect(systemSeen.map((s) => s.idempotencyKey)).toEqual(['op-7', 'op-7']);
    });
  }

  for (const method of ['GET', 'PUT', 'DELETE']) {
    it(`${method} (idempotent) is retried on 502, and stops at max_attempts`, async () => {
      systemQueue = [{ status: 502 }];
      expect((await call(method)).status).toBe(200);
      expect(systemSeen).toHaveLength(2);
      systemSeen = [];
      systemQueue = [{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }];
      expect((await call(method)).status).toBe(502);
      expect(systemSeen).toHaveLength(3);
    });
  }

  it('a 4xx is never retried, and x-should-retry: false is honoured', async () => {
    systemQueue = [{ status: 404 }, { status: 503, headers: { 'x-should-retry': 'false' } }];
    expect((await call('GET')).status).toBe(404);
    expect((await call('GET')).status).toBe(503);
    expect(systemSeen).toHaveLength(2);
  });
});
