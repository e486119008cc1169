/**
 * The drop-in promise, proven with the official Anthropic SDK: only baseURL and the key change.
 */
import Anthropic from '@anthropic-ai/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGatewayWithFakeUpstream } from './helpers/sdk-suite.js';

const suite = useGatewayWithFakeUpstream();
let client: Anthropic;

beforeAll(() => {
  client = new Anthropic({ baseURL: suite.gw.url, apiKey: suite.gw.userKey, maxRetries: 0 });
});

const tools = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { input: { type: 'string' } } } }];

describe('messages through the gateway (Anthropic upstream)', () => {
  it('answers non-streaming calls with x-api-key, rewriting the model and holding credentials', async () => {
    const msg = await client.messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'Hello Claude' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Airlock demo model here. You said: Hello Claude' });
    expect(msg.stop_reason).toBe('end_turn');
    const seen = suite.upstream.requests.at(-1)!;
    expect(seen.body.model).toBe('claude-upstream');
    expect(seen.headers['x-api-key']).toBe('sk-upstream-anthropic');
  });

  it('accepts the key as Authorization: Bearer', async () => {
    const bearer = new Anthropic({ baseURL: suite.gw.url, authToken: suite.gw.userKey, apiKey: null, maxRetries: 0 });
    const msg = await bearer.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.type).toBe('message');
  });

  it('streams every event type, chunk by chunk', async () => {
    suite.upstream.setEventDelay(20);
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'tell me more' }] });
    const types = new Set<string>();
    const arrivals: number[] = [];
    for await (const event of stream) {
      types.add(event.type);
      arrivals.push(Date.now());
    }
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Airlock demo model here. You said: tell me more' });
    expect([...types]).toEqual(expect.arrayContaining(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']));
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(100);
  });

  it('streams tool use with input_json_delta', async () => {
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 100, tools, messages: [{ role: 'user', content: 'call get_weather for Paris' }] });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { input: 'call get_weather for Paris' } });
  });

  it('cancels the upstream request when the client aborts', async () => {
    suite.upstream.setEventDelay(50);
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'a long story with very many words' }] });
    const index = suite.upstream.requests.length;
    await (async () => {
      for await (const event of stream) if (event.type === 'content_block_delta') stream.abort();
    })().catch(() => undefined);
    const cancelled = await suite.upstream.waitForCancel(index);
    expect(cancelled.completed).toBe(false);
  });
});

describe('request headers', () => {
  it('forwards anthropic-beta (the SDK\'s betas) and the client\'s anthropic-version, never its key', async () => {
    await client.beta.messages.create({ model: 'claude-test', max_tokens: 10, betas: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'], messages: [{ role: 'user', content: 'hi' }] });
    let seen = suite.upstream.requests.at(-1)!;
    expect(seen.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-1m-2025-08-07');
    expect(seen.headers['x-api-key']).toBe('sk-upstream-anthropic');
    await client.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'anthropic-version': '2023-01-01' } });
    seen = suite.upstream.requests.at(-1)!;
    expect(seen.headers['anthropic-version']).toBe('2023-01-01');
    expect(seen.headers['anthropic-beta']).toBeUndefined();
  });

  it('sends its own anthropic-version on a translated call', async () => {
    const openaiShaped = await fetch(`${suite.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${suite.gw.userKey}`, 'content-type': 'application/json', 'anthropic-beta': 'not-for-translation' },
      body: JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(openaiShaped.status).toBe(200);
    const seen = suite.upstream.requests.at(-1)!;
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen.headers['anthropic-beta']).toBeUndefined();
  });
});

describe('translation: Anthropic client, OpenAI-served model', () => {
  it('non-streaming, with system prompt, usage and stop reason', async () => {
    const msg = await client.messages.create({ model: 'gpt-test', max_tokens: 50, system: 'Be kind.', messages: [{ role: 'user', content: 'Hi GPT' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Airlock demo model here. You said: Hi GPT' });
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    const seen = suite.upstream.requests.at(-1)!;
    expect(seen.path).toBe('/v1/chat/completions');
    expect((seen.body.messages as { role: string }[])[0]).toEqual({ role: 'system', content: 'Be kind.' });
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-openai');
  });

  it('streaming text', async () => {
    const stream = client.messages.stream({ model: 'gpt-test', max_tokens: 50, messages: [{ role: 'user', content: 'stream please' }] });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Airlock demo model here. You said: stream please' });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('streaming tool calls and sending tool results back', async () => {
    const stream = client.messages.stream({ model: 'gpt-test', max_tokens: 50, tools, messages: [{ role: 'user', content: 'call get_weather' }] });
    const final = await stream.finalMessage();
    const use = final.content.find((b) => b.type === 'tool_use');
    expect(use).toMatchObject({ name: 'get_weather', input: { input: 'call get_weather' } });
    expect(final.stop_reason).toBe('tool_use');

    await client.messages.create({
      model: 'gpt-test',
      max_tokens: 50,
      tools,
      messages: [
        { role: 'user', content: 'call get_weather' },
        { role: 'assistant', content: final.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as { id: string }).id, content: 'sunny' }] },
      ],
    });
    const messages = suite.upstream.requests.at(-1)!.body.messages as Record<string, unknown>[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(messages[2]).toMatchObject({ role: 'tool', tool_call_id: (use as { id: string }).id, content: 'sunny' });
  });
});

describe('errors map to the SDK exception classes', () => {
  it('401 in Anthropic shape', async () => {
    const bad = new Anthropic({ baseURL: suite.gw.url, apiKey: 'alk_wrong', maxRetries: 0 });
    const error = await bad.messages.create({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('404 for an unknown model', async () => {
    await expect(client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('400 naming max_tokens when it is missing', async () => {
    const error = await client.messages.create({ model: 'claude-test', messages: [{ role: 'user', content: 'x' }] } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('max_tokens');
  });

  it('upstream overload reaches the SDK as the upstream sent it: 529, OverloadedError', async () => {
    suite.upstream.behave({ kind: 'status', status: 529, message: 'Overloaded' }, 1);
    const error = await client.messages.create({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((error as Error).message).toContain('Overloaded');
  });

  it('an error event when the upstream stalls midway', async () => {
    suite.upstream.behave({ kind: 'stall', afterEvents: 3 }, 1);
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/timeout/);
  });
});
