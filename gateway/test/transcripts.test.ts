/**
 * Recorded provider exchanges (fake-upstream/transcripts), replayed behind the gateway in small TCP writes and read
 * through the official SDKs: same-format, where the caller must see what the provider sent, and translated, where
 * it must see the same answer in its own format. Streams are replayed again with the connection dropped midway.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { frameEvents, loadTranscripts, type StopWords, type Transcript } from './fake-upstream/replay.js';
import { readThroughSdk, sdkClients, type ClientApi, type SdkAnswer, type SdkClients, type SdkFailure } from './helpers/sdk-readers.js';
import { useGatewayWithFakeUpstream } from './helpers/sdk-suite.js';

// Replayed failures follow each other quickly: no circuit may open between them.
const suite = useGatewayWithFakeUpstream((config) => {
  const models = Object.fromEntries(
    Object.entries(config.models ?? {}).map(([name, m]) => [name, { ...m, breaker: { failure_threshold: 10_000, min_calls: 10_000 } }]),
  );
  return { ...config, models };
});
let clients: SdkClients;
beforeAll(() => {
  clients = sdkClients(suite.gw.url, suite.gw.userKey);
});

const transcripts = loadTranscripts();

/** The model served by the transcript's provider, and the client APIs that reach it by translation. */
const MODEL = { 'openai.chat': 'gpt-test', 'openai.responses': 'gpt-test', 'anthropic.messages': 'claude-test' } as const;
const TRANSLATED: Record<Transcript['api'], readonly ClientApi[]> = {
  'openai.chat': ['anthropic.messages'],
  'openai.responses': [],
  'anthropic.messages': ['openai.chat', 'openai.responses'],
};
const STOP_KEY: Record<ClientApi, keyof StopWords> = { 'openai.chat': 'chat', 'anthropic.messages': 'messages', 'openai.responses': 'responses' };

const isFailure = (x: SdkAnswer | SdkFailure): x is SdkFailure => 'error' in x;

async function replay(t: Transcript, api: ClientApi, options: { dropAtByte?: number } = {}): Promise<SdkAnswer | SdkFailure> {
  suite.upstream.behave({ kind: 'replay', transcript: t, ...options }, 1);
  return readThroughSdk(clients, api, MODEL[t.api], t.stream);
}

function sdkErrorClass(api: ClientApi, error: Error): string {
  const classes = api === 'anthropic.messages' ? Anthropic : OpenAI;
  for (const name of ['OverloadedError', 'RateLimitError', 'BadRequestError', 'NotFoundError', 'AuthenticationError', 'PermissionDeniedError', 'InternalServerError', 'APIConnectionError', 'APIError']) {
    const cls = (classes as unknown as Record<string, (new (...a: never[]) => Error) | undefined>)[name];
    if (cls && error instanceof cls) return name;
  }
  return error.constructor.name;
}

function checkAnswer(t: Transcript, api: ClientApi, answer: SdkAnswer): void {
  const e = t.expect;
  // A refusal has a field of its own in OpenAI's formats; an Anthropic client reads it as the text.
  const refusalInText = e.refusal !== undefined && api === 'anthropic.messages';
  if (e.text !== undefined) expect(answer.text).toBe(refusalInText ? e.text + e.refusal : e.text);
  if (e.refusal !== undefined && !refusalInText) expect(answer.refusal).toBe(e.refusal);
  if (e.reasoning !== undefined) expect(answer.reasoning).toBe(e.reasoning);
  if (e.signature !== undefined && api !== 'openai.chat') expect(answer.signature).toContain(e.signature);
  expect(answer.tools).toEqual(e.tools ?? []);
  if (e.usage) expect(answer.usage).toEqual(e.usage);
  const stop = e.stop?.[STOP_KEY[api]];
  if (stop !== undefined) expect(answer.stop).toBe(stop);
  for (const a of e.annotations ?? []) expect(answer.text + answer.annotations.join('\n')).toContain(a);
}

function checkOutcome(t: Transcript, api: ClientApi, result: SdkAnswer | SdkFailure): void {
  const e = t.expect;
  if (e.midStreamError) {
    expect(isFailure(result), 'the stream should end in an error').toBe(true);
    const { error, partial } = result as SdkFailure;
    expect(error.message).toContain(e.midStreamError);
    // What streamed before the error reached the client.
    if (e.text !== undefined) expect(partial.text).toBe(e.text);
    if (e.reasoning !== undefined) expect(partial.reasoning).toBe(e.reasoning);
    return;
  }
  if (isFailure(result)) throw result.error;
  checkAnswer(t, api, result);
  if (e.requestId) expect(result.requestId).toBe(e.requestId);
}

describe.each(transcripts)('$name', (t) => {
  const e = t.expect;
  const translated = TRANSLATED[t.api].filter((api) => !e.untranslated?.includes(api));

  it(`same format (${t.api}${t.stream ? ', streamed' : ''})`, async () => {
    const result = await replay(t, t.api);
    if (e.error) {
      expect(isFailure(result), 'the call should fail').toBe(true);
      const { error } = result as SdkFailure;
      expect(error.status).toBe(e.error.status);
      expect(sdkErrorClass(t.api, error)).toBe(e.error.sameFormatClass);
      expect(error.message).toContain(e.error.message);
      // The body as the upstream sent it: OpenAI SDKs expose `error.error` as the inner object, Anthropic's the whole body.
      if (e.error.body) expect(error.error).toMatchObject(e.error.body);
      if (e.requestId) expect(error.requestID).toBe(e.requestId);
      return;
    }
    checkOutcome(t, t.api, result);
  });

  it.each(translated)('translated for %s', async (api) => {
    const result = await replay(t, api);
    if (e.error) {
      expect(isFailure(result), 'the call should fail').toBe(true);
      const { error } = result as SdkFailure;
      expect(error.status).toBe(e.error.status);
      expect(sdkErrorClass(api, error)).toBe(e.error.translatedClass);
      expect(error.message).toContain(e.error.message);
      if (e.requestId) expect(error.requestID).toBe(e.requestId);
      return;
    }
    checkOutcome(t, api, result);
  });

  if (t.stream && !e.error) {
    it.each([t.api, ...translated])('a connection dropped midway fails cleanly (%s)', async (api) => {
      const bytes = JSON.stringify(t.events).length;
      const result = await replay(t, api, { dropAtByte: Math.floor(bytes / 2) });
      expect(isFailure(result), 'a cut stream must not look complete').toBe(true);
      expect((result as SdkFailure).error.message).toMatch(/upstream|connection|terminated|stream/i);
    });
  }
});

describe('same-format streams pass through byte for byte', () => {
  async function rawStream(t: Transcript, body: Record<string, unknown>): Promise<string> {
    suite.upstream.behave({ kind: 'replay', transcript: t }, 1);
    const path = t.api === 'anthropic.messages' ? '/v1/messages' : t.api === 'openai.responses' ? '/v1/responses' : '/v1/chat/completions';
    const res = await fetch(suite.gw.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${suite.gw.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL[t.api], stream: true, max_tokens: 100, ...body }),
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  it.each(transcripts.filter((t) => t.stream && t.status === 200 && !t.expect.midStreamError))('$name', async (t) => {
    const upstreamBytes = frameEvents(t.events!);
    if (t.api !== 'openai.chat') {
      expect(await rawStream(t, t.api === 'openai.responses' ? { input: 'x' } : { messages: [{ role: 'user', content: 'x' }] })).toBe(upstreamBytes);
      return;
    }
    const messages = [{ role: 'user', content: 'x' }];
    expect(await rawStream(t, { messages, stream_options: { include_usage: true } })).toBe(upstreamBytes);
    // Without include_usage the client gets the same bytes less the usage chunk the gateway asked for.
    const withoutUsage = t.events!.filter((e) => !('data' in e && typeof e.data === 'object' && e.data !== null && 'usage' in e.data));
    expect(await rawStream(t, { messages })).toBe(frameEvents(withoutUsage));
  });

  it('keeps the comments a provider sends to keep a stream alive', async () => {
    const t = transcripts.find((x) => x.name === 'openrouter-chat-reasoning-midstream-error')!;
    const text = await rawStream(t, { messages: [{ role: 'user', content: 'x' }] });
    expect(text.startsWith(': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n')).toBe(true);
    expect(text).toContain('"native_finish_reason":"error"');
  });
});

describe('a connection dropped after the stop reason keeps it', () => {
  it.each([
    ['deepseek-chat-reasoning-length-stream', 'anthropic.messages', 'max_tokens'],
    ['anthropic-max-tokens-stream', 'openai.chat', 'length'],
  ] as const)('%s read as %s', async (name, api, stop) => {
    const t = transcripts.find((x) => x.name === name)!;
    const events = t.events!;
    // Cut inside the event after the one that gave the stop reason.
    const at = events.findIndex((e) => 'data' in e && JSON.stringify(e.data).match(/"(finish|stop)_reason":"(length|max_tokens)"/)) + 1;
    const result = await replay(t, api, { dropAtByte: Buffer.byteLength(frameEvents(events.slice(0, at))) + 5 });
    expect(isFailure(result), 'a cut stream must not look complete').toBe(true);
    const { partial } = result as SdkFailure;
    expect(partial.text).toBe(t.expect.text);
    if (t.expect.reasoning) expect(partial.reasoning).toBe(t.expect.reasoning);
    expect(partial.stop).toBe(stop);
  });
});

describe('a JSON-schema answer from an Anthropic model', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' } }, required: ['city', 'population'] };
  const asks = {
    'openai.chat': { response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } } },
    'openai.responses': { text: { format: { type: 'json_schema', name: 'city', schema, strict: true } } },
  } as const;

  it.each(['openai.chat', 'openai.responses'] as const)('is asked as a forced tool and read back as the text (%s)', async (api) => {
    const t = transcripts.find((x) => x.name === 'anthropic-json-answer-stream')!;
    for (const stream of [true, false]) {
      const buffered = { ...t, stream: false, events: undefined, body: undefined };
      suite.upstream.behave({ kind: 'replay', transcript: stream ? t : { ...buffered, body: jsonAnswerMessage() } }, 1);
      const result = await readThroughSdk(clients, api, 'claude-test', stream, asks[api]);
      if (isFailure(result)) throw result.error;
      expect(JSON.parse(result.text)).toEqual({ city: 'Paris', population: 2048472 });
      expect(result.tools).toEqual([]);
      expect(result.stop).toBe(api === 'openai.chat' ? 'stop' : 'completed');
      const sent = suite.upstream.requests.at(-1)!.body;
      expect(sent.tool_choice).toEqual({ type: 'tool', name: 'json_answer' });
      expect(sent.tools).toEqual([expect.objectContaining({ name: 'json_answer', input_schema: schema })]);
    }
  });
});

function jsonAnswerMessage(): unknown {
  return {
    id: 'msg_01JsonAnsw3rBuff',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'tool_use', id: 'toolu_01JsonAnsw3rB', name: 'json_answer', input: { city: 'Paris', population: 2048472 } }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 310, output_tokens: 28 },
  };
}
