/**
 * Resilient routing through the real gateway: fake upstreams that fail in each way, the official OpenAI SDK as the
 * client.
 */
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { startGateway, type TestGateway } from './helpers/start-gateway.js';

let sick: FakeUpstream;
let healthy: FakeUpstream;
let gw: TestGateway;
let client: OpenAI;
let deadPort: number;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const timeouts = { first_byte_ms: 400, idle_ms: 400, total_ms: 5_000, connect_ms: 500 };

beforeAll(async () => {
  sick = await startFakeUpstream();
  healthy = await startFakeUpstream();
  deadPort = await freePort();
  gw = await startGateway({
    providers: {
      sick: { kind: 'openai', base_url: sick.openaiBaseUrl, timeouts },
      healthy: { kind: 'anthropic', base_url: healthy.anthropicBaseUrl, timeouts },
      dead: { kind: 'openai', base_url: `http://127.0.0.1:${deadPort}/v1`, timeouts },
    },
    models: {
      resilient: {
        strategy: 'fallback',
        // A hung deployment is fallen over from only because this model opts in (retries.test.ts: the default).
        retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 50, on_timeout: true },
        breaker: { failure_threshold: 2, cooldown_ms: 400 },
        deployments: [
          { id: 'sick', provider: 'sick', model: 'gpt-sick' },
          { id: 'healthy', provider: 'healthy', model: 'claude-healthy' },
        ],
      },
      'all-dead': {
        retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 20 },
        deployments: [{ id: 'dead', provider: 'dead', model: 'x' }],
      },
      'retry-same': {
        retry: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 20 },
        breaker: { failure_threshold: 10 },
        deployments: [{ id: 'only', provider: 'sick', model: 'gpt-only' }],
      },
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await sick.close();
  await healthy.close();
});
beforeEach(async () => {
  sick.behave({ kind: 'ok' });
  healthy.behave({ kind: 'ok' });
  // Let any open breaker from an earlier test cool down and be probed closed.
  await new Promise((r) => setTimeout(r, 450));
});

const ask = (model = 'resilient') => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'route me' }] }).withResponse();

async function deployments(): Promise<Record<string, { breaker: string; failures: number; successes: number }>> {
  const res = await fetch(`${gw.url}/admin/deployments`, { headers: { authorization: `Bearer ${gw.adminKey}` } });
  const body = (await res.json()) as { deployments: { id: string; breaker: string; failures: number; successes: number }[] };
  return Object.fromEntries(body.deployments.map((d) => [d.id, d]));
}

describe('failover to a healthy deployment (translated across providers)', () => {
  for (const [name, behavior] of [
    ['500', { kind: 'status', status: 500 }],
    ['429 with Retry-After', { kind: 'status', status: 429, retryAfter: 30 }],
    ['hang', { kind: 'hang' }],
    ['drop before the first byte', { kind: 'drop', afterEvents: 0 }],
  ] as const) {
    it(`when the first deployment fails with ${name}`, async () => {
      sick.behave(behavior, 1);
      const { data, response } = await ask();
      expect(data.choices[0]!.message.content).toBe('Airlock demo model here. You said: route me');
      expect(response.headers.get('x-airlock-served-by')).toBe('healthy');
      expect(healthy.requests.at(-1)!.body.model).toBe('claude-healthy');
    });
  }

  it('when the first deployment refuses connections', async () => {
    const gw2 = await startGateway({
      providers: { dead: { kind: 'openai', base_url: `http://127.0.0.1:${deadPort}/v1`, timeouts }, healthy: { kind: 'anthropic', base_url: healthy.anthropicBaseUrl } },
      models: { m: { deployments: [{ id: 'dead', provider: 'dead', model: 'x' }, { id: 'healthy', provider: 'healthy', model: 'y' }] } },
    });
    const c = new OpenAI({ baseURL: `${gw2.url}/v1`, apiKey: gw2.adminKey, maxRetries: 0 });
    const { response } = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(response.headers.get('x-airlock-served-by')).toBe('healthy');
    await gw2.close();
  });

  it('streams from the healthy deployment when the first one drops before any byte', async () => {
    sick.behave({ kind: 'drop', afterEvents: 0 }, 1);
    const stream = await client.chat.completions.create({ model: 'resilient', stream: true, messages: [{ role: 'user', content: 'route me' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Airlock demo model here. You said: route me');
  });

  it('does not retry once streamed bytes may have reached the client', async () => {
    sick.behave({ kind: 'drop', afterEvents: 3 }, 1);
    const before = healthy.requests.length;
    const stream = await client.chat.completions.create({ model: 'resilient', stream: true, messages: [{ role: 'user', content: 'route me please now' }] });
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow();
    expect(healthy.requests.length).toBe(before);
  });
});

describe('retries on the same deployment', () => {
  it('retries a 503 with backoff and succeeds', async () => {
    sick.behave({ kind: 'status', status: 503 }, 2);
    const before = sick.requests.length;
    const { data, response } = await ask('retry-same');
    expect(data.choices[0]!.message.content).toContain('route me');
    expect(response.headers.get('x-airlock-served-by')).toBe('only');
    expect(sick.requests.length - before).toBe(3);
  });

  it('does not retry a 400', async () => {
    sick.behave({ kind: 'status', status: 400, message: 'bad prompt' }, 1);
    const before = sick.requests.length;
    await expect(ask('retry-same')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(sick.requests.length - before).toBe(1);
  });
});

describe('when no deployment is left', () => {
  it('the client gets a clear error in its own format', async () => {
    const error = await ask('all-dead').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as Error).message).toMatch(/upstream connection failed/);
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, skips the deployment, then recovers through a probe', async () => {
    sick.behave({ kind: 'status', status: 500 });
    await ask();
    await ask();
    expect((await deployments()).sick!.breaker).toBe('open');
    const sickCalls = sick.requests.length;
    const { response } = await ask();
    expect(response.headers.get('x-airlock-served-by')).toBe('healthy');
    expect(sick.requests.length).toBe(sickCalls);

    sick.behave({ kind: 'ok' });
    await new Promise((r) => setTimeout(r, 450));
    expect((await deployments()).sick!.breaker).toBe('half_open');
    const probe = await ask();
    expect(probe.response.headers.get('x-airlock-served-by')).toBe('sick');
    expect((await deployments()).sick!.breaker).toBe('closed');
  });

  it('is visible in Prometheus metrics', async () => {
    const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${gw.adminKey}` } });
    const text = await res.text();
    expect(text).toContain('# TYPE airlock_deployment_breaker_state gauge');
    expect(text).toMatch(/airlock_deployment_breaker_state\{deployment="sick"\} [012]/);
    expect(text).toMatch(/airlock_upstream_attempts_total\{deployment="healthy",model="resilient",result="ok"\} \d+/);
  });

  it('admin routes need an operator key', async () => {
    const res = await fetch(`${gw.url}/admin/deployments`, { headers: { authorization: `Bearer ${gw.userKey}` } });
    expect(res.status).toBe(403);
  });
});
