/**
 * An unknown model is a 404 the official SDKs raise as NotFoundError, with the default policy bundle loaded: the
 * model is resolved before the policy is asked (which would otherwise refuse an unknown provider with a 403).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream/index.js';
import { fakeUpstreamConfig, startGateway, type TestGateway } from './helpers/start-gateway.js';

let upstream: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gw = await startGateway({ ...fakeUpstreamConfig(upstream), policy: { enabled: true, watch: false } });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('an unknown model, with a policy bundle loaded', () => {
  it('is NotFoundError for the OpenAI SDK, on chat, responses and embeddings', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.userKey, maxRetries: 0 });
    const before = upstream.requests.length;
    const calls = [
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      client.responses.create({ model: 'no-such-model', input: 'hi' }),
      client.embeddings.create({ model: 'no-such-model', input: 'hi' }),
    ];
    for (const call of calls) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).status).toBe(404);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('GW_ERR_UNKNOWN_MODEL');
      expect((error as Error).message).toContain('no-such-model');
      expect((error as Error).message).not.toContain('not allowed');
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('is NotFoundError for the Anthropic SDK, buffered and streamed', async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: gw.userKey, maxRetries: 0 });
    const buffered = await client.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(buffered).toBeInstanceOf(Anthropic.NotFoundError);
    const streamed = await (async () => {
      const stream = client.messages.stream({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      await stream.finalMessage();
    })().catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(Anthropic.NotFoundError);
    expect((streamed as Error).message).toContain('does not exist');
  });

  it('is still 401 first for a caller without a valid key', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'not-a-key', maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('a known model is still decided by the policy (the default bundle allows only demo-* for unlisted teams)', async () => {
    const { plainKey } = await gw.keyStore.create({ tenant: 'default', team: 'unlisted-team', user: 'u', roles: ['user'] });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: plainKey, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const ok = await client.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.choices[0]!.message.content).toContain('hi');
  });
});
