/**
 * The drop-in promise, proven with the official OpenAI SDK: only baseURL and apiKey change.
 */
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGatewayWithFakeUpstream } from './helpers/sdk-suite.js';

const suite = useGatewayWithFakeUpstream();
let client: OpenAI;

beforeAll(() => {
  client = new OpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: suite.gw.userKey, maxRetries: 0 });
});

const tools = [
  { type: 'function' as const, function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { input: { type: 'string' } } } } },
];

describe('chat completions through the gateway (OpenAI upstream)', () => {
  it('answers non-streaming calls, with the model rewritten upstream and provider credentials held by the gateway', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(res.choices[0]!.message.content).toBe('Airlock demo model here. You said: Hello there');
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
    const seen = suite.upstream.requests.at(-1)!;
    expect(seen.body.model).toBe('gpt-upstream');
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-openai');
  });

  it('resolves aliases', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-alias', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0]!.finish_reason).toBe('stop');
  });

  it('streams chunk by chunk', async () => {
    suite.upstream.setEventDelay(20);
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    const arrivals: number[] = [];
    let text = '';
    let usage = 0;
    for await (const chunk of stream) {
      arrivals.push(Date.now());
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage?.total_tokens ?? usage;
    }
    expect(text).toBe('Airlock demo model here. You said: one two three four five');
    expect(usage).toBeGreaterThan(0);
    // Ten-odd events 20 ms apart: a buffered response would deliver them all at once.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(100);
  });

  it('returns tool calls', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-test', tools, messages: [{ role: 'user', content: 'please call lookup_order for 42' }] });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('lookup_order');
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('cancels the upstream request when the client gives up waiting for a non-streaming answer', async () => {
    suite.upstream.behave({ kind: 'hang' });
    const controller = new AbortController();
    const call = client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'take your time' }] }, { signal: controller.signal });
    const index = suite.upstream.requests.length;
    while (suite.upstream.requests.length <= index) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await expect(call).rejects.toThrow(OpenAI.APIUserAbortError);
    // Well before the deployment's own 2 s first-byte timeout would have ended the upstream request.
    const cancelled = await suite.upstream.waitForCancel(index, 1_000);
    expect(cancelled.completed).toBe(false);
  });

  it('cancels the upstream request when the client aborts mid-stream', async () => {
    suite.upstream.setEventDelay(50);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'a long answer please with many words in it' }] },
      { signal: controller.signal },
    );
    const index = suite.upstream.requests.length - 1;
    let received = 0;
    await (async () => {
      for await (const _chunk of stream) {
        received++;
        controller.abort();
      }
    })().catch(() => undefined);
    expect(received).toBeGreaterThan(0);
    const cancelled = await suite.upstream.waitForCancel(index);
    expect(cancelled.completed).toBe(false);
  });
});

describe('translation: OpenAI client, Anthropic-served model', () => {
  it('non-streaming, with system prompt and usage', async () => {
    const res = await client.chat.completions.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Translate me' },
      ],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]!.message.content).toBe('Airlock demo model here. You said: Translate me');
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    const seen = suite.upstream.requests.at(-1)!;
    expect(seen.path).toBe('/v1/messages');
    expect(seen.body.system).toBe('Be brief.');
    expect(seen.body.model).toBe('claude-upstream');
    expect(seen.headers['x-api-key']).toBe('sk-upstream-anthropic');
  });

  it('streaming with tool calls', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-test',
      stream: true,
      stream_options: { include_usage: true },
      tools,
      messages: [{ role: 'user', content: 'call lookup_order now' }],
    });
    let args = '';
    let name = '';
    let finish: string | null = null;
    let usage = 0;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      for (const tc of delta?.tool_calls ?? []) {
        name ||= tc.function?.name ?? '';
        args += tc.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage?.completion_tokens ?? usage;
    }
    expect(name).toBe('lookup_order');
    expect(JSON.parse(args)).toEqual({ input: 'call lookup_order now' });
    expect(finish).toBe('tool_calls');
    expect(usage).toBeGreaterThan(0);
  });

  it('carries tool results back to Anthropic as tool_result blocks', async () => {
    await client.chat.completions.create({
      model: 'claude-test',
      messages: [
        { role: 'user', content: 'call lookup_order' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"input":"42"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'order 42: shipped' },
      ],
    });
    const messages = suite.upstream.requests.at(-1)!.body.messages as { role: string; content: { type: string }[] }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]!.content[0]).toMatchObject({ type: 'tool_use', id: 'call_1', name: 'lookup_order', input: { input: '42' } });
    expect(messages[2]!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_1', content: 'order 42: shipped' });
  });
});

describe('request headers', () => {
  it('forwards the headers the provider allow-lists (OpenAI-Organization, OpenAI-Project), and no others', async () => {
    const scoped = new OpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: suite.gw.userKey, organization: 'org-caller', project: 'proj_caller', maxRetries: 0 });
    await scoped.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'anthropic-beta': 'x', 'x-custom': 'y' } });
    const seen = suite.upstream.requests.at(-1)!;
    expect(seen.headers['openai-organization']).toBe('org-caller');
    expect(seen.headers['openai-project']).toBe('proj_caller');
    expect(seen.headers['anthropic-beta']).toBeUndefined();
    expect(seen.headers['x-custom']).toBeUndefined();
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-openai');
  });
});

describe('translation: what an Anthropic model cannot serve is refused clearly', () => {
  it('n > 1 on Chat Completions', async () => {
    const error = await client.chat.completions.create({ model: 'claude-test', n: 3, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'GW_ERR_UNSUPPORTED_TRANSLATION', param: 'n' });
  });

  it('previous_response_id on the Responses API (the gateway keeps no responses)', async () => {
    const error = await client.responses.create({ model: 'claude-test', input: 'again', previous_response_id: 'resp_abc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'GW_ERR_UNSUPPORTED_TRANSLATION', param: 'previous_response_id' });
    expect((error as Error).message).toContain('send the whole conversation');
  });

  it('serves the Responses API on an Anthropic model, streamed, with store answered false', async () => {
    const res = await client.responses.create({ model: 'claude-test', input: 'Say hi', store: true });
    expect(res.output_text).toBe('Airlock demo model here. You said: Say hi');
    expect((res as unknown as { store: boolean }).store).toBe(false);
    expect(suite.upstream.requests.at(-1)!.path).toBe('/v1/messages');
  });
});

describe('other OpenAI endpoints', () => {
  it('lists models', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-test', 'gpt-alias', 'claude-test', 'demo-1']));
  });

  it('creates embeddings', async () => {
    const res = await client.embeddings.create({ model: 'gpt-test', input: 'hello' });
    expect(res.data[0]!.embedding).toHaveLength(3);
  });

  it('serves the Responses API, streaming included', async () => {
    const res = await client.responses.create({ model: 'gpt-test', input: 'Say hi' });
    expect(res.output_text).toBe('Airlock demo model here. You said: Say hi');
    const stream = await client.responses.create({ model: 'gpt-test', input: 'Stream hi', stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    expect(text).toBe('Airlock demo model here. You said: Stream hi');
    expect(completed).toBe(true);
  });

  it('serves the demo model with no upstream at all', async () => {
    const res = await client.chat.completions.create({ model: 'demo-1', messages: [{ role: 'user', content: 'ping' }] });
    expect(res.choices[0]!.message.content).toContain('ping');
  });
});

describe('errors map to the SDK exception classes', () => {
  it('401 for an unknown key', async () => {
    const bad = new OpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: 'alk_nope', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('401 for a revoked key', async () => {
    const { record, plainKey } = await suite.gw.keyStore.create({ tenant: 'default', team: 't', user: 'u', roles: [] });
    await suite.gw.keyStore.revoke('default', record.id);
    const revoked = new OpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: plainKey, maxRetries: 0 });
    await expect(revoked.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(/revoked/);
  });

  it('404 for an unknown model', async () => {
    await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('400 naming the field for a schema violation', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: 'hello' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('messages');
  });

  it('429 with Retry-After from the upstream', async () => {
    suite.upstream.behave({ kind: 'status', status: 429, retryAfter: 7 }, 1);
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
  });

  it('an upstream 500 reaches the SDK as the upstream sent it', async () => {
    suite.upstream.behave({ kind: 'status', status: 500, message: 'model melted' }, 1);
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((error as Error).message).toContain('model melted');
  });

  it('an upstream that refuses the gateway\'s credentials is the gateway\'s 502, not the caller\'s 401', async () => {
    suite.upstream.behave({ kind: 'status', status: 401, message: 'Incorrect API key provided: sk-upst***' }, 1);
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('GW_ERR_UPSTREAM');
  });

  it('504 when the upstream never answers', async () => {
    suite.upstream.behave({ kind: 'hang' }, 1);
    const error = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
  });

  it('an error event when the upstream drops a stream midway', async () => {
    suite.upstream.behave({ kind: 'drop', afterEvents: 3 }, 1);
    const stream = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x y z w' }] });
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow(/upstream/);
  });
});
