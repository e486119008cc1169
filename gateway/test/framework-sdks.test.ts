/**
 * The drop-in promise for the frameworks people build agents with: the Vercel AI SDK and LangChain, pointed at the
 * gateway by their base URL and key alone, non-streaming and streaming, in both wire formats and across them.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { useGatewayWithFakeUpstream } from './helpers/sdk-suite.js';

const suite = useGatewayWithFakeUpstream();

const reply = (said: string): string => `Airlock demo model here. You said: ${said}`;

async function collect(chunks: AsyncIterable<string>): Promise<{ text: string; parts: number }> {
  let text = '';
  let parts = 0;
  for await (const chunk of chunks) {
    text += chunk;
    parts++;
  }
  return { text, parts };
}

describe('Vercel AI SDK', () => {
  it('Responses API (the OpenAI provider default), buffered and streamed', async () => {
    const openai = createOpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: suite.gw.userKey });
    const { text } = await generateText({ model: openai('gpt-test'), prompt: 'hello responses', maxRetries: 0 });
    expect(text).toBe(reply('hello responses'));
    expect(suite.upstream.requests.at(-1)!.path).toBe('/v1/responses');

    const streamed = await collect(streamText({ model: openai('gpt-test'), prompt: 'one two three four', maxRetries: 0 }).textStream);
    expect(streamed.text).toBe(reply('one two three four'));
    expect(streamed.parts).toBeGreaterThan(3);
  });

  it('Chat Completions, streamed, served by an Anthropic model through translation', async () => {
    const openai = createOpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: suite.gw.userKey });
    const result = streamText({ model: openai.chat('claude-test'), prompt: 'across formats', maxRetries: 0 });
    const streamed = await collect(result.textStream);
    expect(streamed.text).toBe(reply('across formats'));
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(suite.upstream.requests.at(-1)!.path).toBe('/v1/messages');
  });

  it('Anthropic provider, buffered and streamed', async () => {
    const anthropic = createAnthropic({ baseURL: `${suite.gw.url}/v1`, apiKey: suite.gw.userKey });
    const { text } = await generateText({ model: anthropic('claude-test'), prompt: 'hello anthropic', maxOutputTokens: 256, maxRetries: 0 });
    expect(text).toBe(reply('hello anthropic'));
    const streamed = await collect(streamText({ model: anthropic('claude-test'), prompt: 'stream it please', maxOutputTokens: 256, maxRetries: 0 }).textStream);
    expect(streamed.text).toBe(reply('stream it please'));
    expect(streamed.parts).toBeGreaterThan(2);
  });

  it('a refused key surfaces as the SDK error with the gateway status', async () => {
    const openai = createOpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: 'alk_not_a_key' });
    await expect(generateText({ model: openai.chat('gpt-test'), prompt: 'hi', maxRetries: 0 })).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('Vercel AI SDK with a tool, through both OpenAI APIs, on both providers', () => {
  const cases = [
    { api: 'Responses', model: 'claude-test', path: '/v1/messages' },
    { api: 'Responses', model: 'gpt-test', path: '/v1/responses' },
    { api: 'Chat', model: 'claude-test', path: '/v1/messages' },
    { api: 'Chat', model: 'gpt-test', path: '/v1/chat/completions' },
  ] as const;

  it.each(cases)('streamText calls the tool and answers with its result ($api on $model)', async ({ api, model, path }) => {
    const openai = createOpenAI({ baseURL: `${suite.gw.url}/v1`, apiKey: suite.gw.userKey });
    const executed: unknown[] = [];
    const lookup = tool({
      description: 'Find an order',
      inputSchema: jsonSchema<{ input: string }>({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'] }),
      execute: async (args) => {
        executed.push(args);
        return 'order 42: shipped';
      },
    });
    const first = suite.upstream.requests.length;
    const result = streamText({
      model: api === 'Responses' ? openai(model) : openai.chat(model),
      prompt: 'please call lookup_order for 42',
      tools: { lookup_order: lookup },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    const streamed = await collect(result.textStream);
    const steps = await result.steps;
    expect(steps[0]!.toolCalls.map((c) => c.toolName)).toEqual(['lookup_order']);
    expect(executed).toEqual([{ input: 'please call lookup_order for 42' }]);
    expect(steps[0]!.finishReason).toBe('tool-calls');
    expect(steps[1]!.finishReason).toBe('stop');
    expect(streamed.text).toContain('Airlock demo model here.');
    expect((await result.totalUsage).inputTokens).toBeGreaterThan(0);
    const sent = suite.upstream.requests.slice(first);
    expect(sent.map((r) => r.path)).toEqual([path, path]);
    // The tool's result went back upstream in the upstream's own terms.
    const second = JSON.stringify(sent[1]!.body);
    expect(second).toContain('order 42: shipped');
    if (path === '/v1/messages') expect(second).toContain('"tool_result"');
  });
});

describe('LangChain', () => {
  it('ChatOpenAI, invoke and stream', async () => {
    const model = new ChatOpenAI({ model: 'gpt-test', apiKey: suite.gw.userKey, configuration: { baseURL: `${suite.gw.url}/v1` }, maxRetries: 0 });
    const message = await model.invoke('hello langchain');
    expect(message.content).toBe(reply('hello langchain'));
    const parts: string[] = [];
    for await (const chunk of await model.stream('streaming through langchain')) parts.push(String(chunk.content));
    expect(parts.join('')).toBe(reply('streaming through langchain'));
    expect(parts.filter(Boolean).length).toBeGreaterThan(3);
  });

  it('ChatOpenAI on the Responses API, served by an Anthropic model through translation', async () => {
    const model = new ChatOpenAI({ model: 'claude-test', apiKey: suite.gw.userKey, configuration: { baseURL: `${suite.gw.url}/v1` }, useResponsesApi: true, maxRetries: 0 });
    const message = await model.invoke('hello responses on claude');
    expect(message.text).toBe(reply('hello responses on claude'));
    expect(message.usage_metadata?.input_tokens).toBeGreaterThan(0);
    expect(suite.upstream.requests.at(-1)!.path).toBe('/v1/messages');
    const parts: string[] = [];
    for await (const chunk of await model.stream('streaming responses on claude')) parts.push(chunk.text);
    expect(parts.join('')).toBe(reply('streaming responses on claude'));
  });

  it('ChatAnthropic, invoke and stream, served by an OpenAI model through translation', async () => {
    const model = new ChatAnthropic({ model: 'gpt-test', apiKey: suite.gw.userKey, anthropicApiUrl: suite.gw.url, maxRetries: 0 });
    const message = await model.invoke('hello from anthropic');
    expect(message.content).toBe(reply('hello from anthropic'));
    expect(suite.upstream.requests.at(-1)!.path).toBe('/v1/chat/completions');
    const parts: string[] = [];
    let inputTokens = 0;
    for await (const chunk of await model.stream('anthropic stream')) {
      parts.push(typeof chunk.content === 'string' ? chunk.content : '');
      inputTokens += chunk.usage_metadata?.input_tokens ?? 0;
    }
    expect(parts.join('')).toBe(reply('anthropic stream'));
    // LangChain reads input tokens from message_start only; OpenAI reports them at the end, so they are counted.
    expect(inputTokens).toBeGreaterThan(0);
  });
});
